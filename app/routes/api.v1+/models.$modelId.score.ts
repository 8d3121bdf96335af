import type { ActionFunctionArgs } from "@remix-run/node";
import { api, requirePremiumUser } from "~/utils/api.server.ts";
import { withScorer } from "~/utils/models.server.ts";
import { CREDITS_PER_RESPONSE, metered, requireModel } from "../../../reward/tokens/credits/metered.ts";
import { ScoreSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

/** `{prompt, responses[]}` → a reward per response, in order; one credit per response. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    const user = await requirePremiumUser(request);
    const { prompt, responses } = await parseJsonBody(request, ScoreSchema);
    const model = await requireModel(params.modelId);
    return metered(user.id, CREDITS_PER_RESPONSE * BigInt(responses.length), `score:${model.id}`, () =>
      withScorer(model.id, async (scorer) => ({ model: model.id, rewards: await scorer.score(prompt, responses) })),
    );
  });
