// The one spec that goes through the sign-up and sign-in forms in the browser; every other spec gets its accounts
// from the fixtures in e2e/fixtures.ts, which post to the same endpoints over HTTP.
import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, uniqueEmail } from "./fixtures.ts";

async function signUpThroughForm(page: Page, role: "requester" | "labeler", name: string) {
  const email = uniqueEmail(name);
  await page.goto("/signup");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel(role === "requester" ? "request labels" : "label data and earn tokens").check();
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(role === "requester" ? /\/projects$/ : /\/work$/);
  return email;
}

async function signInThroughForm(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a requester signs up, signs out, and signs back in through the forms", async ({ page }) => {
  const email = await signUpThroughForm(page, "requester", "Sam Signup");
  await expect(page.getByText("Sam Signup · requester")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "Create an account" })).toBeVisible();

  await signInThroughForm(page, email, "not the password");
  await expect(page.getByRole("alert")).toContainText("Wrong email or password");
  await expect(page).toHaveURL(/\/login$/);

  await signInThroughForm(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByText("Sam Signup · requester")).toBeVisible();
});

test("a labeler signs up through the form and lands on the work queue", async ({ page }) => {
  await signUpThroughForm(page, "labeler", "Liv Signup");
  await expect(page.getByText("Liv Signup · labeler")).toBeVisible();
});
