// A requester requires a qualification test on a project; a labeler sees it on the project list, takes it, fails once
// (and sees what was wrong, with the right answer and why), passes on a second attempt and then gets a task.
import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import AxeBuilder from "@axe-core/playwright";
import postgres from "postgres";
import { E2E_DATABASE } from "../scripts/test-database.ts";
import { createApiKey, expect, test } from "./fixtures.ts";
import { checkAtBothSizes } from "./page-checks.ts";

// On the PostgreSQL server, where an admin can be made to record the project's funding.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

const TEST_ITEMS = [
  {
    prompt: "What is the capital of France?",
    responses: ["Paris.", "Lyon."],
    answers: { better: "a" },
    explanation: "Paris has been the capital since the tenth century.",
  },
  {
    prompt: "How many legs does a spider have?",
    responses: ["Six.", "Eight."],
    answers: { better: "b" },
    explanation: "Spiders are arachnids: eight legs.",
  },
];

/** Records an admin's funding of the project in the E2E database, as Treasury's form would. */
async function fund(projectId: string, amount: bigint) {
  const url = new URL(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  url.pathname = `/${E2E_DATABASE}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql`insert into project_funds (project_id, kind, amount, reason)
      values (${projectId}, 'admin_credit', ${amount.toString()}, 'paid by invoice (e2e)')`;
  } finally {
    await sql.end();
  }
}

/** Answers the test's current item by clicking a choice, then Submit, and waits for the next item or the result. */
async function answer(page: Page, choice: "A is better" | "B is better") {
  const progress = await page.getByTestId("test-progress").textContent();
  await page.getByRole("radio", { name: choice }).check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByTestId("test-progress").or(page.getByTestId("test-score"))).not.toHaveText(progress!);
}

test("a labeler sees a project needing a test, fails it once, passes it and then gets a task", async ({
  requester,
  project,
  signedInPage,
}) => {
  test.setTimeout(180_000);
  await fund(project.id, 1_000_000n);

  const headers = { Authorization: `Bearer ${await createApiKey(requester, "qualifications")}` };
  const created = await requester.request.post("/api/v1/qualification-tests", {
    headers,
    data: {
      title: `Facts check ${Date.now()}`,
      instructions: "Choose the **correct** reply.",
      questions: [{ name: "better", type: "preference", title: "Which reply is correct?" }],
      passMark: 1,
      maxAttempts: 2,
      retryAfterHours: 0,
      showAnswers: true,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { test: qualification } = (await created.json()) as { test: { id: string; title: string } };
  const added = await requester.request.post(`/api/v1/qualification-tests/${qualification.id}/items`, {
    headers,
    data: { items: TEST_ITEMS },
  });
  expect(added.status(), await added.text()).toBe(201);

  const required = await requester.request.put(`/api/v1/projects/${project.id}/qualifications`, {
    headers,
    data: { tests: [qualification.id] },
  });
  expect(required.status(), await required.text()).toBe(200);

  const page = await signedInPage({ role: "labeler", name: "Quinn Qualifier" });
  const row = page.getByRole("row", { name: new RegExp(project.title) });
  await expect(row.getByTestId("required-tests")).toContainText(`${qualification.title} (to take)`);
  await expect(row.getByRole("link", { name: "Start" })).toHaveCount(0);
  await checkAtBothSizes(page, "work-needs-test");
  await row.getByRole("link", { name: /Take the test/ }).click();

  await expect(page.getByRole("heading", { name: qualification.title })).toBeVisible();
  await checkAtBothSizes(page, "test-start");
  await page.getByRole("button", { name: "Start the test" }).click();
  await expect(page.getByTestId("test-progress")).toContainText("Item 1 of 2");
  await expect(page.getByText("What is the capital of France?")).toBeVisible();
  await checkAtBothSizes(page, "test-item");
  // First attempt: the first right, the second wrong.
  await answer(page, "A is better");
  await expect(page.getByText("How many legs does a spider have?")).toBeVisible();
  await answer(page, "A is better");
  await expect(page.getByRole("heading", { name: "Not passed this time" })).toBeVisible();
  await expect(page.getByTestId("test-score")).toContainText("1 of 2 right");
  const wrong = page.locator(".test-wrong li");
  await expect(wrong).toHaveCount(1);
  await expect(wrong).toContainText("You answered: A is better · the right answer: B is better");
  await expect(wrong).toContainText("Spiders are arachnids: eight legs.");
  await checkAtBothSizes(page, "test-result");

  // Second attempt: both right.
  await page.getByRole("button", { name: "Start the test" }).click();
  await answer(page, "A is better");
  await answer(page, "B is better");
  await expect(page.getByRole("heading", { name: "You passed" })).toBeVisible();
  await expect(page.getByTestId("test-score")).toContainText("2 of 2 right");

  await page.getByRole("link", { name: "Back to projects" }).click();
  await expect(row.getByTestId("required-tests")).toContainText(`${qualification.title} (passed)`);
  await row.getByRole("link", { name: "Start" }).click();
  await expect(page.getByRole("radio", { name: "A is better" })).toBeVisible();
  await expect(page.getByText(/Fixture question \d/)).toBeVisible();
});

test("a requester creates a test and adds its items on the Tests pages", async ({ requesterPage: page }) => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tests" }).click();
  await expect(page.getByRole("heading", { name: "Qualification tests" })).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  const title = `Sums ${Date.now()}`;
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Pass mark (share of items right, 0–1)").fill("0.5");
  await page.getByRole("button", { name: "Create the test" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByText("No items yet")).toBeVisible();

  const items = page.getByLabel(/^Add items/);
  await items.fill('{"prompt": "2 + 2?", "responses": ["4", "5"], "answers": {"better": "c"}}');
  await page.getByRole("button", { name: "Add the items" }).click();
  await expect(page.getByRole("alert")).toContainText('line 1, column 69: the known answer for "better" must be');
  await items.fill('{"prompt": "2 + 2?", "responses": ["4", "5"], "answers": {"better": "a"}, "explanation": "4."}');
  await page.getByRole("button", { name: "Add the items" }).click();
  await expect(page.getByRole("status")).toHaveText("Added 1 item.");
  await expect(page.getByRole("heading", { name: "Items (1)" })).toBeVisible();
  await checkAtBothSizes(page, "test-editor");
  await page.getByRole("link", { name: "All tests" }).click();
  await expect(page.getByRole("row", { name: new RegExp(title) })).toContainText("50%");
});
