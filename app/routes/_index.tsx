import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { env } from "../../config/env.ts";
import { useOptionalUser } from "~/root.tsx";

export const meta: MetaFunction = () => [
  { title: "Pairwise — human preferences for RLHF" },
  {
    name: "description",
    content:
      "A labeling marketplace for RLHF: requesters get human preferences on their models' responses, labelers are paid in tokens for careful work, developers call the reward models trained on them.",
  },
];

export const loader = () => ({ symbol: env.TOKEN_SYMBOL });

type Role = "requester" | "labeler" | "admin";

/** The first step of each kind of visitor: signed out, it is the sign-up; signed in, the page to start from. */
function FirstStep({ audience, role }: { audience: "requester" | "labeler"; role: Role | null }) {
  if (role === null) {
    return (
      <Link className="button" to={`/signup?role=${audience}`}>
        {audience === "requester" ? "Sign up to request labels" : "Sign up to label"}
      </Link>
    );
  }
  if (audience === "requester" && role === "requester") {
    return (
      <span className="row">
        <Link className="button" to="/projects/new">
          Create a project
        </Link>
        <Link className="button secondary" to="/projects">
          Your projects
        </Link>
      </span>
    );
  }
  if (audience === "labeler" && role === "labeler") {
    return (
      <span className="row">
        <Link className="button" to="/work">
          Start labeling
        </Link>
        <Link className="button secondary" to="/work/quality">
          Your quality
        </Link>
      </span>
    );
  }
  return null;
}

export default function Index() {
  const { symbol } = useLoaderData<typeof loader>();
  const user = useOptionalUser();
  const role = (user?.role as Role | undefined) ?? null;
  return (
    <>
      <section className="landing-intro" aria-labelledby="landing-title">
        <h1 id="landing-title">Human preferences for training AI, paid fairly</h1>
        <p className="lead">
          Pairwise is a labeling marketplace for RLHF. Teams upload prompts with their models&apos; responses; people
          compare, rank and rate them; the platform works out the right answers and how reliable each labeler is, pays
          labelers in {symbol} tokens for careful work, and trains reward models on the results.
        </p>
        {role === null ? (
          <p>
            New here? <Link to="/signup">Create an account</Link>, as a labeler or as a requester, or{" "}
            <Link to="/login">sign in</Link>.
          </p>
        ) : role === "admin" ? (
          <p className="row">
            <Link className="button" to="/admin/treasury">
              Open the Treasury
            </Link>
            <Link className="button secondary" to="/admin/abuse">
              Abuse signals
            </Link>
          </p>
        ) : null}
      </section>

      <div className="landing-roles">
        <section className={role === "requester" ? "card yours" : "card"} aria-labelledby="for-requesters">
          <h2 id="for-requesters">For teams training models</h2>
          <ul>
            <li>Ask one question or a whole form per item: A/B preference, ranking, ratings, labels, rewrites.</li>
            <li>Upload JSONL or CSV (checked before anything is stored), fund the project with {symbol}.</li>
            <li>Watch progress and agreement live; export TRL-ready preference data with consensus confidence.</li>
            <li>Train a reward model on your project and see its held-out accuracy.</li>
          </ul>
          <FirstStep audience="requester" role={role} />
        </section>

        <section className={role === "labeler" ? "card yours" : "card"} aria-labelledby="for-labelers">
          <h2 id="for-labelers">For labelers</h2>
          <ul>
            <li>
              Pick a project, read its instructions, and answer one item at a time, from the keyboard if you like.
            </li>
            <li>Earn {symbol} for each label, weighted by your quality score; see how the score is computed.</li>
            <li>Get paid to your Solana wallet, and check every payout against the record posted on chain.</li>
            <li>Spend tokens on credits for the premium reward models.</li>
          </ul>
          <FirstStep audience="labeler" role={role} />
        </section>

        <section className="card" aria-labelledby="for-developers">
          <h2 id="for-developers">For developers</h2>
          <ul>
            <li>Score, rank and judge responses with the published reward models, metered in credits.</li>
            <li>Drive projects, uploads and exports from scripts with the JSON API and an API key.</li>
          </ul>
          <span className="row">
            <Link className="button secondary" to="/docs/api">
              Read the API reference
            </Link>
            {role !== null ? (
              <Link className="button secondary" to="/playground">
                Try the Playground
              </Link>
            ) : null}
          </span>
        </section>
      </div>

      <p className="small muted">
        Every day&apos;s payouts are public: see the <Link to="/transparency">transparency page</Link>.
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
