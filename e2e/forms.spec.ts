// Forms never lose a click: after a validation error, errors clear while the person types, nothing moves when a
// field loses focus, and one click then submits. Also: the sign-up role is always the person's choice, typing while
// the sign-up page loads never breaks it, and the dataset upload takes a dropped file and shows its first rows.
import type { Locator, Page } from "@playwright/test";
import { expect, PASSWORD, test, uniqueEmail } from "./fixtures.ts";
import { checkAtBothSizes } from "./page-checks.ts";

/** The error line of a field: the input's label holds it. */
const errorOf = (input: Locator) => input.locator("xpath=..").locator(".field-error");

/** Where an element is on the page (not in the viewport: submitting scrolls to the first error). */
const box = (locator: Locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
  });
const boxes = (locators: Locator[]) => Promise.all(locators.map(box));

/** Opens `path` and waits until the page is hydrated (Remix's router is there), so the form checks in the browser. */
async function visit(page: Page, path: string) {
  await page.goto(path);
  await page.waitForFunction(() => "__remixRouter" in window);
}

/** Counts the page's POST requests, to tell a form checked in the browser from one that was sent. */
function countPosts(page: Page) {
  const posts = { count: 0 };
  page.on("request", (r) => {
    if (r.method() === "POST") posts.count++;
  });
  return posts;
}

test("sign-up: an empty submit shows errors, fixing them moves nothing, and one click signs up", async ({ page }) => {
  await visit(page, "/signup");
  const name = page.getByLabel("Name");
  const email = page.getByLabel("Email");
  const password = page.getByLabel("Password");
  const submit = page.getByRole("button", { name: "Sign up" });
  const labeler = page.getByRole("radio", { name: /label data and earn tokens/ });
  const requester = page.getByRole("radio", { name: /request labels/ });
  // Nobody is made a labeler (or a requester) for want of a click.
  await expect(labeler).not.toBeChecked();
  await expect(requester).not.toBeChecked();

  const posts = countPosts(page);
  const layout = [name, email, password, labeler, requester, submit];
  const before = await boxes(layout);
  await submit.click();
  for (const field of [name, email, password]) await expect(errorOf(field)).not.toBeEmpty();
  await expect(page.getByText("Choose a role")).toBeVisible();
  expect(posts.count).toBe(0);
  // The errors filled lines kept for them: nothing below them moved.
  expect(await boxes(layout)).toEqual(before);

  await name.fill("Fern Fixer");
  // The error clears while typing, before the field is left.
  await expect(errorOf(name)).toBeEmpty();
  await email.fill(uniqueEmail("fern"));
  await password.fill(PASSWORD);
  const typed = await boxes(layout);
  await requester.focus();
  await page.getByRole("heading", { name: "Create an account" }).click();
  expect(await boxes(layout)).toEqual(typed);
  expect(typed).toEqual(before);

  await requester.check();
  await expect(page.getByText("Choose a role")).toHaveCount(0);
  await submit.click();
  await expect(page).toHaveURL(/\/login\?signedUp=1$/);
  expect(posts.count).toBe(1);
});

test("sign-up from the landing page's choice arrives with that role picked", async ({ page }) => {
  await page.goto("/signup?role=labeler");
  await expect(page.getByRole("radio", { name: /label data and earn tokens/ })).toBeChecked();
  await page.goto("/signup?role=admin");
  await expect(page.getByRole("radio", { checked: true })).toHaveCount(0);
});

test("sign-in: a wrong then fixed field needs one click, and a server error clears as the person types", async ({
  page,
  requester,
}) => {
  await visit(page, "/login");
  const email = page.getByLabel("Email");
  const password = page.getByLabel("Password");
  const submit = page.getByRole("button", { name: "Sign in" });
  await email.fill("not-an-email");
  await submit.click();
  const error = errorOf(email);
  await expect(error).not.toBeEmpty();
  const before = await box(submit);
  await email.fill(requester.email);
  await expect(error).toBeEmpty();
  await password.fill(PASSWORD);
  await page.getByRole("heading", { name: "Sign in" }).click();
  expect(await box(submit)).toEqual(before);
  await submit.click();
  await expect(page).toHaveURL(/\/projects$/);
});

test("API keys: an empty list says what keys are for; a missing name is fixed and one click creates the key", async ({
  requesterPage: page,
}) => {
  await visit(page, "/settings/api-keys");
  await expect(page.getByTestId("no-api-keys")).toContainText("You have no API keys yet");
  const name = page.getByLabel("Name");
  const create = page.getByRole("button", { name: "Create key" });
  await create.click();
  const error = errorOf(name);
  await expect(error).not.toBeEmpty();
  const before = await box(create);
  await name.fill("pipeline");
  await expect(error).toBeEmpty();
  await page.getByRole("heading", { name: "API keys" }).click();
  expect(await box(create)).toEqual(before);
  await create.click();
  await expect(page.getByRole("status")).toContainText("copy it now");
  await expect(page.getByTestId("no-api-keys")).toHaveCount(0);
  await expect(page.getByRole("cell", { name: "pipeline" })).toBeVisible();
});

test("new project: the Title error clears while typing and the Create button stays where it was", async ({
  requesterPage: page,
}) => {
  await visit(page, "/projects/new");
  const title = page.getByLabel("Title");
  const create = page.getByRole("button", { name: "Create project" });
  await create.click();
  const error = errorOf(title);
  await expect(error).not.toBeEmpty();
  const before = await box(create);
  await title.fill("Forms that keep their clicks");
  await page.getByRole("heading", { name: "New project" }).click();
  await expect(error).toBeEmpty();
  expect(await box(create)).toEqual(before);
});

test("typing into the sign-up form while it loads never breaks the page (React error #345)", async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const cdp = await page.context().newCDPSession(page);
  // A slow phone, so that the keys land while the page is still hydrating.
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  for (let load = 0; load < 6; load++) {
    await page.goto("/signup", { waitUntil: "commit" });
    const email = page.locator("input[name=email]");
    await email.waitFor({ state: "attached" });
    for (let key = 0; key < 15; key++) await email.press("a");
    await page.getByLabel("Name").fill("Quick Typist");
    await expect(page.getByLabel("Name")).toHaveValue("Quick Typist");
  }
  expect(errors).toEqual([]);
  // Hydrated and working: an empty role is caught in the browser.
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByText("Choose a role")).toBeVisible();
});

test("the upload takes a dropped file, shows its first rows before sending, and sends it with one click", async ({
  requesterPage: page,
  project,
}) => {
  await visit(page, `/projects/${project.id}`);
  const upload = page.getByTestId("upload");
  await expect(upload.getByRole("button", { name: "Upload" })).toBeDisabled();
  const rows = Array.from({ length: 7 }, (_, i) =>
    JSON.stringify({
      id: `dropped-${i}`,
      prompt: `Dropped prompt ${i}`,
      response_a: `yes ${i}`,
      response_b: `no ${i}`,
    }),
  ).join("\n");
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], "dropped.jsonl", { type: "application/x-ndjson" }));
    return transfer;
  }, rows);
  await upload.getByTestId("dropzone").dispatchEvent("dragover", { dataTransfer });
  await upload.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer });

  const preview = upload.getByTestId("dataset-preview");
  await expect(preview).toContainText("The first 5 rows of dropped.jsonl");
  await expect(preview.getByRole("columnheader")).toHaveText(["id", "prompt", "response_a", "response_b"]);
  await expect(preview.getByRole("row")).toHaveCount(6);
  await expect(preview.getByRole("cell", { name: "Dropped prompt 4" })).toBeVisible();
  await expect(preview.getByRole("cell", { name: "Dropped prompt 5" })).toHaveCount(0);
  await checkAtBothSizes(page, "upload-preview");

  await upload.getByRole("button", { name: "Upload dropped.jsonl" }).click();
  await expect(upload.getByRole("status")).toContainText("Upload complete: 7 rows, 7 new items");
});
