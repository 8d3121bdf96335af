import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PublicKey } from "@solana/web3.js";
import { useEffect, useState } from "react";
import { EarningsTable } from "~/components/earnings-table.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { PayoutsChart } from "~/components/payouts-chart.tsx";
import { SignatureLink } from "~/components/signature-link.tsx";
import { WalletPanel } from "~/components/wallet-panel.tsx";
import { WalletBonuses } from "~/components/wallet-bonuses.tsx";
import { labelerBonusesJson } from "~/utils/bonuses.server.ts";
import { getCreditBalance, listCreditLedger } from "../../../db/queries/credits.ts";
import { listLabelerEarnings, listLabelerPayouts } from "../../../db/queries/payouts/statements.ts";
import { getLinkedWallet } from "../../../db/queries/wallets.ts";
import { ownerTokenBalance } from "../../../reward/tokens/chain/token-accounts.ts";
import { rootedPayoutProof } from "../../../reward/tokens/payouts/proofs.ts";
import { readRootMemo, type RootMemoReading } from "../../../reward/tokens/payouts/root-transaction.ts";
import { creditUnit } from "../../../reward/tokens/redemptions/service.ts";
import { getPlatform, tokenDisplay } from "~/utils/services.server.ts";
import { db } from "~/utils/db.server.ts";
import { loadEarnings } from "~/utils/earnings.server.ts";
import { env } from "../../../config/env.ts";
import { requireUser } from "~/utils/session.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { verifyAgainstMemo, type BrowserPayoutProof } from "~/utils/payout-verify.ts";

export const meta: MetaFunction = () => [{ title: "Wallet and earnings · Pairwise" }];

/** Payouts whose proof the page hands to the browser to check, newest first (each costs a tree and a chain read). */
const CHECKED_PAYOUTS = 30;

/** What the browser needs to check one payout: the proof, and the root memo as the server read it from the chain. */
interface PayoutCheckData {
  proof: BrowserPayoutProof;
  memoText: string | null;
  problem: string | null;
  rootSignature: string;
  rootExplorer: string | null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler", "requester"]);
  const [platform, token] = await Promise.all([getPlatform(), tokenDisplay()]);
  const { mint, decimals } = platform.token;
  const [linked, credits, ledger, earnings, payouts, accrued, bonuses] = await Promise.all([
    getLinkedWallet(db, user.id),
    getCreditBalance(db, user.id),
    listCreditLedger(db, user.id, 20),
    listLabelerEarnings(db, user.id),
    listLabelerPayouts(db, user.id),
    user.role === "labeler" ? loadEarnings(user.id) : null,
    user.role === "labeler" ? labelerBonusesJson(user.id) : [],
  ]);
  const tokenBalance = linked ? await ownerTokenBalance(platform.chain, platform.token, new PublicKey(linked)) : 0n;
  // Money rule 4: each payout's proof against its epoch's root memo, read from the chain here, checked in the browser.
  const memos = new Map<string, Promise<RootMemoReading>>();
  const readMemo = (signature: string) => {
    if (!memos.has(signature))
      memos.set(
        signature,
        readRootMemo(platform.chain, signature, platform.token.treasury.publicKey).catch(() => ({
          ok: false as const,
          reason: "the chain could not be read",
        })),
      );
    return memos.get(signature)!;
  };
  const rooted = payouts.filter((p) => p.rootStatus === "confirmed" && p.rootSignature).slice(0, CHECKED_PAYOUTS);
  const checks = new Map<number, PayoutCheckData>();
  await Promise.all(
    rooted.map(async (p) => {
      const [found, memo] = await Promise.all([
        rootedPayoutProof(db, { epochId: p.epochId, labelerId: user.id }),
        readMemo(p.rootSignature!),
      ]);
      if (!found) return;
      const { epoch, wallet, amount, index, proof } = found.proof;
      checks.set(p.id, {
        proof: { epoch, wallet, amount: amount.toString(), index, proof },
        memoText: memo.ok ? memo.text : null,
        problem: memo.ok ? null : memo.reason,
        rootSignature: p.rootSignature!,
        rootExplorer: platform.explorerUrl(p.rootSignature!),
      });
    }),
  );
  const fmt = (n: bigint) => formatAmount(n, token);
  return {
    linked,
    token,
    mint: mint.toBase58(),
    creditsPerToken: env.CREDITS_PER_TOKEN,
    creditUnit: creditUnit(decimals, BigInt(env.CREDITS_PER_TOKEN)).toString(),
    tokenBalance: tokenBalance.toString(),
    credits: credits.toString(),
    accrued,
    bonuses,
    ledger: ledger.map((e) => ({
      id: e.id,
      delta: e.delta.toString(),
      reason: e.reason,
      at: e.createdAt.toISOString(),
    })),
    earnings: earnings.map((e) => ({
      epochId: e.epochId,
      title: e.title,
      labels: e.labels,
      rewardPerLabel: fmt(e.rewardPerLabel),
      weight: e.weightPpm / 1e6,
      earned: fmt(e.earned),
      amount: fmt(e.amount),
      capped: e.amount < e.earned,
    })),
    payouts: payouts.map((p) => ({
      id: p.id,
      epochId: p.epochId,
      amount: p.amount.toString(),
      status: p.status,
      signature: p.status === "paid" ? p.signature : null,
      explorer: p.status === "paid" && p.signature ? platform.explorerUrl(p.signature) : null,
      committing: p.rootId !== null && p.rootStatus !== "confirmed",
      check: checks.get(p.id) ?? null,
    })),
  };
}

/** A ledger row's status in words; a queued row waits for the next payout run, or for a wallet when none is linked. */
function statusWords(status: string, linked: boolean): string {
  if (status === "queued") return linked ? "pending: paid in the next payout run" : "awaiting a wallet";
  return { batched: "being sent", paid: "paid" }[status] ?? status;
}

/** Checks the payout's proof in this browser (Web Crypto) against the root memo read from the chain. */
function PayoutCheck({ check, committing }: { check: PayoutCheckData | null; committing: boolean }) {
  const [state, setState] = useState<"checking" | "verified" | "failed" | "unavailable">("checking");
  useEffect(() => {
    if (!check?.memoText) return;
    let live = true;
    verifyAgainstMemo(check.proof, check.memoText).then(
      (ok) => live && setState(ok ? "verified" : "failed"),
      // Web Crypto's digest exists only in secure contexts (https, localhost).
      () => live && setState(globalThis.crypto?.subtle ? "failed" : "unavailable"),
    );
    return () => {
      live = false;
    };
  }, [check]);
  if (!check) return <span className="muted">{committing ? "being committed" : "—"}</span>;
  const root = <SignatureLink signature={check.rootSignature} explorer={check.rootExplorer} />;
  if (!check.memoText)
    return (
      <span data-verified="false">
        not verified: {check.problem} ({root})
      </span>
    );
  const words = {
    checking: "checking…",
    verified: "✓ verified",
    failed: "✗ does not match the root on chain",
    unavailable: "cannot check here (Web Crypto needs HTTPS)",
  }[state];
  return (
    <span
      data-verified={state === "verified" ? "true" : state === "failed" ? "false" : undefined}
      title={`Leaf ${check.proof.index} of the root posted on chain, checked in this browser`}
    >
      {words} ({root})
    </span>
  );
}

export default function Wallet() {
  const data = useLoaderData<typeof loader>();
  const fmt = (amount: string) => formatAmount(amount, data.token);
  return (
    <>
      <h1>Wallet and earnings</h1>
      {data.accrued ? <EarningsTable earnings={data.accrued} /> : null}
      <WalletBonuses bonuses={data.bonuses} token={data.token} />

      <section className="card" aria-labelledby="wallet-heading">
        <h2 id="wallet-heading" style={{ marginTop: 0 }}>
          Wallet and credits
        </h2>
        <div className="grid">
          <div>
            <div className="stat" data-testid="token-balance">
              {fmt(data.tokenBalance)}
            </div>
            <div className="stat-label">{data.linked ? "in your linked wallet" : "no wallet linked yet"}</div>
          </div>
          <div>
            <div className="stat" data-testid="credits">
              {data.credits}
            </div>
            <div className="stat-label">premium AI credits</div>
          </div>
        </div>
        <WalletPanel
          linked={data.linked}
          token={data.token}
          balance={data.tokenBalance}
          creditsPerToken={data.creditsPerToken}
          creditUnit={data.creditUnit}
        />
        <p className="small muted">
          {data.token.symbol} is the platform's token on Solana (mint{" "}
          <code className="wallet-address">{data.mint}</code>, {data.token.decimals} decimals).
        </p>
      </section>

      <section className="card" aria-labelledby="payouts-heading">
        <h2 id="payouts-heading" style={{ marginTop: 0 }}>
          Payouts
        </h2>
        {data.payouts.length ? (
          <>
            <PayoutsChart payouts={data.payouts} token={data.token} />
            <table data-testid="payouts" className="cards-on-phone">
              <thead>
                <tr>
                  <th>Day</th>
                  <th className="amount">Amount</th>
                  <th>Status</th>
                  <th>Transaction</th>
                  <th>Merkle proof</th>
                </tr>
              </thead>
              <tbody>
                {data.payouts.map((p) => (
                  <tr key={p.id}>
                    <td data-label="Day">{p.epochId}</td>
                    <td data-label="Amount" className="amount">
                      {fmt(p.amount)}
                    </td>
                    <td data-label="Status">{statusWords(p.status, data.linked !== null)}</td>
                    <td data-label="Transaction">
                      <SignatureLink signature={p.signature} explorer={p.explorer} />
                    </td>
                    <td data-label="Merkle proof">
                      <PayoutCheck check={p.check} committing={p.committing} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="muted">
            No payouts yet. Approved answers and bonuses are paid after the day (UTC) they were approved or given ends.
          </p>
        )}
        <p className="small muted">
          Before any transfer, each day's payouts are committed on chain as a Merkle root (see{" "}
          <a href="/transparency">Transparency</a>); your browser checks your amount against it. From a terminal:{" "}
          <code>pairwise verify-payout --epoch DAY --wallet ADDR</code>.
        </p>
      </section>

      {data.earnings.length ? (
        <section className="card" aria-labelledby="computed-heading">
          <h2 id="computed-heading" style={{ marginTop: 0 }}>
            How each planned amount was computed
          </h2>
          <table className="cards-on-phone">
            <thead>
              <tr>
                <th>Day</th>
                <th>Project</th>
                <th>Labels × reward × quality weight = earned</th>
              </tr>
            </thead>
            <tbody>
              {data.earnings.map((e) => (
                <tr key={`${e.epochId}-${e.title}`}>
                  <td data-label="Day">{e.epochId}</td>
                  <td data-label="Project">{e.title}</td>
                  <td data-label="Labels × reward × weight">
                    {e.labels} × {e.rewardPerLabel} × {e.weight.toFixed(3)} = {e.earned}
                    {e.capped ? (
                      <span className="small muted">
                        {" "}
                        → {e.amount} (the project's funds ran short; everyone's share was scaled alike)
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small muted">
            The quality weight is your quality score on the project when the day was planned (see My quality). A labeler
            flagged as answering against the truth earns nothing.
          </p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="credits-heading">
        <h2 id="credits-heading" style={{ marginTop: 0 }}>
          Credits
        </h2>
        {data.ledger.length ? (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th className="amount">Change</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {data.ledger.map((e) => (
                <tr key={e.id}>
                  <td>{e.at.slice(0, 16).replace("T", " ")} UTC</td>
                  <td className="amount">{e.delta.startsWith("-") ? e.delta : `+${e.delta}`}</td>
                  <td>{e.reason.replaceAll("_", " ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No credits yet: redeem tokens above.</p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
