import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod";
import { DomainError } from "../../../db/errors.ts";
import { limits } from "~/utils/amount-limits.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { domainErrorStatus } from "~/utils/api.server.ts";
import { payBonus } from "~/utils/bonuses.server.ts";
import { bonusFormSchema } from "~/utils/bonus-schemas.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { formatAmount } from "~/utils/tokens.ts";

export const loader = () => {
  throw new Response("Not found", { status: 404 });
};

/** The Bonuses card's post (role action "bonus"): pay one labeler of the project, or the top N by quality. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const access = await requireProjectAccess(user, params.projectId, "bonus");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const token = await tokenDisplay();
  const submission = parseWithZod(formData, { schema: bonusFormSchema(token, limits.bonus) });
  if (submission.status !== "success") return data({ result: submission.reply(), message: null }, 400);
  const value = submission.value;
  try {
    const { bonuses, replayed } = await payBonus(user, access, {
      ...(value.target === "top" ? { top: value.top! } : { labeler: value.labeler! }),
      amount: value.tokens,
      reason: value.reason,
      idempotencyKey: value.idempotencyKey,
    });
    const total = bonuses.reduce((n, b) => n + b.amount, 0n);
    const who = bonuses.length === 1 ? "1 labeler" : `${bonuses.length} labelers`;
    return {
      result: submission.reply({ resetForm: true }),
      message: `${replayed ? "Already paid" : "Paid"}: ${formatAmount(total, token)} to ${who}, in their next payout.`,
    };
  } catch (error) {
    if (error instanceof DomainError)
      return data(
        { result: submission.reply({ formErrors: [error.message] }), message: null },
        domainErrorStatus(error),
      );
    throw error;
  }
}
