import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { SignatureLink } from "~/components/signature-link.tsx";
import { grantCredits } from "../../../db/queries/credits.ts";
import { listRecentFunds, recordFunding } from "../../../db/queries/funds.ts";
import { listBudgets, listRecentBatches } from "../../../db/queries/payouts/statements.ts";
import { listRecentRedemptions } from "../../../db/queries/redemptions.ts";
import { findUserByEmail } from "../../../db/queries/identity.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { parseEpochId, previousEpoch } from "../../../reward/tokens/payouts/epochs.ts";
import { hasActiveRuns, JobRunsTable, latestPayoutWords, useLiveJobRuns } from "~/components/job-runs.tsx";
import { loadTreasuryJobRuns } from "~/utils/job-runs.server.ts";
import { getPlatform, tokenDisplay, treasuryBalances } from "~/utils/services.server.ts";
import { limits } from "~/utils/amount-limits.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { queuePayout } from "../../../jobs/queue.ts";
import { projectFundingSchema, TreasuryActionSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { Time } from "~/components/time.tsx";
import { audit } from "~/utils/audit.server.ts";

export const meta: MetaFunction = () => [{ title: "Treasury · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["admin"]);
  const platform = await getPlatform();
  const { token } = platform;
  const yesterday = previousEpoch(new Date()).id;
  const [{ tokens, lamports }, budgets, batches, jobRuns, redemptions, funds] = await Promise.all([
    treasuryBalances(),
    listBudgets(db),
    listRecentBatches(db),
    loadTreasuryJobRuns(),
    listRecentRedemptions(db),
    listRecentFunds(db),
  ]);
  const display = await tokenDisplay();
  const fmt = (n: bigint) => formatAmount(n, display);
  return {
    chain: platform.kind,
    mint: token.mint.toBase58(),
    decimals: token.decimals,
    symbol: display.symbol,
    treasury: token.treasury.publicKey.toBase58(),
    tokens: fmt(tokens),
    sol: (Number(lamports) / 1e9).toFixed(4),
    yesterday,
    jobRuns,
    budgets: budgets.map((b) => ({
      id: b.id,
      title: b.title,
      budget: fmt(BigInt(b.budget)),
      committed: fmt(BigInt(b.committed)),
      paid: fmt(BigInt(b.paid)),
      share: BigInt(b.budget) > 0n ? Number((BigInt(b.committed) * 1000n) / BigInt(b.budget)) / 10 : 0,
    })),
    batches: batches.map((b) => ({
      id: b.id,
      status: b.status,
      recipients: b.recipients,
      total: fmt(b.total),
      signature: b.signature,
      explorer: b.signature && b.status === "confirmed" ? platform.explorerUrl(b.signature) : null,
      fee: b.feeLamports?.toString() ?? null,
      at: b.createdAt.toISOString(),
    })),
    redemptions: redemptions.map((r) => ({
      id: r.id,
      email: r.email,
      amount: fmt(r.amount),
      credits: r.credits.toString(),
      mode: r.mode,
      signature: r.signature,
      explorer: r.signature ? platform.explorerUrl(r.signature) : null,
      at: r.creditedAt?.toISOString() ?? null,
    })),
    funds: funds.map((f) => ({
      id: f.id,
      title: f.title,
      kind: f.kind,
      amount: fmt(f.amount),
      signature: f.signature,
      explorer: f.signature ? platform.explorerUrl(f.signature) : null,
      reason: f.reason,
      actor: f.actor,
      at: f.createdAt.toISOString(),
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireUser(request, ["admin"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  if (formData.get("intent") === "fund") return recordAdminFunding(formData, admin.id);
  const submission = parseWithZod(formData, { schema: TreasuryActionSchema });
  if (submission.status !== "success")
    return {
      message: null,
      error: Object.values(submission.error ?? {})
        .flat()
        .join("; "),
    };
  const input = submission.value;
  if (input.intent === "payout") {
    const unfinished = unfinishedDay(input.epoch, new Date());
    if (unfinished) return { message: null, error: unfinished };
    await queuePayout(db, input.epoch);
    return { message: `Payout for ${input.epoch} queued; its run is listed under Payout runs.`, error: null };
  }
  const user = await findUserByEmail(db, input.email);
  if (!user) return { message: null, error: `No account with the email ${input.email}.` };
  const balance = await grantCredits(db, { userId: user.id, credits: BigInt(input.credits), ref: `admin:${admin.id}` });
  return { message: `Granted ${input.credits} credits to ${input.email}; balance ${balance}.`, error: null };
}

/** Why a day cannot be paid yet (it has not ended, or is still to come), or null once it has ended. */
function unfinishedDay(epochId: string, now: Date): string | null {
  const day = parseEpochId(epochId);
  if (day.endsAt <= now) return null;
  const lastFinished = previousEpoch(now).id;
  const why = day.startsAt > now ? "is still to come" : "has not ended yet (days end at midnight UTC)";
  return `${epochId} ${why}: only a finished day can be paid, ${lastFinished} or earlier.`;
}

/** An admin's off-chain funding of a project: appended to its funding ledger with the admin and the reason. */
async function recordAdminFunding(formData: FormData, adminId: string) {
  const token = await tokenDisplay();
  const submission = parseWithZod(formData, { schema: projectFundingSchema(token, limits.deposit) });
  if (submission.status !== "success")
    return {
      message: null,
      error: Object.values(submission.error ?? {})
        .flat()
        .join("; "),
    };
  const { projectId, amount, reason } = submission.value;
  const project = await getProject(db, projectId);
  if (!project) return { message: null, error: "No such project." };
  if (project.closedAt) return { message: null, error: `${project.title} is closed; it takes no more funds.` };
  await recordFunding(db, { projectId, kind: "admin_credit", amount, reason, actorId: adminId });
  await audit({ id: adminId }, project, "funding.recorded", { amount: amount.toString(), reason });
  return { message: `Recorded ${formatAmount(amount, token)} of funding for ${project.title}.`, error: null };
}

export default function Treasury() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const jobRuns = useLiveJobRuns(data.jobRuns);
  return (
    <>
      <h1>Treasury</h1>
      {result?.message ? (
        <p role="status" className="notice success">
          {result.message}
        </p>
      ) : null}
      {result?.error ? (
        <p role="alert" className="errors">
          {result.error}
        </p>
      ) : null}
      <section className="card">
        <div className="grid">
          <div>
            <div className="stat" data-testid="treasury-tokens">
              {data.tokens}
            </div>
            <div className="stat-label">in the treasury</div>
          </div>
          <div>
            <div className="stat">{data.sol}</div>
            <div className="stat-label">SOL for fees and rent</div>
          </div>
        </div>
        <p className="small" style={{ overflowWrap: "anywhere" }}>
          Chain: {data.chain === "embedded" ? "embedded (LiteSVM, state under ./data/chain)" : "RPC"} · mint{" "}
          <code>{data.mint}</code> ({data.decimals} decimals) · treasury <code>{data.treasury}</code>
        </p>
        <Form method="post" className="row inline-form">
          <AuthenticityTokenInput />
          <label>
            Pay the day (UTC){" "}
            <input
              name="epoch"
              type="date"
              required
              max={data.yesterday}
              defaultValue={data.yesterday}
              aria-describedby="payout-day-help"
            />
          </label>
          <button name="intent" value="payout">
            Run payout
          </button>
          <span id="payout-day-help" className="small muted">
            Only finished days: a day ends at midnight UTC, so {data.yesterday} is the latest. Yesterday is also paid
            hourly on its own.
          </span>
        </Form>
      </section>

      <section className="card" aria-labelledby="job-runs-title">
        <h2 id="job-runs-title" style={{ marginTop: 0 }}>
          Job runs
        </h2>
        <p aria-live="polite" className="small">
          {latestPayoutWords(jobRuns.payouts)}{" "}
          <span className="muted">
            {hasActiveRuns(jobRuns) ? "Updating live while runs are queued or running. " : ""}Times are UTC.
          </span>
        </p>
        <h3>Payout runs</h3>
        <JobRunsTable label="Payout runs" runs={jobRuns.payouts} empty="No payout has run yet." />
        <h3>Consensus runs</h3>
        <p className="small muted">
          They score the labels that payouts pay for; a payout brings them up to date first.
        </p>
        <JobRunsTable label="Consensus runs" runs={jobRuns.consensus} empty="No consensus has run yet." />
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Budgets</h2>
        <table>
          <thead>
            <tr>
              <th>Project</th>
              <th>Budget</th>
              <th>Committed</th>
              <th>Paid</th>
              <th>Used</th>
            </tr>
          </thead>
          <tbody>
            {data.budgets.map((b) => (
              <tr key={b.id}>
                <td>{b.title}</td>
                <td>{b.budget}</td>
                <td>{b.committed}</td>
                <td>{b.paid}</td>
                <td>
                  <progress max={100} value={b.share} aria-label={`${b.share}% of the budget committed`} /> {b.share}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Recent payout transactions</h2>
        {data.batches.length ? (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Recipients</th>
                <th>Tokens</th>
                <th>Fee (lamports)</th>
                <th>Status</th>
                <th>Signature</th>
              </tr>
            </thead>
            <tbody>
              {data.batches.map((b) => (
                <tr key={b.id}>
                  <td>
                    <Time at={b.at} />
                  </td>
                  <td>{b.recipients}</td>
                  <td>{b.total}</td>
                  <td>{b.fee ?? "—"}</td>
                  <td>{b.status}</td>
                  <td>
                    <SignatureLink signature={b.signature} explorer={b.explorer} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No payouts yet.</p>
        )}
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Recent redemptions</h2>
        {data.redemptions.length ? (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Account</th>
                <th>Tokens</th>
                <th>How</th>
                <th>Credits</th>
                <th>Signature</th>
              </tr>
            </thead>
            <tbody>
              {data.redemptions.map((r) => (
                <tr key={r.id}>
                  <td>{r.at ? <Time at={r.at} /> : ""}</td>
                  <td>{r.email}</td>
                  <td>{r.amount}</td>
                  <td>{r.mode}</td>
                  <td>{r.credits}</td>
                  <td>
                    <SignatureLink signature={r.signature} explorer={r.explorer} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No redemptions yet.</p>
        )}
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Project funds</h2>
        <p className="small muted">
          Projects pay only from what was paid in: deposits verified on chain, or a funding recorded here for money
          received another way (an invoice, a wire), kept in the ledger with your account and the reason.
        </p>
        <Form method="post" className="row inline-form">
          <AuthenticityTokenInput />
          <label>
            Project{" "}
            <select name="projectId" required>
              {data.budgets.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Tokens ({data.symbol}) <input name="amount" inputMode="decimal" required style={{ width: "8rem" }} />
          </label>
          <label>
            Reason <input name="reason" required minLength={3} maxLength={500} />
          </label>
          <button name="intent" value="fund" className="secondary">
            Record funding
          </button>
        </Form>
        {data.funds.length ? (
          <table data-testid="funding-ledger">
            <thead>
              <tr>
                <th>When</th>
                <th>Project</th>
                <th>Kind</th>
                <th>Tokens</th>
                <th>Signature or reason</th>
                <th>By</th>
              </tr>
            </thead>
            <tbody>
              {data.funds.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Time at={f.at} />
                  </td>
                  <td>{f.title}</td>
                  <td>{f.kind.replace("_", " ")}</td>
                  <td>{f.amount}</td>
                  <td>{f.signature ? <SignatureLink signature={f.signature} explorer={f.explorer} /> : f.reason}</td>
                  <td>{f.actor ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No project funded yet.</p>
        )}
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Grant credits</h2>
        <Form method="post" className="row inline-form">
          <AuthenticityTokenInput />
          <label>
            Email <input name="email" type="email" required />
          </label>
          <label>
            Credits <input name="credits" type="number" min={1} required style={{ width: "7rem" }} />
          </label>
          <button name="intent" value="grant" className="secondary">
            Grant
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
