import { evaluateModel, readPairsFile } from "../../trainer/index.ts";
import type { Command } from "../command.ts";
import { requiredString, writeJson } from "../options.ts";
import { deviceOption, withTrainerErrors } from "../trainer-options.ts";

export const command: Command = {
  name: "eval",
  summary: "accuracy of a reward model on preference pairs",
  usage: `usage: pairwise eval --model DIR --data FILE [--device cpu|cuda|webgpu]

Scores both responses of every pair with the model and prints the share of pairs where the chosen response
gets the higher reward (ties in the data are left out; equal rewards count as half right).

  --model DIR    a model directory written by pairwise train
  --data FILE    JSON Lines as for pairwise train
  --device NAME  cpu (default), cuda or webgpu

Output (JSON): {"accuracy","n"}`,
  options: {
    model: { type: "string" },
    data: { type: "string" },
    device: { type: "string" },
  },
  async run(values) {
    const model = requiredString(values, "model", "DIR");
    const data = requiredString(values, "data", "FILE");
    const device = await deviceOption(values);
    const result = await withTrainerErrors(async () => evaluateModel(model, await readPairsFile(data), { device }));
    await writeJson({ accuracy: result.accuracy, n: result.n });
  },
};
