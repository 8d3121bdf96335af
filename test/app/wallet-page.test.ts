import {
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { Keypair } from "@solana/web3.js";
import { eq } from "drizzle-orm";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { labelerQuality, redemptionOrders } from "../../db/schema/index.ts";
import { apiRequest, bootApp, call, request, sessionCookie } from "../support/app.ts";
import { sendInstructions } from "../support/chain.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

const PWT = { decimals: 6, symbol: "PWT" };

const render = (element: ReactElement) =>
  renderToStaticMarkup(createElement(StaticRouter, { location: "/work" }, element));

/** Text as a person reads it: inline tags dropped, the others read as spaces, entities and whitespace tidied. */
const text = (html: string) =>
  html
    .replace(/<\/?(abbr|span|strong|code|a)\b[^>]*>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ");

async function walletPage(userId: string) {
  const { loader } = await import("~/routes/_account+/wallet.tsx");
  const response = await call(loader as never, request("/wallet", { cookie: await sessionCookie(userId) }));
  expect(response.status).toBe(200);
  return response.json();
}

/** Sends `amount` base units from the treasury to `owner`'s token account on the app's chain. */
async function giveTokens(owner: Keypair, amount: bigint) {
  const { getPlatform } = await import("~/utils/services.server.ts");
  const { chain, token } = await getPlatform();
  const account = getAssociatedTokenAddressSync(token.mint, owner.publicKey);
  await sendInstructions(chain, token.treasury, [
    createAssociatedTokenAccountIdempotentInstruction(token.treasury.publicKey, account, owner.publicKey, token.mint),
    createTransferCheckedInstruction(
      token.treasuryTokenAccount,
      token.mint,
      account,
      token.treasury.publicKey,
      amount,
      token.decimals,
    ),
  ]);
}

describe("the Wallet page", () => {
  it("shows a labeler's earnings as they accrue, marked as an estimate, per project and in total", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, {
      title: "Poems",
      rewardPerLabel: 150_000n,
      labelsPerItem: 1,
      budget: 10n ** 12n,
    });
    await uploadPairs(h.db, project, 20);
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 15 });
    await h.db
      .insert(labelerQuality)
      .values({ projectId: project.id, labelerId: labeler.id, quality: 0.5, answers: 15, agreement: 0.8, chance: 0.5 });

    const data = await walletPage(labeler.id);
    // 15 labels × 0.15 PWT × 0.5 = 1.125 PWT, not paid yet and no wallet linked.
    expect(data.accrued).toMatchObject({
      token: PWT,
      walletLinked: false,
      totals: { estimate: "1125000", planned: "0", awaitingWallet: "0", paid: "0" },
      projects: [{ projectId: project.id, title: "Poems", unplannedLabels: 15, weight: 0.5, estimate: "1125000" }],
    });
    expect(data.tokenBalance).toBe("0");

    const { EarningsTable } = await import("~/components/earnings-table.tsx");
    const table = text(render(createElement(EarningsTable, { earnings: data.accrued })));
    expect(table).toContain("≈ 1.125 PWT estimated, not planned yet");
    expect(table).toMatch(/Poems 15 0\.15 PWT × 0\.500 ≈ 1\.125 PWT 0 PWT 0 PWT 0 PWT/);
    expect(table).not.toContain("Nothing earned yet");

    // The labeling page's header, from the loader helper, on this project and on another.
    const { loadEarnings } = await import("~/utils/earnings.server.ts");
    const { EarningsSummary } = await import("~/components/earnings-summary.tsx");
    const earnings = await loadEarnings(labeler.id);
    const here = text(render(createElement(EarningsSummary, { earnings, projectId: project.id })));
    expect(here).toContain("This project (est.) ≈ 1.125 PWT");
    expect(here).toContain("Pending 0 PWT");
    expect(here).toContain("Paid 0 PWT");
    expect(here).not.toContain("All projects");
    const elsewhere = text(render(createElement(EarningsSummary, { earnings, projectId: "another" })));
    expect(elsewhere).toContain("This project (est.) ≈ 0 PWT");
    expect(elsewhere).toContain("All projects (est.) ≈ 1.125 PWT");
  });

  it("says nothing is earned yet only when nothing is, and shows no earnings to a requester", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const data = await walletPage(labeler.id);
    const { EarningsTable } = await import("~/components/earnings-table.tsx");
    expect(text(render(createElement(EarningsTable, { earnings: data.accrued })))).toContain("Nothing earned yet");
    expect((await walletPage((await makeUser(h.db, "requester")).id)).accrued).toBeNull();
  });

  it("hands the redemption form the wallet's balance and one credit's worth", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const wallet = Keypair.generate();
    await linkWallet(h.db, { userId: labeler.id, address: wallet.publicKey.toBase58() });
    await giveTokens(wallet, 2_345_678n);
    const data = await walletPage(labeler.id);
    expect(data).toMatchObject({ linked: wallet.publicKey.toBase58(), tokenBalance: "2345678", creditUnit: "10000" });
  });
});

describe("redeeming", () => {
  it("refuses more than the wallet holds with a 409 in tokens, before any order or transaction", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const key = await createApiKey(h.db, { userId: labeler.id, name: "k" });
    const wallet = Keypair.generate();
    await linkWallet(h.db, { userId: labeler.id, address: wallet.publicKey.toBase58() });
    await giveTokens(wallet, 1_500_000n);
    const { action } = await import("~/routes/api.v1+/redemptions.ts");
    const redeem = (amount: string) =>
      call(action as never, apiRequest("/api/v1/redemptions", key, { amount, mode: "burn" }));

    const refused = await redeem("2000000");
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: {
        code: "insufficient_tokens",
        message: "Your wallet holds 1.5 PWT, less than the 2 PWT you asked to redeem; nothing was done.",
        details: { balance: "1500000", amount: "2000000" },
      },
    });
    const orders = () => h.db.select().from(redemptionOrders).where(eq(redemptionOrders.userId, labeler.id));
    expect(await orders()).toHaveLength(0);

    const started = await redeem("1500000");
    expect(started.status).toBe(201);
    expect((await started.json()).order).toMatchObject({ amount: "1500000", credits: "150" });
    expect(await orders()).toHaveLength(1);
  });

  it("checks the amount typed before anything is signed: over the balance, fractions of a credit, Max", async () => {
    const { checkRedeemAmount, maxRedeemable } = await import("~/utils/redemption-amount.ts");
    const limits = { token: PWT, balance: 2_345_678n, creditUnit: 10_000n };
    expect(maxRedeemable(limits)).toBe(2_340_000n);
    expect(checkRedeemAmount("2.34", limits)).toEqual({ amount: 2_340_000n });
    expect(checkRedeemAmount(" 1,000.5 ", { ...limits, balance: 10n ** 10n })).toEqual({ amount: 1_000_500_000n });
    expect(checkRedeemAmount("2.35", limits)).toEqual({
      error: "Your wallet holds 2.345678 PWT: redeem at most that (Max fills it in).",
    });
    expect(checkRedeemAmount("0.005", limits)).toEqual({ error: "Redeem a multiple of 0.01 PWT (one credit)." });
    for (const bad of ["", "0", "-1", "1e3", "1.0000001"])
      expect(checkRedeemAmount(bad, limits)).toEqual({ error: "Enter an amount of PWT, with at most 6 decimals." });
  });
});
