import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { GoldVerification } from "~/components/gold-commitments.tsx";
import { listLabelerStanding } from "../../../db/queries/consensus.ts";
import { db } from "~/utils/db.server.ts";
import { loadGoldChecks } from "~/utils/gold.server.ts";
import { explainStanding, qualityWarning } from "../../../reward/consensus/quality-explanation.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Your quality · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const standing = await listLabelerStanding(db, user.id);
  return {
    standing: standing.map((s) => ({
      ...s,
      pausedAt: s.pausedAt?.toISOString() ?? null,
      computedAt: s.computedAt.toISOString(),
      explanation: explainStanding(s),
      warning: qualityWarning(s),
    })),
    gold: await loadGoldChecks(standing.map((s) => s.projectId)),
  };
}

export default function Quality() {
  const { standing, gold } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Your quality</h1>
      {standing.length === 0 ? (
        <p className="card muted">
          No score yet: scores appear once items you answered have answers from other labelers too.{" "}
          <Link to="/work">Start labeling</Link>.
        </p>
      ) : null}
      {standing.map((s) => {
        const { warning } = s;
        return (
          <section key={s.projectId} className="card" aria-labelledby={`q-${s.projectId}`}>
            <h2 id={`q-${s.projectId}`} style={{ marginTop: 0 }}>
              {s.title}{" "}
              <span className="stat" data-testid="quality-score">
                {s.quality.toFixed(2)}
              </span>
            </h2>
            {s.pausedReason ? (
              <p className="card error" role="alert">
                Paused on this project. {s.pausedReason}
              </p>
            ) : null}
            {warning ? (
              <p className="notice" role="alert">
                {warning}
              </p>
            ) : null}
            <div className="grid">
              <div>
                <div className="stat">{Math.round(s.agreement * 100)}%</div>
                <div className="stat-label">agree with consensus</div>
              </div>
              <div>
                <div className="stat">{s.goldAnswered ? `${s.goldCorrect}/${s.goldAnswered}` : "—"}</div>
                <div className="stat-label">gold items right</div>
              </div>
              <div>
                <div className="stat">{s.answers}</div>
                <div className="stat-label">answers scored</div>
              </div>
            </div>
            <h3>How this was computed</h3>
            {s.explanation.map((line) => (
              <p key={line}>{line}</p>
            ))}
            <GoldVerification report={gold[s.projectId]} />
            <p className="small muted">Updated {new Date(s.computedAt).toLocaleString()}.</p>
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
