import type { ActionFunctionArgs } from "@remix-run/node";
import { randomUUID } from "node:crypto";
import { renderMessages } from "../../../datasets/normalize.ts";
import { methodNotAllowed } from "~/utils/api.server.ts";
import { sampleUpstream } from "~/utils/best-of-n.server.ts";
import { db } from "~/utils/db.server.ts";
import { services } from "~/utils/services.server.ts";
import { CREDITS_PER_SAMPLE, metered } from "../../../reward/tokens/credits/metered.ts";
import { premiumApi, requireModel } from "~/utils/premium.server.ts";
import { ChatSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/**
 * OpenAI-style chat completion, preference-tuned by best-of-n: n candidates from the upstream LLM, the one the
 * reward model `model` ranks highest returned. Costs CREDITS_PER_SAMPLE per candidate.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  premiumApi(request, ["POST"], async (user) => {
    const input = await parseJsonBody(request, ChatSchema);
    const model = await requireModel(input.model);
    return metered(db, user.id, CREDITS_PER_SAMPLE * BigInt(input.n), `chat:${model.id}`, async () => {
      const candidates = await sampleUpstream(input);
      const rewards = await services.withScorer(model.id, (scorer) =>
        scorer.score(renderMessages(input.messages), candidates),
      );
      const best = rewards.reduce((b, r, i) => (r > rewards[b] ? i : b), 0);
      return {
        id: `chatcmpl-${randomUUID()}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: model.id,
        choices: [{ index: 0, message: { role: "assistant", content: candidates[best] }, finish_reason: "stop" }],
        best_of_n: { n: candidates.length, chosen: best, rewards },
      };
    });
  });
