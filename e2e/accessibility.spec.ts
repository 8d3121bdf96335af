// Every main page of every kind of user, at desktop and phone sizes: axe finds no serious or critical violation,
// and nothing runs off the side of a phone's screen. With SCREENSHOTS_DIR set (`npm run screenshots`) each page is
// also saved there as <who>-<page>-<size>.png, for people to look at.
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { expect, fundOnTreasury, test } from "./fixtures.ts";

// Each page is checked twice with axe: the whole walk takes longer than one ordinary spec.
test.describe.configure({ timeout: 240_000 });

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function check(page: Page, who: string, name: string, url: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.goto(url);
    await page.waitForFunction(() => "__remixRouter" in window);
    const dir = process.env.SCREENSHOTS_DIR;
    if (dir) await page.screenshot({ path: path.join(dir, `${who}-${name}-${size.name}.png`), fullPage: true });
    const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
    const serious = violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious, `${who} ${url} at ${size.name}`).toEqual([]);
    if (size.name === "phone") {
      // The elements that reach past the screen's edge, named so that a failure says what to fix.
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`),
      );
      expect(wide, `${who} ${url} is wider than a phone`).toEqual([]);
    }
  }
}

test("anonymous pages", async ({ page }) => {
  for (const [name, url] of [
    ["landing", "/"],
    ["login", "/login"],
    ["signup", "/signup"],
    ["transparency", "/transparency"],
    ["api-reference", "/docs/api"],
    ["not-found", "/no/such/page"],
  ])
    await check(page, "anonymous", name, url);
});

test("a requester's pages", async ({ requesterPage, project }) => {
  for (const [name, url] of [
    ["projects", "/projects"],
    ["new-project", "/projects/new"],
    ["dashboard", `/projects/${project.id}`],
    ["audit-log", `/projects/${project.id}/audit`],
    ["review", `/projects/${project.id}/review`],
    ["tests", "/tests"],
    ["api-keys", "/settings/api-keys"],
    ["wallet", "/wallet"],
    ["playground", "/playground"],
  ])
    await check(requesterPage, "requester", name, url);
});

test.describe(() => {
  // Admin accounts are made in the database, which only the PostgreSQL-backed app exposes to the fixtures.
  test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });
  test("a labeler's pages, with a task held", async ({ labelerPage, project, signedInPage }) => {
    // A task is only served from funds paid in: an admin records the project's funding first.
    await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), project.title, "1");
    await check(labelerPage, "labeler", "projects", "/work");
    await labelerPage.goto(`/work/${project.id}`);
    // The page leases a task by itself once hydrated; holding it, every later visit shows the task.
    await expect(labelerPage.getByRole("radiogroup", { name: "Your answer" })).toBeVisible();
    for (const [name, url] of [
      ["task", `/work/${project.id}`],
      ["quality", "/work/quality"],
      ["wallet", "/wallet"],
    ])
      await check(labelerPage, "labeler", name, url);
  });

  test("an admin's and a premium user's pages", async ({ signedInPage }) => {
    const admin = await signedInPage({ role: "admin", name: "Ada Admin" });
    for (const [name, url] of [
      ["treasury", "/admin/treasury"],
      ["abuse", "/admin/abuse"],
    ])
      await check(admin, "admin", name, url);
    const premium = await signedInPage({ role: "labeler", name: "Pia Premium" });
    await check(premium, "premium", "playground", "/playground");
    await check(premium, "premium", "api-keys", "/settings/api-keys");
  });
});
