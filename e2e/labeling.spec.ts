import { mkdirSync, readFileSync } from "node:fs";
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

const SCREENS = "/tmp/screens";
mkdirSync(SCREENS, { recursive: true });

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
    await expect(page.getByRole("radio", { name: key === "1" ? "A is better" : "B is better" })).toBeChecked();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText(`Saved · ${i + 1} today`);
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
  await page.getByLabel(/^Reward per label/).fill("0.001");
  await page.getByLabel(/^Budget/).fill("1");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), title, "1");
  await page.reload();
  await expect(page.getByTestId("funds-funded")).toHaveText("1 PWT");

  await upload(page, "items.jsonl", items);
  await expect(page.getByRole("status").filter({ hasText: "Upload complete" })).toContainText(
    "Upload complete: 3 rows, 3 new items",
  );
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

test.describe("a labeler's journey", () => {
  const longText = (who: string) =>
    Array.from({ length: 12 }, (_, i) => `${who} paragraph ${i + 1}: ${"a careful explanation ".repeat(6)}`).join(
      "\n\n",
    );
  test.use({
    projectSetup: {
      title: "Keyboard sums",
      instructions: "Pick the **correct** sum.\n\nA tie only when both are right.",
      labelsPerItem: 1,
      rewardPerLabel: "1000",
      budget: "1000000",
      items: [
        ...Array.from({ length: 3 }, (_, i) =>
          JSON.stringify({ id: `k${i}`, prompt: `Sum ${i}: ${i} + ${i}?`, response_a: `A${i}`, response_b: `B${i}` }),
        ),
        JSON.stringify({
          id: "long",
          prompt: "Explain sums at length.",
          response_a: longText("Left"),
          response_b: longText("Right"),
        }),
      ].join("\n"),
    },
  });

  test("every action from the keyboard: help, answer and strength, undo, flag with Enter, skip; each confirmed", async ({
    project,
    labelerPage: page,
    signedInPage,
    sql,
  }) => {
    test.setTimeout(120_000);
    await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), project.title, "1");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    // Before starting: what the project is about and what it pays, in tokens.
    const row = page.getByRole("row", { name: new RegExp(project.title) });
    await expect(row).toContainText("Pick the correct sum.");
    await expect(row).toContainText("0.001 PWT");
    await page.screenshot({ path: `${SCREENS}/L-work-desktop.png`, fullPage: true });
    await row.getByRole("link", { name: "Start" }).click();

    // A first visit opens the instructions; focus is on the answers, and the item is announced.
    await expect(page.locator("details.instructions")).toHaveAttribute("open", "");
    await expect(page.getByTestId("task-announcement")).toHaveText("Item 1 loaded.");
    await expect(page.getByRole("radio", { name: "A is better" })).toBeFocused();
    await expect(page.getByTestId("earnings-summary")).toBeVisible();

    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(help).toContainText("Shift+1 / 2 / 3");
    await expect(help).toContainText("undo your last answer");
    await page.keyboard.press("Escape");
    await expect(help).toBeHidden();

    const prompt = page.locator(".item-prompt");
    const first = (await prompt.textContent())!;
    // Enter with nothing chosen says so, in place.
    await page.keyboard.press("Enter");
    await expect(page.getByText("Choose an answer first.")).toBeVisible();
    await page.keyboard.press("2");
    await page.keyboard.press("Shift+Digit3");
    await expect(page.getByRole("radio", { name: "B is better" })).toBeChecked();
    await expect(page.getByRole("radio", { name: "much" })).toBeChecked();
    await page.getByLabel("Rationale (optional)").fill("B adds up");
    await page.getByLabel("Rationale (optional)").press("Control+Enter");
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved · 1 today");
    await expect(page.getByTestId("task-announcement")).toHaveText("Item 2 loaded.");
    await expect(prompt).not.toHaveText(first);
    await expect(page.getByRole("radio", { name: "A is better" })).toBeFocused();
    await page.screenshot({ path: `${SCREENS}/L-labeling-desktop.png`, fullPage: true });

    // `u` takes the answer back: the first item again, as it was answered.
    await page.keyboard.press("u");
    await expect(page.getByRole("status").filter({ hasText: "taken back" })).toBeVisible();
    await expect(prompt).toHaveText(first);
    await expect(page.getByRole("radio", { name: "B is better" })).toBeChecked();
    await expect(page.getByRole("radio", { name: "much" })).toBeChecked();
    await expect(page.getByLabel("Rationale (optional)")).toHaveValue("B adds up");
    await expect(page.getByTestId("counts")).toContainText("Today 0");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved · 1 today");

    // `f` opens the reasons with focus on the first; Enter on a focused reason flags with it.
    const flagged = (await prompt.textContent())!;
    await page.keyboard.press("f");
    await expect(page.getByRole("button", { name: "Unanswerable" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Harmful" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Flagged" })).toHaveText(
      "Flagged as harmful · the requester will see it",
    );
    await expect(prompt).not.toHaveText(flagged);
    await page.keyboard.press("s");
    await expect(page.getByRole("status").filter({ hasText: "Skipped" })).toBeVisible();

    // One label: the undone one is gone; the answer given again kept the strength and rationale it started from.
    const labels = await sql`select l.value, l.strength, l.rationale, a.swapped from labels l
      join assignments a on a.id = l.assignment_id where l.project_id = ${project.id}`;
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ value: labels[0].swapped ? "b" : "a", strength: 3, rationale: "B adds up" });
    const finished = await sql`select status, flag_reason from assignments
      where project_id = ${project.id} and status in ('skipped', 'flagged') order by status`;
    expect(finished.map((a) => `${a.status}${a.flag_reason ? `:${a.flag_reason}` : ""}`)).toEqual([
      "skipped",
      "flagged:harmful",
    ]);
  });

  test("on a phone: a one-line header, the answers always in reach, no key hints", async ({
    project,
    labelerPage,
    signedInPage,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), project.title, "1");
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await context.addCookies(await labelerPage.context().cookies());
    const page = await context.newPage();
    try {
      await page.goto("/work");
      const header = (await page.locator("header.topbar").boundingBox())!;
      expect(header.height).toBeLessThan(60);
      await page.screenshot({ path: `${SCREENS}/L-work-phone.png`, fullPage: true });
      await page.getByRole("button", { name: "Menu" }).tap();
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Wallet" })).toBeVisible();
      await page.getByRole("button", { name: "Menu" }).tap();

      await page.goto(`/work/${project.id}`);
      const answer = page.getByRole("radio", { name: "A is better" });
      await expect(answer).toBeFocused();
      await expect(page.locator(".labeling-page kbd").first()).toBeHidden(); // no key hints on a touch screen
      await expect(page.getByRole("button", { name: "Shortcuts" })).toBeHidden();
      // Skip to the long item: the answer bar stays on screen wherever the page is scrolled.
      for (let i = 0; i < 3 && !(await page.getByText("Left paragraph 1:").isVisible()); i++) {
        const before = await page.locator(".item-prompt").textContent();
        await page.getByRole("button", { name: "Skip" }).tap();
        await expect(page.locator(".item-prompt")).not.toHaveText(before!);
      }
      await expect(page.getByText("Left paragraph 1:")).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(844 * 1.5);
      await page.screenshot({ path: `${SCREENS}/L-labeling-phone.png` });
      for (const y of [0, 600, 1200]) {
        await page.evaluate((top) => window.scrollTo({ top }), y);
        for (const control of [
          page.getByRole("radio", { name: "B is better" }),
          page.getByRole("button", { name: "Submit" }),
        ]) {
          const box = (await control.boundingBox())!;
          expect(box.y + box.height, `at scroll ${y}`).toBeLessThanOrEqual(844);
          expect(box.y, `at scroll ${y}`).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(390);
        }
      }
      await page.locator("label.choice-option", { hasText: "B is better" }).tap();
      await expect(page.getByRole("radio", { name: "B is better" })).toBeChecked();
      await page.getByRole("button", { name: "Submit" }).tap();
      await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved · 1 today");
      await page.screenshot({ path: `${SCREENS}/L-labeling-phone-saved.png` });
    } finally {
      await context.close();
    }
  });
});
