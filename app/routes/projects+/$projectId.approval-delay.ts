import type { ActionFunctionArgs } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { data } from "@remix-run/react";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { approvedAfterWords } from "~/utils/labeling-offer.ts";
import { changeApprovalDelay } from "~/utils/project-settings.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { approvalDelayHoursOf, ApprovalDelayFormSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";

/**
 * The dashboard's approval delay card posts here: the delay as typed, in days or hours. Owners and co-owners only;
 * the change is audited.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "settings");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: ApprovalDelayFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), message: null }, 400);
  const hours = approvalDelayHoursOf(submission.value);
  await changeApprovalDelay(user, project, hours);
  return {
    result: submission.reply(),
    message: `Saved: answers nobody reviews are ${approvedAfterWords(hours)}.`,
  };
}
