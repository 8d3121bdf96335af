import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

/** Shared error view: route ErrorBoundaries delegate here. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let detail = "The error was logged. Try again in a moment.";
  if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? "Not found" : error.status === 403 ? "Not allowed" : `Error ${error.status}`;
    detail = typeof error.data === "string" ? error.data : (error.data?.message ?? error.statusText);
  } else if (typeof document === "undefined") {
    console.error(error);
  }
  return (
    <div className="card error" role="alert">
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </div>
  );
}
