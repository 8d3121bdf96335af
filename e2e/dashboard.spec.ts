import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import {
  createApiKey,
  createProjectWithItems,
  expect,
  fundOnTreasury,
  signUpOverHttp,
  test,
  type TestUser,
} from "./fixtures.ts";
import { checkAtBothSizes } from "./page-checks.ts";

const sums = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `d${i}`,
      prompt: `What is ${i} + ${i}?`,
      response_a: `Correct: ${i} + ${i} = ${2 * i}.`,
      response_b: `Wrong: ${2 * i + 1}`,
    }),
  ).join("\n");
const ITEMS = 6;

// On the PostgreSQL server, where an admin can be made to record the project's funding.
test.use({
  baseURL: `http://localhost:${POSTGRES_PORT}`,
  projectSetup: {
    title: "Live dashboard",
    labelsPerItem: 2,
    rewardPerLabel: "1000",
    budget: "1000000",
    items: sums(ITEMS),
  },
});

/** A labeler who answers `count` tasks through the JSON API, picking the correct response except on the first `wrong`. */
async function answerOverApi(labeler: TestUser, key: string, projectId: string, count: number, wrong = 0) {
  const url = `/api/v1/projects/${projectId}/tasks`;
  const headers = { Authorization: `Bearer ${key}` };
  let { task } = await (await labeler.request.post(url, { headers, data: {} })).json();
  for (let i = 0; i < count && task; i++) {
    const leftIsCorrect = String(task.left).startsWith("Correct");
    const choice = leftIsCorrect === i >= wrong ? "left" : "right";
    const answered = await labeler.request.post(url, {
      headers,
      data: { intent: "answer", assignmentId: task.assignmentId, choice },
    });
    expect(answered.status(), await answered.text()).toBe(200);
    ({ task } = await answered.json());
  }
}

/** Axe and phone-width checks of the dashboard, with the pointer off the charts (no tooltip in the screenshots). */
async function checkDashboard(page: Page, name: string) {
  await page.mouse.move(0, 0);
  await checkAtBothSizes(page, name);
}

test("the dashboard follows answers and consensus live, with titled charts and the reason Train waits", async ({
  requesterPage: page,
  project,
  signedInPage,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), project.title, "1");
  const labelers = [
    await signUpOverHttp(baseURL!, { role: "labeler", name: "Lena Live" }),
    await signUpOverHttp(baseURL!, { role: "labeler", name: "Rob Live" }),
  ];
  const keys = [await createApiKey(labelers[0]), await createApiKey(labelers[1])];

  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole("img", { name: `0 done, 0 in progress, ${ITEMS} open` })).toBeVisible();
  await expect(page.getByTestId("train-blocked")).toHaveText(
    "Training needs at least 20 items with a consensus preference; 0 so far.",
  );
  await expect(page.getByRole("button", { name: "Train a reward model" })).toBeDisabled();
  await expect(page.getByRole("figure", { name: "Training" })).toContainText(
    "While a version trains, its loss and held-out accuracy per epoch are drawn here",
  );
  await checkDashboard(page, "dashboard-empty");

  // Answers arrive through the API while the page stays open: no reload below.
  await answerOverApi(labelers[0], keys[0], project.id, ITEMS);
  await expect(page.getByTestId("answers")).toHaveText(String(ITEMS));
  await expect(page.getByRole("img", { name: `0 done, ${ITEMS} in progress, 0 open` })).toBeVisible();
  // The app notices the answers and runs consensus a few seconds later; the page picks up the run by itself.
  await expect(page.getByRole("figure", { name: "Consensus confidence distribution" })).toBeVisible({
    timeout: 30_000,
  });

  // One disagreement, so that α and κ are defined.
  await answerOverApi(labelers[1], keys[1], project.id, ITEMS, 1);
  await expect(page.getByRole("img", { name: `${ITEMS} done, 0 in progress, 0 open` })).toBeVisible();
  await expect(page.getByTestId("done")).toHaveText(String(ITEMS));
  const agreement = page.getByRole("figure", { name: "Agreement over time" });
  // The second run draws the agreement lines, with axis titles and a legend for each statistic.
  await expect(agreement.getByRole("application", { name: "Agreement over time" })).toBeVisible({ timeout: 30_000 });
  await expect(agreement).toContainText("Consensus run (1 = first)");
  await expect(agreement).toContainText("Agreement, confidence (0–1)");
  for (const series of ["Krippendorff's α", "Fleiss' κ", "mean confidence"])
    await expect(agreement.getByText(series, { exact: true })).toBeVisible();
  await expect(agreement.locator(".recharts-line-curve")).toHaveCount(3);

  const confidence = page.getByRole("figure", { name: "Consensus confidence distribution" });
  await expect(confidence).toContainText("Consensus confidence");
  await expect(confidence).toContainText("Items");
  // Every confidence range has its label, and the bar of the decided items says how many there are.
  for (const range of ["0–10%", "50–60%", "90–100%"])
    await expect(confidence.getByText(range, { exact: true })).toBeVisible();
  await expect(confidence).toContainText(`${ITEMS} items with a consensus`);
  // Each bar says how many items it counts.
  const barCounts = await confidence.locator(".recharts-label-list text").allTextContents();
  expect(barCounts.map(Number).reduce((a, b) => a + b, 0)).toBe(ITEMS);
  await expect(page.getByTestId("quality-table").locator("tbody tr")).toHaveCount(2);
  // The item the labelers disagree on may stay undecided: it is not counted for training then.
  await expect(page.getByTestId("train-blocked")).toHaveText(
    /^Training needs at least 20 items with a consensus preference; [56] so far\.$/,
  );
  await checkDashboard(page, "dashboard-live");
});

test("Train waits for enough decided items, then training shows live and a weak version asks before publishing", async ({
  requesterPage: page,
  requester,
  signedInPage,
  baseURL,
  sql,
}) => {
  test.setTimeout(180_000);
  const project = await createProjectWithItems(requester, {
    title: "Model dashboard",
    labelsPerItem: 1,
    rewardPerLabel: "1000",
    budget: "1000000",
    items: sums(24),
  });
  await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), project.title, "1");
  const labeler = await signUpOverHttp(baseURL!, { role: "labeler", name: "Tess Trainer" });
  const key = await createApiKey(labeler);
  await page.goto(`/projects/${project.id}`);
  const train = page.getByRole("button", { name: "Train a reward model" });
  await expect(train).toBeDisabled();

  await answerOverApi(labeler, key, project.id, 24);
  await expect(page.getByTestId("done")).toHaveText("24");
  // Once a consensus run has decided the items, the button opens by itself.
  await expect(train).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId("train-blocked")).toHaveCount(0);
  await train.click();
  const row = page.getByTestId("models").locator("tbody tr").first();
  await expect(page.getByTestId("training-status")).toBeVisible();
  await expect(row.locator("td").nth(1)).toHaveText("ready", { timeout: 90_000 });

  const loss = page.getByRole("figure", { name: "Training loss, version 1" });
  await expect(loss.getByRole("application", { name: "Training loss, version 1" })).toBeVisible();
  await expect(loss).toContainText("Epoch");
  await expect(loss).toContainText("Loss");
  const accuracy = page.getByRole("figure", { name: "Held-out accuracy, version 1" });
  await expect(accuracy).toContainText("Held-out accuracy");
  await expect(accuracy).toContainText(/longer response wins: \d+\.\d%/);
  await expect(accuracy).toContainText(/kept: \d+\.\d%/);
  await checkDashboard(page, "dashboard-trained");

  // Held-out numbers below the length baseline (as a weak training run would leave them): publishing asks first.
  await sql`update reward_models set metrics = jsonb_set(metrics, '{heldOut}', metrics->'heldOut' || '{"accuracy": 0.545, "lengthBaselineAccuracy": 0.636}')
            where project_id = ${project.id}`;
  await page.reload();
  await expect(row).toContainText("9.1 points below");
  await row.getByRole("button", { name: "Publish v1…" }).click();
  const confirm = page.getByTestId("publish-weak");
  await expect(confirm).toContainText(
    "Version 1 ranks 54.5% of held-out pairs like the consensus; simply picking the longer response ranks 63.6%.",
  );
  await checkDashboard(page, "dashboard-weak");
  await confirm.getByRole("button", { name: "Publish v1 anyway" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Published." })).toBeVisible();
  await expect(row.locator("td").first()).toHaveText("v1 published");
});
