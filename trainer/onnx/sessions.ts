/** Runs the training-step and scoring graphs in onnxruntime sessions on the chosen device. */
import * as ort from "onnxruntime-node";
import { createSession, type Device } from "../device.ts";
import { buildScoringGraph, type Params } from "./reward-graph.ts";
import { buildTrainStepGraph, momentName, paramShapes, PARAMS, updatedName, type ParamName } from "./train-step.ts";

export interface AdamState {
  params: Params;
  m: Params;
  v: Params;
  /** Updates taken so far. */
  step: number;
}

export interface Batch {
  /** [2B, F]: the B chosen rows, then the B rejected rows. */
  features: Float32Array;
  weight: Float32Array;
  /** 1 for a tie, else 0. */
  tie: Float32Array;
}

const tensor = (data: Float32Array, dims: readonly number[]) => new ort.Tensor("float32", data, dims);
const scalar = (x: number) => new ort.Tensor("float32", Float32Array.of(x), []);

export function zeroParams(features: number, hidden: number): Params {
  return {
    w1: new Float32Array(features * hidden),
    b1: new Float32Array(hidden),
    w2: new Float32Array(hidden),
    v: new Float32Array(features),
  };
}

/** An onnxruntime session over a graph that takes the model parameters as inputs. */
abstract class ParamsSession {
  protected readonly shapes: Record<ParamName, number[]>;

  protected constructor(
    protected readonly session: ort.InferenceSession,
    readonly features: number,
    readonly hidden: number,
  ) {
    this.shapes = paramShapes(features, hidden);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export class TrainStepSession extends ParamsSession {
  static async create(features: number, hidden: number, device: Device): Promise<TrainStepSession> {
    return new TrainStepSession(await createSession(buildTrainStepGraph(features, hidden), device), features, hidden);
  }

  /** One AdamW update on `batch`. Returns the new state, and the loss and rewards before the update. */
  async run(
    state: AdamState,
    batch: Batch,
    lr: number,
    weightDecay: number,
  ): Promise<{ state: AdamState; loss: number; reward: Float32Array }> {
    const { shapes } = this;
    const pairs = batch.weight.length;
    const feeds: Record<string, ort.Tensor> = {
      features: tensor(batch.features, [2 * pairs, this.features]),
      weight: tensor(batch.weight, [pairs]),
      tie: tensor(batch.tie, [pairs]),
      step: scalar(state.step + 1),
      lr: scalar(lr),
      weight_decay: scalar(weightDecay),
    };
    for (const p of PARAMS) {
      feeds[p] = tensor(state.params[p], shapes[p]);
      feeds[momentName(p, "m")] = tensor(state.m[p], shapes[p]);
      feeds[momentName(p, "v")] = tensor(state.v[p], shapes[p]);
    }
    const out = await this.session.run(feeds);
    const take = (name: string) => out[updatedName(name)].data as Float32Array;
    const next = (pick: (p: ParamName) => string) =>
      Object.fromEntries(PARAMS.map((p) => [p, take(pick(p))])) as Params;
    return {
      state: {
        params: next((p) => p),
        m: next((p) => momentName(p, "m")),
        v: next((p) => momentName(p, "v")),
        step: state.step + 1,
      },
      loss: (out.loss.data as Float32Array)[0],
      reward: out.reward.data as Float32Array,
    };
  }
}

export class ScoringSession extends ParamsSession {
  static async create(features: number, hidden: number, device: Device): Promise<ScoringSession> {
    return new ScoringSession(await createSession(buildScoringGraph(features, hidden), device), features, hidden);
  }

  /** Rewards of the rows of `features` ([rows, F], standardised) under `params`. */
  async rewards(params: Params, features: Float32Array): Promise<Float32Array> {
    const feeds: Record<string, ort.Tensor> = {
      features: tensor(features, [features.length / this.features, this.features]),
    };
    for (const p of PARAMS) feeds[p] = tensor(params[p], this.shapes[p]);
    return (await this.session.run(feeds)).reward.data as Float32Array;
  }
}
