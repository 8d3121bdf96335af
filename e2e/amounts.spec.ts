import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { expect, fundOnTreasury, test } from "./fixtures.ts";

// On the PostgreSQL server, where an admin can be made to record the project's funding.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function screenshots(page: Page, name: string) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `/tmp/screens/amounts-${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

/** No amount a person reads may be a bare run of base units (e.g. 500000 for 0.5 tokens). */
async function expectNoBaseUnits(page: Page, ...raw: string[]) {
  const text = await page.locator("body").innerText();
  for (const units of raw) expect(text).not.toContain(units);
}

test("a requester types amounts in tokens and reads them in tokens everywhere", async ({
  requesterPage: page,
  signedInPage,
}) => {
  await page.getByRole("link", { name: "New project" }).click();
  const title = `Priced ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  const cost = page.getByTestId("project-cost");
  await expect(cost).toHaveText("Type the reward per label in PWT to see what an item costs.");

  await page.getByLabel("Reward per label (PWT)").fill("1.1234567");
  await page.getByLabel("Budget (PWT)").fill("1000000001");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText("Reward per label must be a number with at most 6 decimals of PWT")).toBeVisible();
  await expect(page.getByText("Budget must be at most 1,000,000,000 PWT")).toBeVisible();
  await expect(cost).toHaveText("Type the reward per label in PWT to see what an item costs.");

  await page.getByLabel("Labels per item (k)").fill("3");
  await page.getByLabel("Reward per label (PWT)").fill("0.5");
  await page.getByLabel("Budget (PWT)").fill("1,000");
  await expect(cost).toHaveText(
    "Each item costs 1.5 PWT (3 labels × 0.5 PWT). The budget pays for 2,000 labels, 666 items in full.",
  );
  await page.getByLabel("Labels per item (k)").fill("2");
  await expect(cost).toHaveText(
    "Each item costs 1 PWT (2 labels × 0.5 PWT). The budget pays for 2,000 labels, 1,000 items in full.",
  );
  await screenshots(page, "new-project");

  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByText("0.5 PWT per label (1 PWT per item) · budget 1,000 PWT")).toBeVisible();
  await expect(page.getByTestId("funds-funded")).toHaveText("0 PWT");

  await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), title, "1234.5");
  const admin = await signedInPage({ role: "admin", name: "Tom Treasurer" });
  await admin.goto("/admin/treasury");
  await expect(admin.getByRole("row", { name: new RegExp(title) }).first()).toContainText("1,000 PWT");
  await expect(admin.getByTestId("funding-ledger").getByRole("row", { name: new RegExp(title) })).toContainText(
    "1,234.5 PWT",
  );
  await expect(admin.getByTestId("treasury-tokens")).toHaveText(/^[\d,]+(\.\d+)? PWT$/);
  await screenshots(admin, "treasury");

  await page.reload();
  await expect(page.getByTestId("funds-funded")).toHaveText("1,234.5 PWT");
  // What more can be committed: the budget caps the funds.
  await expect(page.getByTestId("funds-remaining")).toHaveText("1,000 PWT");
  await expectNoBaseUnits(page, "500000", "1000000000", "1234500000");
  await screenshots(page, "dashboard");

  await page.goto("/projects");
  await expect(page.getByRole("row", { name: new RegExp(title) })).toContainText("0.5 PWT");
  await expectNoBaseUnits(page, "500000");
  await screenshots(page, "projects");
});
