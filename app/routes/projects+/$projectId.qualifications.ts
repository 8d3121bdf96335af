import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/react";
import { DomainError } from "../../../db/errors.ts";
import { setWhoMayLabel } from "../../../labeling/qualification-tests.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { ProjectQualificationsSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";

/** The dashboard's "Who may label" card posts here: the tests the project requires and the minimum prior quality. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "settings");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const parsed = ProjectQualificationsSchema.safeParse({
    tests: formData.getAll("tests"),
    minPriorQuality: formData.get("minPriorQuality") ?? undefined,
  });
  if (!parsed.success) return data({ error: parsed.error.issues[0].message }, 400);
  try {
    await setWhoMayLabel(db, {
      projectId: project.id,
      ownerId: project.ownerId,
      testIds: parsed.data.tests,
      minPriorQuality: parsed.data.minPriorQuality,
    });
  } catch (error) {
    if (error instanceof DomainError) return data({ error: error.message }, 404);
    throw error;
  }
  await audit(user, project, "qualifications.changed", {
    tests: parsed.data.tests.length,
    minPriorQuality: parsed.data.minPriorQuality,
  });
  return { message: "Saved." };
}
