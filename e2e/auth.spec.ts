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
  // Sign-up answers every address alike (it never says one is taken), so it signs nobody in: sign in next.
  await expect(page).toHaveURL(/\/login\?signedUp=1$/);
  await expect(page.getByRole("status")).toContainText("Sign in with your email and the password you chose");
  await signInThroughForm(page, email, PASSWORD, { reload: false });
  await expect(page).toHaveURL(role === "requester" ? /\/projects$/ : /\/work$/);
  return email;
}

async function signInThroughForm(page: Page, email: string, password: string, { reload = true } = {}) {
  if (reload) await page.goto("/login");
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

test("the form shows why a password is refused, and a taken email gets the same answer as a new one", async ({
  page,
}) => {
  const email = await signUpThroughForm(page, "labeler", "Tess Taken");
  await page.getByRole("button", { name: "Sign out" }).click();
  // The sign-out's own navigation must land before the next one starts, or the two race.
  await expect(page).toHaveURL(/\/$/);

  // The server estimates the strength (zxcvbn) and the form shows its reason under the field.
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Walt Weak");
  await page.getByLabel("Email").fill(uniqueEmail("weak"));
  await page.getByLabel("Password").fill("password1234");
  await page.getByLabel("label data and earn tokens").check();
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByText(/This password is too easy to guess/)).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);

  // The taken email: the same neutral page as for a new account, and nobody is signed in.
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("an entirely different passphrase");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/login\?signedUp=1$/);
  await expect(page.getByRole("status")).toContainText("Sign in with your email and the password you chose");
  await expect(page.getByRole("link", { name: "Sign up" })).toBeVisible();
});
