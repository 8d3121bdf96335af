import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { expect, fundOnTreasury, test } from "./fixtures.ts";

const items = Array.from({ length: 3 }, (_, i) =>
  JSON.stringify({
    id: `q${i}`,
    prompt: `Question ${i}: what is ${i} + ${i}?`,
    response_a: `Answer A${i}: ${2 * i}`,
    response_b: `Answer B${i}: ${2 * i + 1}`,
  }),
).join("\n");

async function upload(page: Page, name: string, content: string) {
  await page
    .getByLabel("Dataset file")
    .setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(content) });
  await page.getByRole("button", { name: "Upload" }).click();
}

/** `page` is a labeler's, signed in, on /work. */
async function labelAll(page: Page, key: "1" | "2", projectTitle: string) {
  await page
    .getByRole("row", { name: new RegExp(projectTitle) })
    .getByRole("link", { name: "Start" })
    .click();
  await expect(page.getByText("Enter", { exact: true }).first()).toBeVisible();
  await expect(page.getByText("1", { exact: true }).first()).toBeVisible(); // shortcuts are shown on the page
  for (let i = 0; i < 3; i++) {
    const prompt = page.getByText(/Question \d: what is/);
    const before = await prompt.textContent();
    await page.keyboard.press(key);
    await expect(page.getByRole("button", { name: key === "1" ? /A is better/ : /B is better/ })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    await page.keyboard.press("Enter");
    if (i < 2) await expect(prompt).not.toHaveText(before!);
  }
  await expect(page.getByText("No more items for you in this project")).toBeVisible();
  await expect(page.getByTestId("counts")).toContainText("Today 3");
  await page.context().close();
}

// On the PostgreSQL server, where an admin can be made to record the project's funding.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

test("requester uploads, two labelers answer with the keyboard, the export holds their answers", async ({
  requesterPage: page,
  signedInPage,
}) => {
  await page.getByRole("link", { name: "New project" }).click();
  const title = `Arithmetic ${Date.now()}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Instructions (Markdown)").fill("Pick the **correct** sum.");
  await page.getByLabel("Labels per item (k)").fill("2");
  await page.getByLabel("Reward per label (token base units)").fill("1000");
  await page.getByLabel("Token budget (base units)").fill("1000000");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), title, "1");
  await page.reload();
  await expect(page.getByTestId("funds-funded")).toHaveText("1");

  await upload(page, "items.jsonl", items);
  await expect(page.getByRole("status")).toContainText("Upload complete: 3 rows, 3 new items");
  await expect(page.getByLabel("0 done, 0 in progress, 3 open")).toBeVisible();
  await expect(page.getByText("items", { exact: true }).locator("..").locator(".stat")).toHaveText("3");

  // A bad upload names the line and stores nothing.
  await upload(page, "bad.jsonl", `${items}\n{"prompt": "only a prompt"}`);
  await expect(page.getByRole("alert")).toContainText("Line 4");
  await expect(page.getByRole("alert")).toContainText('missing "response_a", "response_b"');
  await page.reload();
  await expect(page.getByText("items", { exact: true }).locator("..").locator(".stat")).toHaveText("3");

  await labelAll(await signedInPage({ role: "labeler", name: "Lena Left" }), "1", title);
  await labelAll(await signedInPage({ role: "labeler", name: "Rob Right" }), "2", title);

  await page.reload();
  await expect(page.getByTestId("answers")).toHaveText("6");
  await expect(page.getByTestId("done")).toHaveText("3");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Raw answers" }).click();
  const rows = readFileSync((await (await download).path())!, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(rows).toHaveLength(6);
  const byLabeler = new Map<string, typeof rows>();
  for (const r of rows) byLabeler.set(r.labeler_id, [...(byLabeler.get(r.labeler_id) ?? []), r]);
  expect(byLabeler.size).toBe(2);
  // One labeler always chose the left response, the other the right: stored answers follow the on-screen order.
  const leftRule = (r: { answer: string; shown_order: string }) => (r.answer === "a") === (r.shown_order === "ab");
  const groups = [...byLabeler.values()];
  expect(groups.some((g) => g.every(leftRule))).toBe(true);
  expect(groups.some((g) => g.every((r) => !leftRule(r)))).toBe(true);
  expect(rows.every((r) => typeof r.time_spent_ms === "number" && r.assignment_id > 0)).toBe(true);

  // Consensus runs in the background; the dashboard follows it live and then charts agreement and scores labelers.
  await page.getByRole("button", { name: "Recompute now" }).click();
  await expect(page.getByTestId("quality-table").locator("tbody tr")).toHaveCount(2, { timeout: 20_000 });
  await expect(page.getByLabel("Agreement over time")).toBeVisible();
  await expect(page.getByLabel("Consensus confidence distribution")).toBeVisible();
  await expect(page.getByTestId("alpha")).toHaveText(/^-?\d\.\d\d$/);
});
