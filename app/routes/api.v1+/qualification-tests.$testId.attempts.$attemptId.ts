import type { ActionFunctionArgs } from "@remix-run/node";
import { NotFoundError } from "../../../db/errors.ts";
import { getAttempt } from "../../../db/queries/qualifications.ts";
import { finishQualificationAttempt } from "../../../labeling/qualification-attempts.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { resultJson } from "~/utils/qualifications.server.ts";
import { FinishAttemptSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** Finishes the caller's open attempt with its answers and returns the result. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler"]);
    const attemptId = Number(params.attemptId);
    if (!Number.isSafeInteger(attemptId) || attemptId <= 0) throw new NotFoundError("attempt");
    const attempt = await getAttempt(db, { attemptId, labelerId: user.id });
    if (!attempt || attempt.testId !== params.testId) throw new NotFoundError("attempt");
    const { answers } = await parseJsonBody(request, FinishAttemptSchema);
    return { result: resultJson(await finishQualificationAttempt(db, { attemptId, labelerId: user.id, answers })) };
  });
