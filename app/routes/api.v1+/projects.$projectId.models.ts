import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, readJson, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { loadProjectModels, modelJson } from "~/utils/project-models.server.ts";
import { db } from "~/utils/db.server.ts";
import { publishVersion, startTraining } from "../../../jobs/project-commands.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";

/** The project's model versions with metrics, progress and the model–consensus agreement series. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    return loadProjectModels(project.id);
  });

/** `{}` queues training of a new version (202); `{"publish": "<model id>"}` publishes a trained one. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    const body = (await readJson(request)) as { publish?: unknown } | null;
    if (body?.publish !== undefined && typeof body.publish !== "string")
      throw new ApiError(400, "invalid_input", "publish must be the id of a trained model version");
    if (typeof body?.publish === "string") {
      await publishVersion(db, project, body.publish);
      return { published: body.publish };
    }
    const model = await startTraining(db, project);
    return Response.json({ model: modelJson(model) }, { status: 202 });
  });
