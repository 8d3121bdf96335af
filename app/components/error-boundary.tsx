import { isRouteErrorResponse, Link, useLocation, useRouteError } from "@remix-run/react";

/** What to tell a person about a failed response: a title and a sentence, never the router's own message. */
function describe(status: number, message: string | null, pathname: string) {
  if (status === 404) {
    return {
      title: "Page not found",
      detail: message ?? `There is no page at ${pathname}. It may have moved, or the link may be mistyped.`,
    };
  }
  if (status === 403) return { title: "Not allowed", detail: message ?? "Your account cannot open this page." };
  if (status === 401) return { title: "Please sign in", detail: message ?? "Sign in to open this page." };
  return { title: `Error ${status}`, detail: message ?? "The request could not be completed." };
}

/** The message a loader or action gave with its error response, if it wrote one for people. */
function messageOf(data: unknown): string | null {
  // The router's own 404 ("Error: No route matches URL …") is for developers.
  if (typeof data === "string") return data.trim() === "" || data.startsWith("Error: No route matches") ? null : data;
  const message = (data as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : null;
}

/** Shared error view: route ErrorBoundaries delegate here. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { pathname } = useLocation();
  let title = "Something went wrong";
  let detail = "The error was logged. Try again in a moment.";
  if (isRouteErrorResponse(error)) {
    ({ title, detail } = describe(error.status, messageOf(error.data), pathname));
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
