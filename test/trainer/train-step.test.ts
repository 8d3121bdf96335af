import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAM, PARAMS, type ParamName } from "../../trainer/onnx/train-step.ts";
import { TrainStepSession, zeroParams, type AdamState, type Batch } from "../../trainer/onnx/sessions.ts";
import type { Params } from "../../trainer/onnx/reward-graph.ts";
import { bradleyTerryLoss } from "../../trainer/metrics.ts";
import { Rng } from "../../trainer/rng.ts";

const F = 6;
const H = 4;
const B = 5;
let session: TrainStepSession;

function randomParams(rng: Rng, scale: number): Params {
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  return { w1: fill(F * H), b1: fill(H), w2: fill(H), v: fill(F) };
}

const zeros = () => zeroParams(F, H);

/** A batch with unequal weights and two ties, so that every term of the loss shows up in the gradient. */
function batch(rng: Rng): Batch {
  return {
    features: Float32Array.from({ length: 2 * B * F }, () => rng.normal()),
    weight: Float32Array.of(1, 0.5, 2, 1.5, 0.8),
    tie: Float32Array.of(0, 1, 0, 0, 1),
  };
}

function preActivation(p: Params, x: Float32Array, row: number, j: number): number {
  let z = p.b1[j];
  for (let i = 0; i < F; i++) z += x[row * F + i] * p.w1[i * H + j];
  return z;
}

/** The model written out in float64: r = relu(x·W1 + b1)·w2 + x·v. */
function reward(p: Params, x: Float32Array, row: number): number {
  let r = 0;
  for (let j = 0; j < H; j++) r += Math.max(preActivation(p, x, row, j), 0) * p.w2[j];
  for (let i = 0; i < F; i++) r += x[row * F + i] * p.v[i];
  return r;
}

beforeAll(async () => {
  session = await TrainStepSession.create(F, H, "cpu");
});
afterAll(async () => {
  await session.release();
});

/** Loss at `params` and the gradient, read back from the first moment: with m = 0 going in, m' = (1 − β1)·g. */
async function lossAndGradient(params: Params, b: Batch) {
  const state: AdamState = { params, m: zeros(), v: zeros(), step: 0 };
  const { state: next, loss, reward: rewards } = await session.run(state, b, 0, 0);
  const gradient = Object.fromEntries(PARAMS.map((p) => [p, next.m[p].map((m) => m / (1 - ADAM.beta1))])) as Params;
  return { loss, gradient, rewards, next };
}

describe("training-step graph", () => {
  it("computes the forward pass and the weighted Bradley-Terry loss with ties", async () => {
    const rng = new Rng(11);
    const params = randomParams(rng, 0.5);
    const b = batch(rng);
    const { loss, rewards } = await lossAndGradient(params, b);
    const expected = Array.from({ length: 2 * B }, (_, row) => reward(params, b.features, row));
    rewards.forEach((r, i) => expect(r).toBeCloseTo(expected[i], 4));
    const outcomes = Array.from({ length: B }, (_, k) => ({
      margin: expected[k] - expected[B + k],
      weight: b.weight[k],
      tie: b.tie[k] === 1,
    }));
    expect(loss).toBeCloseTo(bradleyTerryLoss(outcomes), 5);
  });

  it("has the gradient of its loss (central finite differences on every parameter)", async () => {
    const rng = new Rng(31);
    const params = randomParams(rng, 0.7);
    const b = batch(rng);
    const { gradient } = await lossAndGradient(params, b);
    const epsilon = 1e-3;
    // No hidden unit sits within reach of its ReLU kink, where a finite difference would straddle two slopes.
    const nearestKink = Math.min(
      ...Array.from({ length: 2 * B * H }, (_, k) =>
        Math.abs(preActivation(params, b.features, Math.floor(k / H), k % H)),
      ),
    );
    expect(nearestKink).toBeGreaterThan(20 * epsilon);
    let checked = 0;
    for (const p of PARAMS) {
      for (let i = 0; i < params[p].length; i++) {
        const shifted = (delta: number) => {
          const copy = { ...params, [p]: params[p].slice() } as Params;
          copy[p][i] += delta;
          return copy;
        };
        const up = (await lossAndGradient(shifted(epsilon), b)).loss;
        const down = (await lossAndGradient(shifted(-epsilon), b)).loss;
        const numeric = (up - down) / (2 * epsilon);
        expect(
          Math.abs(gradient[p][i] - numeric),
          `${p}[${i}]: graph ${gradient[p][i]}, numeric ${numeric}`,
        ).toBeLessThan(2e-4 + 1e-2 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBe(F * H + H + H + F);
    // The check is not vacuous: the gradient is far from zero in every parameter block.
    for (const p of PARAMS) expect(Math.max(...gradient[p].map(Math.abs))).toBeGreaterThan(1e-2);
  });

  it("applies AdamW: bias-corrected moments and decoupled weight decay on the weights but not the hidden bias", async () => {
    const rng = new Rng(5);
    const params = randomParams(rng, 0.5);
    const b = batch(rng);
    const { gradient: g } = await lossAndGradient(params, b);
    const m = randomParams(rng, 0.1);
    const v = Object.fromEntries(PARAMS.map((p) => [p, randomParams(rng, 0.1)[p].map((x) => x * x)])) as Params;
    const lr = 0.05;
    const decay = 0.3;
    const step = 3;
    const { state } = await session.run({ params, m, v, step: step - 1 }, b, lr, decay);
    const { beta1, beta2, epsilon } = ADAM;
    const decayed: Record<ParamName, boolean> = { w1: true, b1: false, w2: true, v: true };
    for (const p of PARAMS) {
      for (let i = 0; i < params[p].length; i++) {
        const m1 = beta1 * m[p][i] + (1 - beta1) * g[p][i];
        const v1 = beta2 * v[p][i] + (1 - beta2) * g[p][i] ** 2;
        const update = (lr * (m1 / (1 - beta1 ** step))) / (Math.sqrt(v1 / (1 - beta2 ** step)) + epsilon);
        const expected = params[p][i] * (decayed[p] ? 1 - lr * decay : 1) - update;
        expect(state.m[p][i]).toBeCloseTo(m1, 5);
        expect(state.v[p][i]).toBeCloseTo(v1, 6);
        expect(state.params[p][i], `${p}[${i}]`).toBeCloseTo(expected, 5);
      }
    }
    expect(state.step).toBe(step);
  });
});
