import { openApiDocument } from "~/openapi/document.server.ts";
import { methodNotAllowed } from "~/utils/api.server.ts";

/** The API as an OpenAPI 3.1 document; public, like the reference page at /docs/api that renders it. */
export const loader = () => Response.json(openApiDocument());

export const action = methodNotAllowed("GET", "HEAD");
