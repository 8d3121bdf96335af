import { loadScorer } from "../../trainer/index.ts";
import type { Command } from "../command.ts";
import { requiredString, writeJson } from "../options.ts";
import { deviceOption, withTrainerErrors } from "../trainer-options.ts";

export const command: Command = {
  name: "score",
  summary: "the reward a model gives one response to a prompt",
  usage: `usage: pairwise score --model DIR --prompt TEXT --response TEXT [--device cpu|cuda|webgpu]

  --model DIR      a model directory written by pairwise train
  --prompt TEXT    the prompt (or conversation so far)
  --response TEXT  the response to score
  --device NAME    cpu (default), cuda or webgpu

Output (JSON): {"reward"}; only differences between rewards for the same prompt mean anything:
P(a better than b) = 1 / (1 + exp(reward_b - reward_a)).`,
  options: {
    model: { type: "string" },
    prompt: { type: "string" },
    response: { type: "string" },
    device: { type: "string" },
  },
  async run(values) {
    const model = requiredString(values, "model", "DIR");
    const prompt = requiredString(values, "prompt", "TEXT");
    const response = requiredString(values, "response", "TEXT");
    const device = await deviceOption(values);
    const [reward] = await withTrainerErrors(async () => {
      const scorer = await loadScorer(model, { device });
      try {
        return await scorer.score(prompt, [response]);
      } finally {
        await scorer.close();
      }
    });
    await writeJson({ reward });
  },
};
