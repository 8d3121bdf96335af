import type { BrowserContext, Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { expect, PASSWORD, postForm, signUpOverHttp, test, type TestUser } from "./fixtures.ts";

// On the PostgreSQL server, where admins can be made and runs prepared in the database.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function screenshots(page: Page, name: string) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `/tmp/screens/admin-${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

const utcDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Signs `user` in on the browser of `context` (keeping its device cookie) and opens their home page there. */
async function signInOnThisBrowser(context: BrowserContext, user: TestUser) {
  await context.clearCookies({ name: "pw_session" });
  const response = await postForm(context.request, "/login", { email: user.email, password: PASSWORD });
  expect(response.status(), `sign in ${user.email}`).toBe(302);
  await context.request.get(user.home);
}

test("the Treasury pays only finished days and lists every run, failures with their reason, live", async ({
  signedInPage,
  sql,
}) => {
  const admin = await signedInPage({ role: "admin", name: "Tess Treasurer" });
  await sql`insert into jobs (kind, key, payload, status, attempts, error, finished_at)
            values ('payout', '2020-01-01', '{"epoch": "2020-01-01"}', 'failed', 1,
                    'treasury holds too few tokens for this epoch', now())`;
  await admin.goto("/admin/treasury");

  const day = admin.getByLabel("Pay the day (UTC)");
  await expect(day).toHaveAttribute("type", "date");
  await expect(day).toHaveAttribute("max", utcDay(1));
  await expect(day).toHaveValue(utcDay(1));
  const payouts = admin.getByRole("table", { name: "Payout runs" });
  const failed = payouts.getByRole("row", { name: /Payout of 2020-01-01/ });
  await expect(failed).toContainText("Failed");
  await expect(failed).toContainText("treasury holds too few tokens for this epoch");

  await day.fill(utcDay(3));
  await admin.getByRole("button", { name: "Run payout" }).click();
  await expect(admin.getByRole("status")).toHaveText(
    `Payout for ${utcDay(3)} queued; its run is listed under Payout runs.`,
  );
  // The worker takes it up and finishes it; the list follows without a reload.
  const run = payouts.getByRole("row", { name: new RegExp(`Payout of ${utcDay(3)}`) });
  await expect(run).toContainText("Done", { timeout: 30_000 });
  await expect(run).toContainText("nobody earned anything that day.");
  await expect(admin.getByText(`Latest: Payout of ${utcDay(3)}, done.`)).toBeVisible();
  await screenshots(admin, "treasury");
});

test("the abuse page groups accounts, says the evidence in words, and asks before pausing", async ({
  signedInPage,
  baseURL,
  sql,
}) => {
  const admin = await signedInPage({ role: "admin", name: "Abe Admin" });
  const context = admin.context();
  const adminSession = (await context.cookies()).find((c) => c.name === "pw_session")!;
  // The admin's browser, which two labelers then sign in on: one device, two labelers (the admin never counts).
  await context.request.get("/work");
  const kim = await signUpOverHttp(baseURL!, { role: "labeler", name: "Kim Quick" });
  const lee = await signUpOverHttp(baseURL!, { role: "labeler", name: "Lee Twin" });
  await signInOnThisBrowser(context, kim);
  await signInOnThisBrowser(context, lee);
  await context.clearCookies({ name: "pw_session" });
  await context.addCookies([adminSession]);
  // What a consensus run stores for a labeler answering in about a second (the detector is tested on its own).
  await sql`insert into abuse_signals (user_id, kind, scope, detail)
            select id, 'too_fast', 'e2e', '{"fast": 38, "answers": 40, "fastMedianMs": 1200, "floorMedianMs": 6000}'
            from users where email = ${kim.email}`;

  await admin.goto("/admin/abuse");
  const group = admin.getByRole("region", { name: "2 linked accounts" }).filter({ hasText: kim.name });
  await expect(group).toContainText(`${kim.name} and ${lee.name} signed in on the same browser`);
  await expect(group).toContainText(
    "38 of 40 answers came too fast to have read the item: typically 1.2 s, where those items need at least 6.0 s.",
  );
  await expect(group).not.toContainText("Abe Admin");
  await expect(group).not.toContainText("medianMs");

  await group.getByRole("button", { name: `Pause ${kim.name}…` }).click();
  const dialog = admin.getByRole("dialog", { name: `Pause ${kim.name}?` });
  await expect(dialog).toBeVisible();
  const reason = dialog.getByLabel(`Reason, shown to ${kim.name}`);
  await expect(reason).toHaveValue(/^Paused after a review: most of your answers came faster/);
  await screenshots(admin, "abuse-confirm");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(group.getByRole("button", { name: `Pause ${kim.name}…` })).toBeVisible();

  await group.getByRole("button", { name: `Pause ${kim.name}…` }).click();
  await reason.fill("Answers came in about a second each.");
  await dialog.getByRole("button", { name: `Pause ${kim.name}`, exact: true }).click();
  await expect(admin.getByRole("status")).toHaveText(
    `Paused ${kim.name}: no tasks and no premium calls until you unpause them.`,
  );
  await expect(dialog).toBeHidden();
  await expect(group).toContainText("Reason shown to them: Answers came in about a second each.");
  await expect(group.getByRole("button", { name: `Unpause ${kim.name}` })).toBeVisible();
  const [paused] = await sql`select paused_reason from users where email = ${kim.email}`;
  expect(paused.paused_reason).toBe("Answers came in about a second each.");
  await screenshots(admin, "abuse");
});
