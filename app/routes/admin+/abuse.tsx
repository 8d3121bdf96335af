import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import "~/components/abuse-review.css";
import { listAbuseSignals, listPastedTextCounts } from "../../../db/queries/abuse.ts";
import { PASTED_WHOLE } from "../../../labeling/input-signals.ts";
import { DEFAULT_PASTED_TEXT, pastedTextSignals } from "../../../reward/consensus/abuse-paste.ts";
import { getUser, setUserPaused } from "../../../db/queries/identity.ts";
import { groupAbuseCases, type AbuseAccount, type AbuseCase } from "~/utils/abuse-cases.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { forgetApiKeys } from "~/utils/api.server.ts";
import { PauseUserSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Abuse signals · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["admin"]);
  const [stored, pasted] = await Promise.all([
    listAbuseSignals(db),
    listPastedTextCounts(db, { rule: PASTED_WHOLE, minTextAnswers: DEFAULT_PASTED_TEXT.minTextAnswers }),
  ]);
  return { cases: groupAbuseCases([...stored, ...pastedTextSignals(pasted)]) };
}

type ActionResult = { ok: true; message: string } | { ok: false; error: string };

export async function action({ request }: ActionFunctionArgs): Promise<ActionResult> {
  await requireUser(request, ["admin"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: PauseUserSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {}).flat();
    return { ok: false, error: errors.join("; ") || "Choose an account to pause or unpause." };
  }
  const input = submission.value;
  const target = await getUser(db, input.userId);
  if (!target) return { ok: false, error: "That account no longer exists." };
  if (target.role === "admin") return { ok: false, error: "Admins' accounts are not paused here." };
  const unpause = input.intent === "unpause";
  await setUserPaused(db, { userId: target.id, reason: unpause ? null : input.reason });
  // Premium calls see the account's pause through the cached key look-up: refreshed here at once.
  forgetApiKeys();
  if (unpause)
    return { ok: true, message: `Unpaused ${target.name}: they can take tasks and make premium calls again.` };
  return { ok: true, message: `Paused ${target.name}: no tasks and no premium calls until you unpause them.` };
}

/** Pausing and unpausing share one fetcher, so the page hears how each ends wherever it was pressed. */
const PAUSE_FETCHER = "pause-account";

/** The account being asked about, and the fetcher's result when the dialog opened (a newer one is its own). */
interface Pausing {
  account: AbuseAccount;
  before: ActionResult | undefined;
}

export default function AbuseSignals() {
  const { cases } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionResult>({ key: PAUSE_FETCHER });
  const [pausing, setPausing] = useState<Pausing | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const answered = pausing !== null && result !== undefined && result !== pausing.before;
  // The dialog closes once its pause is done; a refusal is shown in it, and it stays open.
  const dialogOpen = pausing !== null && !(answered && result.ok);
  useEffect(() => {
    // The pressed button is gone (Pause… became Unpause): keep keyboard focus on the page, on the outcome.
    if (result?.ok) status.current?.focus();
  }, [result]);
  return (
    <>
      <h1>Abuse signals</h1>
      <p className="muted">
        Patterns worth a look, refreshed with every consensus run and sign-in, one card per account or per group of
        accounts that share a browser or a wallet. A signal is evidence, not a verdict: check the labeler&apos;s quality
        on the project before pausing them. Admins&apos; own accounts are never listed. Times are UTC.
      </p>
      <p role="status" ref={status} tabIndex={-1} className={result?.ok ? "notice" : undefined}>
        {result?.ok ? result.message : null}
      </p>
      {result && !result.ok && !dialogOpen ? (
        <p role="alert" className="errors">
          {result.error}
        </p>
      ) : null}
      {cases.length === 0 ? (
        <p className="card muted">No signals: nothing looks wrong.</p>
      ) : (
        cases.map((c) => (
          <CaseCard key={c.key} abuseCase={c} onPause={(account) => setPausing({ account, before: fetcher.data })} />
        ))
      )}
      {dialogOpen ? (
        <PauseDialog
          key={pausing.account.userId}
          account={pausing.account}
          error={answered && !result.ok ? result.error : null}
          onClose={() => setPausing(null)}
        />
      ) : null}
    </>
  );
}

function CaseCard({ abuseCase, onPause }: { abuseCase: AbuseCase; onPause: (account: AbuseAccount) => void }) {
  const { accounts, links } = abuseCase;
  const titleId = `case-${abuseCase.key}`;
  return (
    <section className="card abuse-case" aria-labelledby={titleId} data-testid="abuse-case">
      <h2 id={titleId}>{accounts.length === 1 ? accounts[0].name : `${accounts.length} linked accounts`}</h2>
      {links.length ? (
        <ul className="abuse-links">
          {links.map((l) => (
            <li key={l.key}>
              {l.words} <span className="small muted">Last seen {l.seen}.</span>
            </li>
          ))}
        </ul>
      ) : null}
      {accounts.map((a) => (
        <div key={a.userId} className="abuse-account" data-testid="abuse-account">
          <div className="abuse-account-head">
            <div>
              {accounts.length > 1 ? <h3>{a.name}</h3> : null}
              <span className="small muted">
                {a.email} · {a.role}
              </span>{" "}
              {a.pausedReason ? <span className="abuse-paused">Paused</span> : null}
            </div>
            {a.pausedReason ? (
              <UnpauseButton account={a} />
            ) : (
              <button type="button" className="danger" onClick={() => onPause(a)}>
                Pause {a.name}…
              </button>
            )}
          </div>
          {a.pausedReason ? <p className="small">Reason shown to them: {a.pausedReason}</p> : null}
          {a.evidence.length ? (
            <ul className="abuse-evidence">
              {a.evidence.map((e) => (
                <li key={e.id}>
                  {e.words}{" "}
                  <span className="small muted">
                    {e.project ? `On ${e.project}; ` : ""}seen {e.seen}.
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
    </section>
  );
}

function UnpauseButton({ account }: { account: AbuseAccount }) {
  const fetcher = useFetcher<ActionResult>({ key: PAUSE_FETCHER });
  return (
    <fetcher.Form method="post">
      <AuthenticityTokenInput />
      <input type="hidden" name="userId" value={account.userId} />
      <button name="intent" value="unpause" className="secondary" disabled={fetcher.state !== "idle"}>
        Unpause {account.name}
      </button>
    </fetcher.Form>
  );
}

/** Asks before pausing, with the reason the account will be shown (it can be edited). */
function PauseDialog({
  account,
  error,
  onClose,
}: {
  account: AbuseAccount;
  error: string | null;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<ActionResult>({ key: PAUSE_FETCHER });
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="pause-dialog" aria-labelledby="pause-title" onClose={onClose}>
      <h2 id="pause-title">Pause {account.name}?</h2>
      <p>
        {account.name} ({account.email}) will get no tasks and no premium calls until you unpause them. They can still
        sign in and see their wallet, earnings and quality, with the reason below.
      </p>
      <fetcher.Form method="post" className="stack">
        <AuthenticityTokenInput />
        <input type="hidden" name="userId" value={account.userId} />
        <label>
          Reason, shown to {account.name}
          <textarea
            name="reason"
            required
            minLength={3}
            maxLength={300}
            defaultValue={account.suggestedReason}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "pause-error" : undefined}
          />
        </label>
        <p id="pause-error" role="alert" className="errors">
          {error}
        </p>
        <div className="row">
          <button name="intent" value="pause" className="danger" disabled={fetcher.state !== "idle"}>
            {fetcher.state === "idle" ? `Pause ${account.name}` : "Pausing…"}
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </fetcher.Form>
    </dialog>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
