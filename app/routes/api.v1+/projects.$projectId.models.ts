import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, readJson, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { loadProjectModels, modelJson } from "~/utils/project-models.server.ts";
import { db } from "~/utils/db.server.ts";
import { publishVersion, startTraining } from "../../../jobs/project-commands.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { ModelsRequestSchema } from "~/utils/schemas.ts";

/** The project's model versions with metrics, progress and the model–consensus agreement series. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return loadProjectModels(project.id);
  });

/**
 * `{}` queues training of a new version (202); `{"publish": "<model id>"}` publishes a trained one, a version below
 * the baseline only with `"confirmWeak": true`.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "train");
    const parsed = ModelsRequestSchema.safeParse((await readJson(request)) ?? {});
    if (!parsed.success) throw new ApiError(400, "invalid_input", parsed.error.issues[0].message);
    const { publish, confirmWeak } = parsed.data;
    if (publish !== undefined) {
      await publishVersion(db, project, publish, { ifWeak: confirmWeak ? "publish" : "refuse" });
      await audit(user, project, "model.published", { model: publish });
      return { published: publish };
    }
    const model = await startTraining(db, project);
    await audit(user, project, "model.training", { model: model.id, version: model.version });
    return Response.json({ model: modelJson(model) }, { status: 202 });
  });
