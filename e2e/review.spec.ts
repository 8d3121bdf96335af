// A requester reviews a labeler's answers (rejects one with a reason, approves the rest); the labeler sees the
// rejection on My quality and appeals it; the requester overturns it; the labeler sees the final decision.
import { POSTGRES_PORT } from "../playwright.config.ts";
import { createApiKey, expect, signUpOverHttp, test } from "./fixtures.ts";
import { checkAtBothSizes } from "./page-checks.ts";

// On the PostgreSQL server, where the sql fixture can record the project's funding.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

test("a requester rejects an answer with a reason, the labeler appeals, the requester overturns it", async ({
  requesterPage: page,
  project,
  sql,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await sql`insert into project_funds (project_id, kind, amount, reason)
    values (${project.id}, 'admin_credit', '1000000', 'paid by invoice (e2e)')`;

  // The labeler answers the project's three items through the JSON API (A, on screen left, each time).
  const labeler = await signUpOverHttp(baseURL!, { role: "labeler", name: "Rhea Reviewed" });
  const headers = { Authorization: `Bearer ${await createApiKey(labeler)}` };
  const tasks = `/api/v1/projects/${project.id}/tasks`;
  let { task } = await (await labeler.request.post(tasks, { headers, data: {} })).json();
  for (let i = 0; i < 3; i++) {
    expect(task, `task ${i + 1}`).toBeTruthy();
    const answered = await labeler.request.post(tasks, {
      headers,
      data: { intent: "answer", assignmentId: task.assignmentId, choice: "left" },
    });
    expect(answered.status(), await answered.text()).toBe(200);
    ({ task } = await answered.json());
  }

  // The requester opens the review queue from the project page.
  await page.goto(`/projects/${project.id}`);
  await page.getByTestId("review-link").click();
  await expect(page.getByRole("heading", { name: "Review answers", level: 1 })).toBeVisible();
  const cards = page.getByTestId("review-answer");
  await expect(cards).toHaveCount(3);
  await expect(page.getByTestId("review-totals")).toContainText("3 to review · 0 approved · 0 rejected");
  await expect(cards.first().getByRole("heading", { name: /^Response A$/ })).toBeVisible();
  await expect(cards.first().getByTestId("answer-words")).toHaveText(/^[AB] is better$/);
  await checkAtBothSizes(page, "review-queue");

  // Rejecting needs a reason: the form says so before anything is sent.
  const first = cards.first();
  const firstTitle = (await first.getByRole("heading", { level: 3 }).textContent())!;
  await first.getByRole("button", { name: "Reject" }).click();
  await expect(first.getByText("Choose a reason: the labeler sees it and may appeal")).toBeVisible();
  await first.getByLabel("Reason").selectOption({ label: "Low effort (too fast or careless)" });
  await first.getByLabel(/^Note/).fill("Answered without reading response B.");
  await first.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByTestId("review-message")).toHaveText("Rejected 1 answer.");
  await expect(cards).toHaveCount(2);
  await expect(page.getByRole("heading", { name: firstTitle })).toHaveCount(0);

  // The rest, approved at once, by keyboard.
  const approveAll = page.getByRole("button", { name: "Approve all 2 shown" });
  await approveAll.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("review-message")).toHaveText("Approved 2 answers.");
  await expect(page.getByTestId("review-empty")).toBeVisible();
  await expect(page.getByTestId("labeler-approved")).toHaveText("2");
  await expect(page.getByTestId("labeler-rejected")).toHaveText("1");

  // The labeler sees the rejection with its reason and note on My quality, and appeals.
  const context = await browser.newContext();
  await context.addCookies((await labeler.request.storageState()).cookies);
  const labelerPage = await context.newPage();
  await labelerPage.goto("/work/quality");
  const rejection = labelerPage.getByTestId("rejection");
  await expect(rejection).toHaveCount(1);
  await expect(rejection.getByTestId("rejection-reason")).toHaveText("Low effort (too fast or careless)");
  await expect(rejection.getByTestId("rejection-note")).toContainText("Answered without reading response B.");
  await expect(rejection).toContainText(project.title);
  await checkAtBothSizes(labelerPage, "quality-rejection");
  await rejection.getByLabel(/^Why should it be approved/).fill("I read both; A answers the question and B does not.");
  await rejection.getByRole("button", { name: "Send appeal" }).click();
  await expect(labelerPage.getByText("Appeal sent. The requester's decision will show here.")).toBeVisible();
  await expect(rejection.getByTestId("appeal-state")).toContainText("Waiting for the requester’s decision.");
  await expect(rejection.getByRole("button", { name: "Send appeal" })).toHaveCount(0);

  // The requester finds it under open appeals and overturns it.
  await page.getByRole("combobox", { name: /^Show/ }).selectOption("appeals");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Open appeals (1)" })).toBeVisible();
  const appeal = page.getByTestId("review-answer");
  await expect(appeal).toContainText("I read both; A answers the question and B does not.");
  await expect(appeal).toContainText("Answered without reading response B.");
  await checkAtBothSizes(page, "review-appeals");
  await appeal.getByLabel(/^Your decision’s note/).fill("Agreed on a second look; approved.");
  await appeal.getByRole("button", { name: "Overturn: approve the answer" }).click();
  await expect(page.getByTestId("review-message")).toContainText("Appeal decided: rejection overturned");
  await expect(page.getByRole("heading", { name: "Open appeals (0)" })).toBeVisible();
  await expect(page.getByTestId("labeler-approved")).toHaveText("3");
  await expect(page.getByTestId("labeler-rejected")).toHaveText("0");

  // The labeler sees the final decision and the requester's note.
  await labelerPage.reload();
  const decision = labelerPage.getByTestId("rejection").getByTestId("appeal-decision");
  await expect(decision).toContainText("Rejection overturned: approved");
  await expect(decision).toContainText("Agreed on a second look; approved.");
  await expect(decision).toContainText("paid with your next payout");
  await context.close();
});
