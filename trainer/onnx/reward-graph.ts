/** Forward-only graphs: features → reward. */
import { GraphBuilder } from "./graph.ts";
import { paramShapes, PARAMS, rewardLayers, type ParamName } from "./train-step.ts";

export type Params = Record<ParamName, Float32Array>;

/** For scoring during training: the parameters are inputs, features are already standardised. */
export function buildScoringGraph(features: number, hidden: number): Uint8Array {
  const g = new GraphBuilder("reward_model_scoring");
  const shapes = paramShapes(features, hidden);
  const x = g.input("features", ["rows", features]);
  for (const p of PARAMS) g.input(p, shapes[p]);
  const { reward } = rewardLayers(g, x, [...PARAMS]);
  g.output(g.op("Reshape", [reward, g.ints([-1])], {}, "reward"), ["rows"]);
  return g.toBytes();
}

/**
 * The exported model: raw features [N, F] → reward [N]. Standardisation, (x − mean)·scale, and the trained
 * parameters are stored in the graph, so serving needs nothing but the featurizer and this file.
 */
export function buildInferenceGraph(params: Params, mean: Float32Array, scale: Float32Array): Uint8Array {
  const features = mean.length;
  const hidden = params.b1.length;
  const shapes = paramShapes(features, hidden);
  const g = new GraphBuilder("reward_model");
  const x = g.input("features", ["N", features]);
  const standardised = g.op("Mul", [
    g.op("Sub", [x, g.constant(mean, [features], "feature_mean")]),
    g.constant(scale, [features], "feature_scale"),
  ]);
  const { reward } = rewardLayers(
    g,
    standardised,
    PARAMS.map((p) => g.constant(params[p], shapes[p], p)),
  );
  g.output(g.op("Reshape", [reward, g.ints([-1])], {}, "reward"), ["N"]);
  return g.toBytes();
}
