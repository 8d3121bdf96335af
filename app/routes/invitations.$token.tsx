import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, redirect, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { Time } from "~/components/time.tsx";
import { DomainError } from "../../db/errors.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { acceptInvitationAs, loadInvitationOffer } from "~/utils/team.server.ts";

export const meta: MetaFunction = () => [{ title: "Team invitation · Pairwise" }];

// A link's token: 32 random bytes, base64url.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const STATE_WORDS = {
  used: "This invitation was accepted already; each link works once.",
  revoked: "This invitation was withdrawn by the person who sent it.",
  expired: "This invitation has expired; ask for a new one.",
} as const;

/** The invitation behind a link (sign in first): what it offers, or why it can no longer be taken. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const token = params.token ?? "";
  const offer = TOKEN.test(token) ? await loadInvitationOffer(token) : null;
  if (!offer) throw new Response("This invitation link is not valid.", { status: 404 });
  const { sentTo, ...shown } = offer;
  return {
    offer: shown,
    problem:
      offer.state !== "pending"
        ? STATE_WORDS[offer.state]
        : user.role !== "requester"
          ? "Team invitations are for requester accounts; sign in with the requester account the invitation was sent to."
          : !sentTo(user.email)
            ? "This invitation was sent to another email address; sign in with that account to accept it."
            : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const token = params.token ?? "";
  if (!TOKEN.test(token)) return Response.json({ error: "This invitation link is not valid." }, { status: 404 });
  try {
    const { invitation } = await acceptInvitationAs(user, token);
    return redirect(invitation.projectId ? `/projects/${invitation.projectId}` : "/projects");
  } catch (error) {
    if (error instanceof DomainError) {
      const status =
        error.code === "invitation_not_found" ? 404 : /_wrong_(account|role)$/.test(error.code) ? 403 : 409;
      return Response.json({ error: error.message }, { status });
    }
    throw error;
  }
}

export default function Invitation() {
  const { offer, problem } = useLoaderData<typeof loader>();
  const result = useActionData<{ error?: string }>();
  const what = offer.projectTitle ? `the project “${offer.projectTitle}”` : "all of their projects";
  return (
    <section className="card" style={{ maxWidth: "36rem" }}>
      <h1 style={{ marginTop: 0 }}>Team invitation</h1>
      <p>
        {offer.ownerName} invites you to {what} as <strong>{offer.roleWords}</strong>.{" "}
        {offer.role === "co_owner"
          ? "A co-owner uploads, changes settings, trains models, funds, reviews and exports; only the owner closes the project or manages the team."
          : "A reviewer views the project, reviews answers and exports results."}
      </p>
      {problem || result?.error ? (
        <p className="errors" role="alert">
          {result?.error ?? problem}
        </p>
      ) : (
        <>
          <p className="small muted">
            The link expires <Time at={offer.expiresAt} />.
          </p>
          <Form method="post">
            <AuthenticityTokenInput />
            <button>Accept</button>
          </Form>
        </>
      )}
      <p>
        <Link to="/projects">Your projects</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
