import { api, ApiError } from "~/utils/api.server.ts";

/** Any path under /api/v1 that no route serves, with any method: a JSON 404 rather than the HTML not-found page. */
const notFound = ({ request }: { request: Request }) =>
  api(async () => {
    const path = new URL(request.url).pathname;
    throw new ApiError(404, "not_found", `No API endpoint at ${path}; see the JSON API section of the README`);
  });

export const loader = notFound;
export const action = notFound;
