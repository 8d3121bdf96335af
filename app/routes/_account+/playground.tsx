import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getCreditBalance } from "../../../db/queries/credits.ts";
import { listPublishedModels } from "../../../db/queries/models.ts";
import { db } from "~/utils/db.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Playground · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [models, credits] = await Promise.all([listPublishedModels(db), getCreditBalance(db, user.id)]);
  return {
    // A paused account keeps its wallet and earnings but makes no premium calls (the API answers account_paused).
    paused: user.pausedReason,
    credits: credits.toString(),
    models: models.map((m) => ({
      id: m.id,
      label: `${m.title} v${m.version}`,
      accuracy: (m.metrics as { heldOut?: { accuracy?: number } | null } | null)?.heldOut?.accuracy ?? null,
    })),
  };
}

export default function Playground() {
  const { models, credits, paused } = useLoaderData<typeof loader>();
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
        Your credits: <strong data-testid="playground-credits">{credits}</strong>. A judgement costs 2 credits. Earn
        credits by redeeming tokens on the Wallet page.
      </p>
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
          <button type="submit" disabled={busy}>
            {busy ? "Judging…" : "Which is better?"}
          </button>
        </form>
      )}
      {error ? (
        <p role="alert" className="errors">
          {error}
        </p>
      ) : null}
      {result ? (
        <p role="status" className="notice" data-testid="judgement">
          A is better with probability {(result.probability * 100).toFixed(1)}% ({result.spent} credits spent).
          <br />
          <progress max={1} value={result.probability} aria-label="probability that A is better" />
        </p>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
