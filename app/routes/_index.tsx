import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { useOptionalUser } from "~/root.tsx";

export const meta: MetaFunction = () => [{ title: "Pairwise — human preferences for RLHF" }];

export default function Index() {
  const user = useOptionalUser();
  return (
    <div className="stack" style={{ maxWidth: 760 }}>
      <h1>Pairwise</h1>
      <p>
        A labeling marketplace for RLHF. Requesters upload prompts with candidate responses; labelers compare and rate
        them; every answer is stored as a preference you can export for reward-model training.
      </p>
      {user ? (
        <p>
          {user.role === "labeler" ? (
            <Link className="button" to="/work">
              Start labeling
            </Link>
          ) : (
            <Link className="button" to="/projects">
              Your projects
            </Link>
          )}
        </p>
      ) : (
        <p className="row">
          <Link className="button" to="/signup">
            Create an account
          </Link>
          <Link className="button secondary" to="/login">
            Sign in
          </Link>
        </p>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
