import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ApiReferenceView } from "~/components/api-reference.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { openApiDocument } from "~/openapi/document.server.ts";
import { apiReference } from "~/openapi/reference.server.ts";

export const meta: MetaFunction = () => [{ title: "API reference · Pairwise" }];

/** Public (no sign-in): the JSON API's reference, rendered from its OpenAPI document. */
export function loader() {
  return apiReference(openApiDocument());
}

export default function ApiDocs() {
  return <ApiReferenceView reference={useLoaderData<typeof loader>()} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
