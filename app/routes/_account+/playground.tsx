import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getCreditBalance } from "../../../db/queries/credits.ts";
import { listPublishedModels } from "../../../db/queries/models.ts";
import { env } from "../../../config/env.ts";
import { CREDITS_PER_JUDGEMENT } from "../../../reward/tokens/credits/metered.ts";
import { db } from "~/utils/db.server.ts";
import { judgementWords } from "~/utils/judgement.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Playground · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [models, credits, token] = await Promise.all([
    listPublishedModels(db),
    getCreditBalance(db, user.id),
    tokenDisplay(),
  ]);
  // A judgement scores both responses (see the judge endpoint).
  const judgeCost = CREDITS_PER_JUDGEMENT;
  return {
    // A paused account keeps its wallet and earnings but makes no premium calls (the API answers account_paused).
    paused: user.pausedReason,
    credits: credits.toString(),
    judgeCost: judgeCost.toString(),
    canJudge: credits >= judgeCost,
    howToGetCredits: { role: user.role, creditsPerToken: env.CREDITS_PER_TOKEN, symbol: token.symbol },
    models: models.map((m) => ({
      id: m.id,
      label: `${m.title} v${m.version}`,
      accuracy: (m.metrics as { heldOut?: { accuracy?: number } | null } | null)?.heldOut?.accuracy ?? null,
    })),
  };
}

export default function Playground() {
  const { models, credits, paused, judgeCost, canJudge, howToGetCredits } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const [result, setResult] = useState<{ probability: number; spent: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function judge(form: HTMLFormElement) {
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/v1/models/${data.get("model")}/judge`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ prompt: data.get("prompt"), a: data.get("a"), b: data.get("b") }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `request failed (${response.status})`);
      setResult({ probability: body.probability, spent: body.credits.spent });
      revalidator.revalidate();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Playground</h1>
      <p>
        Your credits: <strong data-testid="playground-credits">{credits}</strong>. A judgement costs {judgeCost}{" "}
        credits.
      </p>
      {canJudge || paused ? null : (
        <NoCredits id="no-credits" credits={credits} judgeCost={judgeCost} {...howToGetCredits} />
      )}
      {paused ? (
        <p className="card error" role="alert" data-testid="playground-paused">
          Your account is paused, so premium calls are off: {paused}
        </p>
      ) : models.length === 0 ? (
        <p className="card muted">No reward model is published yet.</p>
      ) : (
        <form
          className="stack card"
          onSubmit={(e) => {
            e.preventDefault();
            void judge(e.currentTarget);
          }}
        >
          <label>
            Model{" "}
            <select name="model">
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                  {m.accuracy !== null ? ` (held-out accuracy ${(m.accuracy * 100).toFixed(1)}%)` : ""}
                </option>
              ))}
            </select>
          </label>
          <label>
            Prompt <textarea name="prompt" required rows={3} />
          </label>
          <div className="row" style={{ alignItems: "stretch" }}>
            <label style={{ flex: 1 }}>
              Response A <textarea name="a" required rows={5} />
            </label>
            <label style={{ flex: 1 }}>
              Response B <textarea name="b" required rows={5} />
            </label>
          </div>
          <button type="submit" disabled={busy || !canJudge} aria-describedby={canJudge ? undefined : "no-credits"}>
            {busy ? "Judging…" : "Which is better?"}
          </button>
        </form>
      )}
      {error ? (
        <p role="alert" className="errors">
          {error}
        </p>
      ) : null}
      {result ? <Judgement probability={result.probability} spent={result.spent} /> : null}
    </>
  );
}

/** Why the judge button is off, and how this account gets credits. */
function NoCredits({
  id,
  credits,
  judgeCost,
  role,
  creditsPerToken,
  symbol,
}: {
  id: string;
  credits: string;
  judgeCost: string;
  role: string;
  creditsPerToken: number;
  symbol: string;
}) {
  const rate = `each ${symbol} buys ${creditsPerToken} credits`;
  return (
    <p id={id} className="notice warning" data-testid="no-credits">
      You need {judgeCost} credits for a judgement and have {credits}.{" "}
      {role === "labeler" ? (
        <>
          Redeem tokens on the <Link to="/wallet">Wallet page</Link> ({rate}); you earn {symbol} by labeling, paid to
          the wallet you link there.
        </>
      ) : role === "requester" ? (
        <>
          Link a wallet that holds {symbol} on the <Link to="/wallet">Wallet page</Link> and redeem some there ({rate}
          ).
        </>
      ) : (
        <>Admin accounts have no wallet to redeem tokens from; use a requester or labeler account for the Playground.</>
      )}
    </p>
  );
}

/** The judge's verdict: which response wins, and how sure the model is of it. */
function Judgement({ probability, spent }: { probability: number; spent: string }) {
  const { winner, sureness, text } = judgementWords(probability);
  return (
    <p role="status" className="notice" data-testid="judgement">
      <strong>{text}</strong> ({spent} credits spent)
      <br />
      <progress
        max={1}
        value={sureness}
        aria-label={winner ? `how sure the model is that ${winner} is better` : "how sure the model is"}
      />
    </p>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
