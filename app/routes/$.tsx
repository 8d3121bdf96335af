import type { MetaFunction } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";

// Every address no other route takes is answered here, inside the app's layout. Without this route it would be the
// router's own 404, which comes before the root loader runs: the header would not know who is signed in.

export const meta: MetaFunction = () => [{ title: "Page not found · Pairwise" }];

export function loader() {
  throw new Response(null, { status: 404 });
}

// Never rendered (the loader always throws), but a default export makes this a page route, whose error is drawn
// inside the layout, rather than a resource route, whose error would be a bare response.
export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
