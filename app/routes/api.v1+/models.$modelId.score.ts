import type { ActionFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { services } from "~/utils/services.server.ts";
import { CREDITS_PER_RESPONSE, metered } from "../../../reward/tokens/credits/metered.ts";
import { premiumApi, requireModel } from "~/utils/premium.server.ts";
import { ScoreSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** `{prompt, responses[]}` → a reward per response, in order; one credit per response. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  premiumApi(request, ["POST"], async (user) => {
    const { prompt, responses } = await parseJsonBody(request, ScoreSchema);
    const model = await requireModel(params.modelId);
    return metered(db, user.id, CREDITS_PER_RESPONSE * BigInt(responses.length), `score:${model.id}`, () =>
      services.withScorer(model.id, async (scorer) => ({
        model: model.id,
        rewards: await scorer.score(prompt, responses),
      })),
    );
  });
