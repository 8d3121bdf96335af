import { readPairsFile, trainRewardModel, type TrainingProgress } from "../../trainer/index.ts";
import { MIN_TRAINING_PAIRS } from "../../trainer/project-models.ts";
import type { Command } from "../command.ts";
import { optionalNumber, requiredString, writeJson } from "../options.ts";
import { deviceOption, withTrainerErrors } from "../trainer-options.ts";

function progressLine(p: TrainingProgress): string {
  const parts = [`epoch ${p.epoch}/${p.epochs}`, `step ${p.step}/${p.steps}`, `loss ${p.loss.toFixed(4)}`];
  if (p.valLoss !== null) parts.push(`val loss ${p.valLoss.toFixed(4)}`);
  if (p.valAccuracy !== null) parts.push(`val accuracy ${p.valAccuracy.toFixed(3)}`);
  return parts.join("  ");
}

export const command: Command = {
  name: "train",
  summary: "train a reward model on preference pairs (ONNX model directory)",
  usage: `usage: pairwise train --data FILE --out DIR [--device cpu|cuda|webgpu] [options]

Trains a reward model r(prompt, response) on human preferences with the Bradley-Terry loss and writes a model
directory: model.onnx (features -> reward) and metadata.json (features, hyperparameters, data hash, metrics).
Each training step (forward, loss, backward, AdamW) is one ONNX graph run by onnxruntime on the chosen device.

  --data FILE        JSON Lines, one {"prompt","chosen","rejected"} a line (strings or TRL message lists),
                     or {"chosen","rejected"} conversations differing in their last reply (TRL message
                     lists or Anthropic HH transcripts); optional "weight" (or "confidence") >= 0 and
                     "tie": true|false. Empty replies count (as bad ones). Fewer than ${MIN_TRAINING_PAIRS} pairs train
                     with a warning
  --out DIR          the model directory to write
  --device NAME      cpu (default), cuda or webgpu; a GPU that cannot be used here is refused at once
  --encoder DIR      a local ONNX sentence encoder (model.onnx + tokenizer.json) to use instead of the
                     built-in hashed n-gram features
  --epochs N         at most N passes over the training pairs (default 30; early stopping on held-out prompts)
  --seed N           fixes the split, initial weights and batch order (default 1)
  --hidden N         hidden units (default 32)
  --batch-size N     pairs per step (default 64)
  --lr X             AdamW learning rate (default 0.003)
  --patience N       epochs without a better held-out loss before stopping (default 4)

Progress goes to standard error; standard output gets JSON: {"out","device","metrics"} with held-out
accuracy beside the longer-response-wins baseline, calibration and the loss curve.`,
  options: {
    data: { type: "string" },
    out: { type: "string" },
    device: { type: "string" },
    encoder: { type: "string" },
    epochs: { type: "string" },
    seed: { type: "string" },
    hidden: { type: "string" },
    "batch-size": { type: "string" },
    lr: { type: "string" },
    patience: { type: "string" },
  },
  async run(values) {
    const data = requiredString(values, "data", "FILE");
    const out = requiredString(values, "out", "DIR");
    const device = await deviceOption(values);
    const options = {
      epochs: optionalNumber(values, "epochs", true),
      seed: optionalNumber(values, "seed", true),
      hidden: optionalNumber(values, "hidden", true),
      batchSize: optionalNumber(values, "batch-size", true),
      learningRate: optionalNumber(values, "lr", false),
      patience: optionalNumber(values, "patience", true),
    };
    const encoder = typeof values.encoder === "string" ? { kind: "onnx" as const, dir: values.encoder } : undefined;
    const pairs = await withTrainerErrors(() => readPairsFile(data));
    if (pairs.length < MIN_TRAINING_PAIRS)
      process.stderr.write(
        `pairwise train: warning: only ${pairs.length} preference pair${pairs.length === 1 ? "" : "s"}; the app needs at least ${MIN_TRAINING_PAIRS} to train a project's model (fewer give no held-out accuracy worth reporting)\n`,
      );
    const metrics = await withTrainerErrors(async () =>
      trainRewardModel({
        pairs,
        outDir: out,
        device,
        encoder,
        ...options,
        onProgress: (p) => process.stderr.write(progressLine(p) + "\n"),
      }),
    );
    await writeJson({ out, device, metrics });
  },
};
