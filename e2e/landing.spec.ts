// The pages around the work: the landing page says what Pairwise is for each kind of user and leads each to a first
// step; a missing page keeps the header; the Playground without credits says how to get them; My quality tells a new
// labeler there are not enough answers yet. Each is checked with axe at desktop and phone sizes, and saved under
// SCREENSHOTS_DIR when it is set.
import { POSTGRES_PORT } from "../playwright.config.ts";
import { checkAtBothSizes } from "./page-checks.ts";
import { expect, test } from "./fixtures.ts";

test("a visitor learns what Pairwise is for each kind of user and each sign-up starts with that role", async ({
  page,
}) => {
  await page.goto("/");
  for (const heading of ["For teams training models", "For labelers", "For developers"]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  }
  await expect(page.getByText(/paid in PWT tokens|in PWT tokens/)).toBeVisible();
  await checkAtBothSizes(page, "landing-visitor");

  await page.getByRole("link", { name: "Sign up to label" }).click();
  await expect(page).toHaveURL(/\/signup\?role=labeler$/);
  await expect(page.getByRole("radio", { name: /label data and earn tokens/ })).toBeChecked();
  await checkAtBothSizes(page, "signup");

  await page.goto("/");
  await page.getByRole("link", { name: "Sign up to request labels" }).click();
  await expect(page.getByRole("radio", { name: /request labels/ })).toBeChecked();

  await page.goto("/");
  await page.getByRole("link", { name: "Read the API reference" }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
});

test("signed in, the landing page leads a requester to a new project and a labeler to the work", async ({
  requesterPage,
  labelerPage,
}) => {
  await requesterPage.goto("/");
  await expect(requesterPage.getByRole("link", { name: /^Sign up/ })).toHaveCount(0);
  await requesterPage.getByRole("link", { name: "Create a project" }).click();
  await expect(requesterPage).toHaveURL(/\/projects\/new$/);
  await requesterPage.goto("/");
  await checkAtBothSizes(requesterPage, "landing-requester");

  await labelerPage.goto("/");
  await labelerPage.getByRole("link", { name: "Start labeling" }).click();
  await expect(labelerPage).toHaveURL(/\/work$/);
});

test("a missing page keeps the header and the account, and says so in words", async ({
  requesterPage: page,
  requester,
}) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText("There is no page at /no/such/page.")).toBeVisible();
  await expect(page.getByText(/No route matches/)).toHaveCount(0);
  await expect(page.getByRole("banner")).toContainText(`${requester.name} · requester`);
  await expect(page.getByRole("link", { name: "Back to the start page" })).toBeVisible();
  await checkAtBothSizes(page, "not-found");
  // A link from it works as in any page.
  await page.getByRole("link", { name: "Back to the start page" }).click();
  await expect(page.getByRole("heading", { name: "For labelers" })).toBeVisible();
});

test("the Playground without credits says why the judge is off and links to the way to get them", async ({
  labelerPage: page,
}) => {
  await page.goto("/playground");
  const reason = page.getByTestId("no-credits");
  await expect(reason).toContainText("You need 2 credits for a judgement and have 0.");
  await expect(reason).toContainText("each PWT buys 100 credits");
  await checkAtBothSizes(page, "playground-no-credits");
  await reason.getByRole("link", { name: "Wallet page" }).click();
  await expect(page).toHaveURL(/\/wallet$/);
});

test("pages of the forms: sign-up with errors, sign-in after sign-up, API keys, My quality, at both sizes", async ({
  browser,
  requesterPage,
  labelerPage,
}) => {
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto("/signup");
  await visitor.getByRole("button", { name: "Sign up" }).click();
  await expect(visitor.getByText("Choose a role")).toBeVisible();
  await checkAtBothSizes(visitor, "signup-errors");
  await visitor.goto("/login?signedUp=1");
  await checkAtBothSizes(visitor, "login-signed-up");
  await context.close();

  await requesterPage.goto("/settings/api-keys");
  await requesterPage.getByRole("button", { name: "Create key" }).click();
  await checkAtBothSizes(requesterPage, "api-keys-error");
  await labelerPage.goto("/work/quality");
  await checkAtBothSizes(labelerPage, "quality-empty");
});

test.describe("My quality, on the PostgreSQL app (scores written straight into its database)", () => {
  test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

  test("a new labeler's four answers read as not enough yet, with no warning and no bare score", async ({
    labelerPage: page,
    project,
    sql,
  }) => {
    const [labeler] = await sql`select id from users where name = 'Lara Labeler' order by created_at desc limit 1`;
    await sql`insert into labeler_quality (project_id, labeler_id, quality, previous_quality, answers, agreement, chance)
              values (${project.id}, ${labeler.id}, 0.2222, 0.5, 4, 0.75, 0.5)`;
    await page.goto("/work/quality");
    const card = page.getByRole("region", { name: new RegExp(project.title) });
    await expect(card.getByTestId("quality-score")).toHaveText("not enough answers yet");
    await expect(card).toContainText("Not enough answers yet: 4 of yours have been scored");
    await expect(card).toContainText("75%");
    await expect(card.getByRole("alert")).toHaveCount(0);
    await checkAtBothSizes(page, "quality-new-labeler");
  });
});
