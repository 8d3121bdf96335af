import { api, ApiError } from "~/utils/api.server.ts";

/** Any path under /api/v1 that no route serves, with any method: a JSON 404 rather than the HTML not-found page. */
const notFound = ({ request }: { request: Request }) =>
  api(async () => {
    const path = new URL(request.url).pathname;
    throw new ApiError(
      404,
      "not_found",
      `No API endpoint at ${path}; the endpoints are listed at /docs/api (OpenAPI: /api/v1/openapi.json)`,
    );
  });

export const loader = notFound;
export const action = notFound;
