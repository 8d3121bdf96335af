import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getModel } from "../../../db/queries/models.ts";
import { db } from "~/utils/db.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { requireUser } from "~/utils/session.server.ts";

const FILES: Record<string, string> = { "model.onnx": "application/octet-stream", "metadata.json": "application/json" };

/** Downloads a trained model directory's files (the ONNX graph and its metadata). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "view");
  const model = await getModel(db, params.modelId ?? "");
  const type = FILES[params.file ?? ""];
  if (!model || model.projectId !== project.id || !model.dir || !type)
    throw new Response("No such model file.", { status: 404 });
  const stream = Readable.toWeb(createReadStream(path.join(model.dir, params.file!))) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      "Content-Type": type,
      "Content-Disposition": `attachment; filename="reward-model-v${model.version}-${params.file}"`,
    },
  });
}
