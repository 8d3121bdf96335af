import { expect, test, type Browser, type Page } from "@playwright/test";
import postgres from "postgres";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { signUp } from "./helpers.ts";
import { testWalletAddress, testWalletInitScript } from "./test-wallet/index.ts";

// This spec runs against the app on PostgreSQL so that it can move answers into yesterday, the day a payout pays.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

const SEED = "5a".repeat(32);
const db = () => {
  const url = new URL(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  url.pathname = "/pairwise_e2e";
  return postgres(url.toString(), { max: 1, onnotice: () => {} });
};

const items = Array.from({ length: 4 }, (_, i) =>
  JSON.stringify({ id: `w${i}`, prompt: `Task ${i}: name a prime`, response_a: `Good: ${[2, 3, 5, 7][i]}`, response_b: `Bad: ${[4, 6, 8, 9][i]}` }),
).join("\n");

/** Answers every task, always picking the response that starts with "Good", wherever it is shown. */
async function answerAll(page: Page, title: string) {
  await page.goto("/work");
  await page.getByRole("row", { name: new RegExp(title) }).getByRole("link", { name: "Start" }).click();
  for (let i = 0; i < 4; i++) {
    await expect(page.getByTestId("response-left")).toBeVisible();
    const left = (await page.getByTestId("response-left").textContent()) ?? "";
    await page.keyboard.press(left.includes("Good:") ? "1" : "2");
    await page.keyboard.press("Enter");
    if (i < 3) await expect(page.getByTestId("response-left")).not.toHaveText(left);
  }
  await expect(page.getByText("No more items for you in this project")).toBeVisible();
}

async function newPage(browser: Browser, withWallet = false) {
  const context = await browser.newContext();
  if (withWallet) await context.addInitScript(await testWalletInitScript(SEED));
  return context.newPage();
}

test("a labeler links a wallet by signing, is paid for a past day's answers, and redeems tokens for credits", async ({ page, browser }) => {
  await signUp(page, "requester", "Petra Poster");
  await page.getByRole("link", { name: "New project" }).click();
  const title = `Primes ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Labels per item (k)").fill("2");
  await page.getByLabel("Reward per label (token base units)").fill("1000000");
  await page.getByLabel("Token budget (base units)").fill("1000000000");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByLabel("Dataset file").setInputFiles({ name: "primes.jsonl", mimeType: "application/octet-stream", buffer: Buffer.from(items) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status")).toContainText("4 new items");

  const walt = await newPage(browser, true);
  await signUp(walt, "labeler", "Walt Wallet");
  await walt.goto("/wallet");
  await expect(walt.getByText("none linked yet")).toBeVisible();
  await walt.getByRole("button", { name: "Connect Pairwise Test Wallet" }).click();
  await expect(walt.getByTestId("linked-wallet")).toHaveText(testWalletAddress(SEED));
  await answerAll(walt, title);

  const other = await newPage(browser);
  await signUp(other, "labeler", "Olga Other");
  await answerAll(other, title);

  // The answers move two days back (yesterday was already paid, empty, when the app started); an admin pays that day.
  const sql = db();
  await sql`update labels set created_at = created_at - interval '2 days'`;
  const admin = await newPage(browser);
  const adminEmail = await signUp(admin, "requester", "Ada Admin");
  await sql`update users set role = 'admin' where email = ${adminEmail}`;
  await sql.end();
  await admin.goto("/admin/treasury");
  const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  await admin.getByLabel("Pay the day").fill(day);
  await admin.getByRole("button", { name: "Run payout" }).click();
  await expect(admin.getByRole("row", { name: /confirmed/ })).toBeVisible({ timeout: 30_000 });

  await walt.goto("/wallet");
  const paid = walt.getByTestId("payouts").getByRole("row", { name: new RegExp(day) });
  await expect(paid).toContainText("paid");
  await expect(paid.locator("code")).toHaveText(/^[1-9A-HJ-NP-Za-km-z]{16}…$/);
  const balance = Number(await walt.getByTestId("token-balance").textContent());
  expect(balance).toBeGreaterThan(0.5);

  await walt.getByRole("button", { name: "Connect Pairwise Test Wallet" }).click();
  await walt.getByLabel("Tokens to redeem").fill("0.5");
  await walt.getByRole("button", { name: "Redeem for credits" }).click();
  await expect(walt.getByRole("status")).toContainText("Redeemed: +50 credits");
  await expect(walt.getByTestId("credits")).toHaveText("50");
  await expect(walt.getByTestId("token-balance")).toHaveText(String(Math.round((balance - 0.5) * 1e6) / 1e6));
});
