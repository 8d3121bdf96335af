import type { APIRequestContext, Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { createApiKey, expect, fundOnTreasury, test, type TestUser } from "./fixtures.ts";
import { testWalletAddress } from "./test-wallet/index.ts";

const SEED = "6b".repeat(32);
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

const items = Array.from({ length: 4 }, (_, i) =>
  JSON.stringify({
    id: `e${i}`,
    prompt: `Task ${i}: name an even number`,
    response_a: `Good: ${[2, 4, 6, 8][i]}`,
    response_b: `Bad: ${[1, 3, 5, 7][i]}`,
  }),
).join("\n");

// On PostgreSQL, so that the answers can be moved into a past day for an admin to pay.
test.use({
  baseURL: `http://localhost:${POSTGRES_PORT}`,
  projectSetup: {
    title: "Evens",
    labelsPerItem: 2,
    rewardPerLabel: "1000000",
    budget: "1000000000",
    items,
    filename: "evens.jsonl",
  },
});

/** Answers every task of the project through the labeler API, always picking the response that starts "Good". */
async function answerAll(request: APIRequestContext, projectId: string) {
  const key = await createApiKey({ request } as TestUser, "answers");
  const post = async (data: object) => {
    const response = await request.post(`/api/v1/projects/${projectId}/tasks`, {
      headers: { Authorization: `Bearer ${key}` },
      data,
    });
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as { task: { assignmentId: number; left: string } | null };
  };
  let { task } = await post({});
  let answered = 0;
  while (task) {
    const choice = task.left.startsWith("Good") ? "left" : "right";
    ({ task } = await post({ intent: "answer", assignmentId: task.assignmentId, choice }));
    answered++;
  }
  expect(answered).toBe(4);
}

/** Screenshots at both sizes (and of the wallet's own card); the page never scrolls sideways on a phone. */
async function shoot(page: Page, name: string) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `/tmp/screens/wallet-${name}-${size}.png`, fullPage: true });
    await page
      .getByRole("region", { name: "Wallet and credits" })
      .screenshot({ path: `/tmp/screens/wallet-${name}-${size}-card.png` });
    if (size === "phone")
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  }
  await page.setViewportSize(SIZES.desktop);
}

test("a labeler sees earnings as they accrue, links a wallet once, is paid, and redeems no more than the wallet holds", async ({
  project,
  signedInPage,
  sql,
}) => {
  const admin = await signedInPage({ role: "admin", name: "Ada Admin" });
  await fundOnTreasury(admin, project.title, "1000");
  const lena = await signedInPage({ role: "labeler", name: "Lena Labeler", walletSeed: SEED });
  const other = await signedInPage({ role: "labeler", name: "Otto Other" });
  await answerAll(lena.request, project.id);
  await answerAll(other.request, project.id);

  // Before any day is paid, the answers show as an estimate, per project and in total, and nothing is paid yet.
  await lena.goto("/wallet");
  const row = lena.getByTestId("earnings").getByRole("row", { name: new RegExp(project.title) });
  await expect(row.getByRole("cell")).toHaveText([
    project.title,
    "4",
    "1 PWT",
    /^(× [01]\.\d{3}|not scored yet)$/,
    /^≈ [\d.]+ PWT( up to 4 PWT once scored)?$/,
    "0 PWT",
    "0 PWT",
    "0 PWT",
  ]);
  await expect(lena.getByTestId("earnings-estimate")).toHaveText(/^≈ [\d.]+ PWT$/);
  await expect(lena.getByTestId("earnings-paid")).toHaveText("0 PWT");
  await expect(lena.getByText("Nothing earned yet")).toHaveCount(0);
  await shoot(lena, "accruing");

  // Linking: once linked, wallets are offered only to link a different one.
  await lena.getByRole("button", { name: "Connect Pairwise Test Wallet" }).click();
  await expect(lena.getByTestId("linked-wallet")).toHaveText(testWalletAddress(SEED));
  await expect(lena.getByRole("status").filter({ hasText: "Payouts go to this wallet" })).toBeVisible();
  await lena.reload();
  await expect(lena.getByRole("button", { name: /Pairwise Test Wallet/ })).toHaveCount(0);
  await lena.getByRole("button", { name: "Link a different wallet" }).click();
  await expect(lena.getByRole("button", { name: "Link Pairwise Test Wallet instead" })).toBeVisible();
  await lena.getByRole("button", { name: "Keep this wallet" }).click();
  await expect(lena.getByTestId("redeem-empty")).toContainText("holds no PWT yet");

  // An admin pays the day the answers are moved to (two days back: yesterday was planned, empty, at start).
  await sql`update labels set created_at = created_at - interval '2 days', review_status = 'approved', reviewed_at = created_at - interval '2 days' where project_id = ${project.id}`;
  await admin.goto("/admin/treasury");
  const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  await admin.getByLabel("Pay the day").fill(day);
  await admin.getByRole("button", { name: "Run payout" }).click();
  await expect(admin.getByRole("row", { name: /confirmed/ })).toBeVisible({ timeout: 30_000 });

  await lena.goto("/wallet");
  await expect(lena.getByTestId("payouts").getByRole("row", { name: new RegExp(day) })).toContainText("paid");
  const paid = (await lena.getByTestId("earnings-paid").textContent()) ?? "";
  expect(paid).toMatch(/^[\d.]+ PWT$/);
  expect(paid).not.toBe("0 PWT");
  await expect(lena.getByTestId("earnings-estimate")).toHaveText("≈ 0 PWT");
  await expect(lena.getByTestId("token-balance")).toHaveText(paid);

  // More than the wallet holds is refused on the page, before anything is built or signed.
  const amount = lena.getByLabel("Tokens to redeem");
  await amount.fill("1000000");
  await lena.getByRole("button", { name: "Redeem for credits" }).click();
  await expect(lena.getByRole("alert").filter({ hasText: "Your wallet holds" })).toContainText(
    `Your wallet holds ${paid}: redeem at most that`,
  );
  await expect(lena.getByRole("dialog")).toHaveCount(0);
  await amount.fill("1");
  await expect(lena.getByRole("alert").filter({ hasText: "Your wallet holds" })).toHaveCount(0);

  // Max fills in the whole balance in whole credits; returning to the treasury is confirmed, explained, then signed.
  await lena.getByRole("button", { name: "Max" }).click();
  const max = await amount.inputValue();
  expect(`${max} PWT`).toBe((await lena.getByTestId("redeemable").textContent())?.replaceAll(",", ""));
  await lena.getByLabel(/Return them to the treasury/).check();
  await lena.getByRole("button", { name: "Redeem for credits" }).click();
  const dialog = lena.getByRole("dialog");
  await expect(dialog).toContainText(`Return ${max} PWT to the treasury for`);
  await expect(dialog).toContainText("pays them out to labelers again");
  await shoot(lena, "confirm");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);

  await lena.getByLabel(/Burn them/).check();
  await amount.fill("0.5");
  await lena.getByRole("button", { name: "Redeem for credits" }).click();
  await expect(dialog).toContainText("Burn 0.5 PWT for 50 credits?");
  await expect(dialog).toContainText("Destroyed for good");
  await dialog.getByRole("button", { name: "Sign with Pairwise Test Wallet" }).click();
  await expect(lena.getByRole("status").filter({ hasText: "Redeemed" })).toContainText(
    "Redeemed 0.5 PWT: +50 credits",
    {
      timeout: 30_000,
    },
  );
  await expect(lena.getByTestId("credits")).toHaveText("50");
  await expect(lena.getByTestId("token-balance")).not.toHaveText(paid);
  await shoot(lena, "redeemed");
});
