import type { z } from "zod";
import { ApiError, readJson } from "./api.server.ts";

/** Parses a JSON body with a schema, or fails with a 400 naming each bad field. */
export async function parseJsonBody<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJson(request));
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
    throw new ApiError(
      400,
      "invalid_input",
      details.map((d) => `${d.field || "body"}: ${d.message}`).join("; "),
      details,
    );
  }
  return parsed.data;
}
