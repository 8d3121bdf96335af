import type { ActionFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { services } from "~/utils/services.server.ts";
import { CREDITS_PER_JUDGEMENT, metered } from "../../../reward/tokens/credits/metered.ts";
import { premiumApi, requireModel } from "~/utils/premium.server.ts";
import { JudgeSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** `{prompt, a, b}` → the probability that a is the better response; two credits. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  premiumApi(request, ["POST"], async (user) => {
    const { prompt, a, b } = await parseJsonBody(request, JudgeSchema);
    const model = await requireModel(params.modelId);
    return metered(db, user.id, CREDITS_PER_JUDGEMENT, `judge:${model.id}`, () =>
      services.withScorer(model.id, async (scorer) => ({
        model: model.id,
        probability: await scorer.judge(prompt, a, b),
      })),
    );
  });
