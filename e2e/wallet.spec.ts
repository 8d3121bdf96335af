import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { expect, fundOnTreasury, test } from "./fixtures.ts";
import { testWalletAddress } from "./test-wallet/index.ts";

const SEED = "5a".repeat(32);

const items = Array.from({ length: 4 }, (_, i) =>
  JSON.stringify({
    id: `w${i}`,
    prompt: `Task ${i}: name a prime`,
    response_a: `Good: ${[2, 3, 5, 7][i]}`,
    response_b: `Bad: ${[4, 6, 8, 9][i]}`,
  }),
).join("\n");

// This spec runs against the app on PostgreSQL so that it can move answers into yesterday, the day a payout pays.
// Petra's project is made through the JSON API; Walt, the labeler page, has the Pairwise Test Wallet installed.
test.use({
  baseURL: `http://localhost:${POSTGRES_PORT}`,
  projectSetup: {
    title: "Primes",
    labelsPerItem: 2,
    rewardPerLabel: "1000000",
    budget: "1000000000",
    items,
    filename: "primes.jsonl",
  },
  labelerName: "Walt Wallet",
  labelerWalletSeed: SEED,
});

/** Answers every task, always picking the response that starts with "Good", wherever it is shown. */
async function answerAll(page: Page, title: string) {
  await page.goto("/work");
  await page
    .getByRole("row", { name: new RegExp(title) })
    .getByRole("link", { name: "Start" })
    .click();
  for (let i = 0; i < 4; i++) {
    await expect(page.getByTestId("response-left")).toBeVisible();
    const left = (await page.getByTestId("response-left").textContent()) ?? "";
    await page.keyboard.press(left.includes("Good:") ? "1" : "2");
    await page.keyboard.press("Enter");
    if (i < 3) await expect(page.getByTestId("response-left")).not.toHaveText(left);
  }
  await expect(page.getByText("No more items for you in this project")).toBeVisible();
}

test("a labeler links a wallet by signing, is paid for a past day, redeems tokens for credits and deposits some", async ({
  project,
  labelerPage: walt,
  signedInPage,
  sql,
}) => {
  expect(project.upload.inserted).toBe(4);
  const title = project.title;

  // A project pays only from what was paid in: an admin records the requester's payment before anyone labels.
  const admin = await signedInPage({ role: "admin", name: "Ada Admin" });
  await fundOnTreasury(admin, title, "1000");

  await walt.goto("/wallet");
  await expect(walt.getByText("none linked yet")).toBeVisible();
  await walt.getByRole("button", { name: "Connect Pairwise Test Wallet" }).click();
  await expect(walt.getByTestId("linked-wallet")).toHaveText(testWalletAddress(SEED));
  await answerAll(walt, title);

  const other = await signedInPage({ role: "labeler", name: "Olga Other" });
  await answerAll(other, title);

  // This project's answers move five days back and an admin pays that day. Each spec on this database pays a day of
  // its own, since a day is paid once: yesterday was paid, empty, when the app started; wallet-earnings.spec.ts pays
  // two days back and treasury-abuse.spec.ts three.
  await sql`update labels set created_at = created_at - interval '5 days', review_status = 'approved', reviewed_at = created_at - interval '5 days' where project_id = ${project.id}`;
  await admin.goto("/admin/treasury");
  const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
  await admin.getByLabel("Pay the day").fill(day);
  await admin.getByRole("button", { name: "Run payout" }).click();
  // Other specs' payouts share this database: wait for this day's own run, listed live on the page.
  await expect(admin.locator('tr[data-status="done"]', { hasText: `Payout of ${day}` })).toBeVisible({
    timeout: 60_000,
  });

  await walt.goto("/wallet");
  const paid = walt.getByTestId("payouts").getByRole("row", { name: new RegExp(day) });
  await expect(paid).toContainText("paid");
  // The batch's signature, then the Merkle root's (checked in the browser against the memo on chain).
  await expect(paid.locator("code").first()).toHaveText(/^[1-9A-HJ-NP-Za-km-z]{16}…$/);
  await expect(paid.locator("[data-verified]")).toHaveAttribute("data-verified", "true");
  await expect(paid).toContainText("✓ verified");
  const shown = (await walt.getByTestId("token-balance").textContent()) ?? "";
  expect(shown).toMatch(/ PWT$/);
  const balance = Number(shown.replace(/ PWT$/, "").replaceAll(",", ""));
  expect(balance).toBeGreaterThan(0.5);

  await walt.getByLabel("Tokens to redeem").fill("0.5");
  await walt.getByRole("button", { name: "Redeem for credits" }).click();
  await walt.getByRole("button", { name: "Sign with Pairwise Test Wallet" }).click();
  await expect(walt.getByRole("status").filter({ hasText: "Redeemed" })).toContainText("Redeemed 0.5 PWT: +50 credits");
  await expect(walt.getByTestId("credits")).toHaveText("50");
  const left = Math.round((balance - 0.5) * 1e6) / 1e6;
  await expect(walt.getByTestId("token-balance")).toHaveText(
    `${left.toLocaleString("en-US", { maximumFractionDigits: 6 })} PWT`,
  );

  // The same wallet funds a project by a deposit from the dashboard. Only its requester or an admin may fund it, and
  // only a wallet holding tokens can: Walt is made an admin in the database, as the fixtures make admins.
  await sql`update users set role = 'admin' where id =
    (select user_id from wallet_links where address = ${testWalletAddress(SEED)} and replaced_at is null)`;
  await walt.goto(`/projects/${project.id}`);
  await expect(walt.getByTestId("funds-funded")).toHaveText("1,000 PWT");
  await walt.getByRole("button", { name: "Connect Pairwise Test Wallet" }).click();
  await expect(walt.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
  await walt.getByLabel("Tokens to deposit").fill("1.25");
  await walt.getByRole("button", { name: "Fund", exact: true }).click();
  await expect(walt.getByRole("status").filter({ hasText: "Funded: +1.25 PWT" })).toContainText("funded 1,001.25 PWT");
  await expect(walt.getByTestId("funds-funded")).toHaveText("1,001.25 PWT");
});
