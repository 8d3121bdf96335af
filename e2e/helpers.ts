import { expect, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery";

export async function signUp(page: Page, role: "requester" | "labeler", name: string) {
  const email = `${name.toLowerCase().replace(/\s+/g, "-")}-${Date.now()}@e2e.test`;
  await page.goto("/signup");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel(role === "requester" ? "request labels" : "label data and earn tokens").check();
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(role === "requester" ? /\/projects$/ : /\/work$/);
  return email;
}
