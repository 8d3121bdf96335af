import type { ActionFunctionArgs } from "@remix-run/node";
import { startQualificationAttempt } from "../../../labeling/qualification-attempts.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { startedJson } from "~/utils/qualifications.server.ts";
import { StartAttemptSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** Starts an attempt at the test (or resumes the caller's open one) and returns its items, without answers. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler"]);
    const { projectId } = await parseJsonBody(request, StartAttemptSchema);
    const started = await startQualificationAttempt(db, {
      testId: params.testId ?? "",
      labelerId: user.id,
      projectId,
    });
    return Response.json(startedJson(started), { status: 201 });
  });
