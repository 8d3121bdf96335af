import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PublicKey } from "@solana/web3.js";
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { SignatureLink } from "~/components/signature-link.tsx";
import { WalletPanel } from "~/components/wallet-panel.tsx";
import { getCreditBalance, listCreditLedger } from "../../../db/queries/credits.ts";
import { listLabelerEarnings, listLabelerPayouts } from "../../../db/queries/payouts/statements.ts";
import { getLinkedWallet } from "../../../db/queries/wallets.ts";
import { ownerTokenBalance } from "../../../reward/tokens/chain/token-accounts.ts";
import { rootedPayoutProof } from "../../../reward/tokens/payouts/proofs.ts";
import { readRootMemo, type RootMemoReading } from "../../../reward/tokens/payouts/root-transaction.ts";
import { getPlatform } from "~/utils/services.server.ts";
import { db } from "~/utils/db.server.ts";
import { env } from "../../../config/env.ts";
import { requireUser } from "~/utils/session.server.ts";
import { formatTokens } from "~/utils/tokens.ts";
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
  const platform = await getPlatform();
  const { mint, decimals } = platform.token;
  const [linked, credits, ledger, earnings, payouts] = await Promise.all([
    getLinkedWallet(db, user.id),
    getCreditBalance(db, user.id),
    listCreditLedger(db, user.id, 20),
    listLabelerEarnings(db, user.id),
    listLabelerPayouts(db, user.id),
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
  const fmt = (n: bigint) => formatTokens(n, decimals);
  return {
    linked,
    decimals,
    mint: mint.toBase58(),
    creditsPerToken: env.CREDITS_PER_TOKEN,
    tokenBalance: fmt(tokenBalance),
    credits: credits.toString(),
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
      amount: fmt(p.amount),
      amountNumber: Number(p.amount) / 10 ** decimals,
      status: p.status,
      signature: p.status === "paid" ? p.signature : null,
      explorer: p.status === "paid" && p.signature ? platform.explorerUrl(p.signature) : null,
      committing: p.rootId !== null && p.rootStatus !== "confirmed",
      check: checks.get(p.id) ?? null,
    })),
  };
}

const STATUS_WORDS: Record<string, string> = {
  queued: "waiting for a linked wallet or the next payout run",
  batched: "being sent",
  paid: "paid",
};

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
  const byEpoch = [...data.payouts].reverse().map((p) => ({ epoch: p.epochId, tokens: p.amountNumber }));
  return (
    <>
      <h1>Wallet and earnings</h1>
      <section className="card">
        <div className="grid">
          <div>
            <div className="stat" data-testid="token-balance">
              {data.tokenBalance}
            </div>
            <div className="stat-label">tokens in your wallet</div>
          </div>
          <div>
            <div className="stat" data-testid="credits">
              {data.credits}
            </div>
            <div className="stat-label">premium AI credits</div>
          </div>
        </div>
        <p className="small muted">
          Platform token (mint <code>{data.mint}</code>), {data.decimals} decimals.
        </p>
        <WalletPanel linked={data.linked} decimals={data.decimals} creditsPerToken={data.creditsPerToken} />
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Payouts</h2>
        {data.payouts.length ? (
          <>
            <BarChart
              width={460}
              height={180}
              data={byEpoch}
              margin={{ top: 8, right: 16, bottom: 0, left: -8 }}
              aria-label="Earnings per day"
            >
              <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ef" />
              <XAxis dataKey="epoch" fontSize={11} />
              <YAxis fontSize={11} />
              <Tooltip />
              <Bar dataKey="tokens" fill="#2b8a3e" isAnimationActive={false} />
            </BarChart>
            <table data-testid="payouts">
              <thead>
                <tr>
                  <th>Day</th>
                  <th>Tokens</th>
                  <th>Status</th>
                  <th>Transaction</th>
                  <th>Merkle proof</th>
                </tr>
              </thead>
              <tbody>
                {data.payouts.map((p) => (
                  <tr key={p.id}>
                    <td>{p.epochId}</td>
                    <td>{p.amount}</td>
                    <td>{STATUS_WORDS[p.status] ?? p.status}</td>
                    <td>
                      <SignatureLink signature={p.signature} explorer={p.explorer} />
                    </td>
                    <td>
                      <PayoutCheck check={p.check} committing={p.committing} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="muted">No payouts yet. Each day's answers are paid after the day ends (UTC).</p>
        )}
        <p className="small muted">
          Before any transfer, each day's payouts are committed on chain as a Merkle root (see{" "}
          <a href="/transparency">Transparency</a>); your browser checks your amount against it. From a terminal:{" "}
          <code>pairwise verify-payout --epoch DAY --wallet ADDR</code>.
        </p>
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>How each amount was computed</h2>
        {data.earnings.length ? (
          <table>
            <thead>
              <tr>
                <th>Day</th>
                <th>Project</th>
                <th>Your labels</th>
                <th>Reward per label</th>
                <th>Quality weight</th>
                <th>Earned</th>
              </tr>
            </thead>
            <tbody>
              {data.earnings.map((e) => (
                <tr key={`${e.epochId}-${e.title}`}>
                  <td>{e.epochId}</td>
                  <td>{e.title}</td>
                  <td>{e.labels}</td>
                  <td>{e.rewardPerLabel}</td>
                  <td>{e.weight.toFixed(3)}</td>
                  <td>
                    {e.labels} × {e.rewardPerLabel} × {e.weight.toFixed(3)} = {e.earned}
                    {e.capped ? (
                      <span className="small muted">
                        {" "}
                        → {e.amount} (the project's budget ran out; everyone's share was scaled alike)
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Nothing earned yet.</p>
        )}
        <p className="small muted">
          The quality weight is your quality score on the project when the day was paid (see My quality). A labeler
          flagged as answering against the truth earns nothing.
        </p>
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Credits</h2>
        {data.ledger.length ? (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Change</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {data.ledger.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.at).toLocaleString()}</td>
                  <td>{e.delta}</td>
                  <td>{e.reason.replace("_", " ")}</td>
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
