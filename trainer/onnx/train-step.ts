/**
 * The whole training step as one ONNX graph: forward pass, Bradley–Terry loss, the backward pass derived by
 * hand, and an AdamW update. The model is r(x) = relu(x·W1 + b1)·w2 + x·v: a one-hidden-layer MLP plus a
 * linear term, which learns the plain trends (length, lists) from few pairs while the hidden layer picks up
 * interactions. Parameters and Adam moments go in and come out, so any onnxruntime execution
 * provider (CPU, CUDA, WebGPU) runs training with the same graph.
 *
 * Batch layout: `features` holds 2B rows, the B chosen responses first, then the B rejected ones in the same
 * order. With d = r(chosen) − r(rejected), a pair with weight w and tie flag t costs
 *   w · [(1 − t/2) · softplus(−d) + (t/2) · softplus(d)]
 * (a tie is half a win each way), averaged over the batch by weight. Since the two coefficients sum to one,
 * d(loss)/dd = w · (σ(d) − (1 − t/2)) / Σw.
 */
import { GraphBuilder } from "./graph.ts";

export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** Names of the parameters, in the order the graphs take them, and of their Adam moments. */
export const PARAMS = ["w1", "b1", "w2", "v"] as const;
export type ParamName = (typeof PARAMS)[number];
/** Weight decay applies to the weights only, as usual; the hidden bias is left alone. */
const DECAYED: Record<ParamName, boolean> = { w1: true, b1: false, w2: true, v: true };

export function paramShapes(features: number, hidden: number): Record<ParamName, number[]> {
  return { w1: [features, hidden], b1: [hidden], w2: [hidden, 1], v: [features, 1] };
}

export const momentName = (p: ParamName, moment: "m" | "v") => `${p}_${moment}`;
export const updatedName = (name: string) => `${name}_next`;

/** r = relu(x·W1 + b1)·w2 + x·v for every row of x; returns the hidden activations and the [rows, 1] rewards. */
export function rewardLayers(g: GraphBuilder, x: string, [w1, b1, w2, v]: string[]) {
  const hidden = g.op("Relu", [g.op("Gemm", [x, w1, b1])]);
  return { hidden, reward: g.op("Add", [g.op("MatMul", [hidden, w2]), g.op("MatMul", [x, v])]) };
}

/** softplus(±d) without overflow: relu(±d) + log(1 + exp(−|d|)). Returns the shared log term. */
function softplusTail(g: GraphBuilder, d: string) {
  return g.op("Log", [g.op("Add", [g.constant(1), g.op("Exp", [g.op("Neg", [g.op("Abs", [d])])])])]);
}

function adamW(g: GraphBuilder, p: ParamName, grad: string, lr: string, decay: string, bc1: string, bc2: string) {
  const { beta1, beta2, epsilon } = ADAM;
  const m = g.op(
    "Add",
    [g.op("Mul", [g.constant(beta1), momentName(p, "m")]), g.op("Mul", [g.constant(1 - beta1), grad])],
    {},
    updatedName(momentName(p, "m")),
  );
  const squared = g.op("Mul", [grad, grad]);
  const v = g.op(
    "Add",
    [g.op("Mul", [g.constant(beta2), momentName(p, "v")]), g.op("Mul", [g.constant(1 - beta2), squared])],
    {},
    updatedName(momentName(p, "v")),
  );
  const denominator = g.op("Add", [g.op("Sqrt", [g.op("Div", [v, bc2])]), g.constant(epsilon)]);
  const step = g.op("Mul", [lr, g.op("Div", [g.op("Div", [m, bc1]), denominator])]);
  // Decoupled decay: θ·(1 − lr·λ), applied to the old weights, independent of the gradient's scale.
  const kept = DECAYED[p] ? g.op("Mul", [p, g.op("Sub", [g.constant(1), g.op("Mul", [lr, decay])])]) : p;
  g.op("Sub", [kept, step], {}, updatedName(p));
}

/**
 * Inputs: features [2B, F], weight [B], tie [B] (1 for a tie, else 0), the parameters and their moments,
 * step (the 1-based number of this update), lr and weight_decay (scalars).
 * Outputs: each parameter and moment under `<name>_next`, loss (scalar, before the update) and
 * reward [2B] (the forward pass, before the update).
 */
export function buildTrainStepGraph(features: number, hidden: number): Uint8Array {
  const g = new GraphBuilder("reward_model_train_step");
  const shapes = paramShapes(features, hidden);
  const x = g.input("features", ["rows", features]);
  const weight = g.input("weight", ["pairs"]);
  const tie = g.input("tie", ["pairs"]);
  for (const p of PARAMS) {
    g.input(p, shapes[p]);
    g.input(momentName(p, "m"), shapes[p]);
    g.input(momentName(p, "v"), shapes[p]);
  }
  const t = g.input("step", []);
  const lr = g.input("lr", []);
  const decay = g.input("weight_decay", []);

  // Forward.
  const { hidden: h, reward } = rewardLayers(g, x, [...PARAMS]);
  g.output(g.op("Reshape", [reward, g.ints([-1])], {}, "reward"), ["rows"]);
  const byRole = g.op("Reshape", [reward, g.ints([2, -1])]); // [2, B]: chosen row, rejected row
  const difference = g.constant(Float32Array.of(1, -1), [1, 2]);
  const d = g.op("Reshape", [g.op("MatMul", [difference, byRole]), g.ints([-1])]); // [B]

  // Loss: a·relu(−d) + b·relu(d) + log(1 + exp(−|d|)) with a = 1 − t/2, b = t/2.
  const half = g.op("Mul", [g.constant(0.5), tie]);
  const a = g.op("Sub", [g.constant(1), half]);
  const perPair = g.op("Add", [
    g.op("Add", [g.op("Mul", [a, g.op("Relu", [g.op("Neg", [d])])]), g.op("Mul", [half, g.op("Relu", [d])])]),
    softplusTail(g, d),
  ]);
  const totalWeight = g.op("Max", [g.op("ReduceSum", [weight, g.ints([0])], { keepdims: 0 }), g.constant(1e-12)]);
  g.output(
    g.op(
      "Div",
      [g.op("ReduceSum", [g.op("Mul", [weight, perPair]), g.ints([0])], { keepdims: 0 }), totalWeight],
      {},
      "loss",
    ),
    [],
  );

  // Backward.
  const gradD = g.op("Div", [g.op("Mul", [weight, g.op("Sub", [g.op("Sigmoid", [d]), a])]), totalWeight]); // [B]
  const gradByRole = g.op("Mul", [g.constant(Float32Array.of(1, -1), [2, 1]), gradD]); // [2, B]
  const gradReward = g.op("Reshape", [gradByRole, g.ints([-1, 1])]); // [2B, 1]
  const gradW2 = g.op("Gemm", [h, gradReward], { transA: 1 }); // hᵀ·g: [H, 1]
  const gradHidden = g.op("Gemm", [gradReward, "w2"], { transB: 1 }); // g·w2ᵀ: [2B, H]
  const gradPre = g.op("Mul", [gradHidden, g.op("Sign", [h])]); // relu' = 1 where the activation is positive
  const gradW1 = g.op("Gemm", [x, gradPre], { transA: 1 }); // xᵀ·g: [F, H]
  const gradB1 = g.op("ReduceSum", [gradPre, g.ints([0])], { keepdims: 0 }); // [H]
  const gradV = g.op("Gemm", [x, gradReward], { transA: 1 }); // xᵀ·g: [F, 1]

  // AdamW with bias correction.
  const bc1 = g.op("Sub", [g.constant(1), g.op("Pow", [g.constant(ADAM.beta1), t])]);
  const bc2 = g.op("Sub", [g.constant(1), g.op("Pow", [g.constant(ADAM.beta2), t])]);
  const grads: Record<ParamName, string> = { w1: gradW1, b1: gradB1, w2: gradW2, v: gradV };
  for (const p of PARAMS) {
    adamW(g, p, grads[p], lr, decay, bc1, bc2);
    for (const name of [p, momentName(p, "m"), momentName(p, "v")]) g.output(updatedName(name), shapes[p]);
  }
  return g.toBytes();
}
