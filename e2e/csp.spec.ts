// The production build works under its Content-Security-Policy: pages hydrate (client navigation, form validation,
// live charts) and the browser reports no violation on any page of the three roles.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.ts";

/** Records CSP violations the page reports, as events and as console messages. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text()))
      violations.push(`console: ${message.text()}`);
  });
  await page.exposeFunction("__reportCspViolation", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return violations;
}

/** Opens `path`, waits for hydration (Remix's router is there) and checks the policy carries a nonce. */
async function visit(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+'/);
  await page.waitForFunction(() => "__remixRouter" in window);
}

test("anonymous pages hydrate under the policy without violations", async ({ page }) => {
  const violations = await watchViolations(page);
  await visit(page, "/");
  await visit(page, "/login");
  // Client-side navigation needs the hydrated app.
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/signup$/);
  // Conform validates in the browser: the bad email is refused without a request to the server.
  const posts: string[] = [];
  page.on("request", (r) => void (r.method() === "POST" && posts.push(r.url())));
  await page.getByLabel("Name").fill("Csp Check");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  expect(posts).toEqual([]);
  await visit(page, "/transparency");
  expect(violations).toEqual([]);
});

test("a requester's and a labeler's pages hydrate under the policy without violations", async ({
  requesterPage,
  project,
  labelerPage,
}) => {
  for (const [page, paths] of [
    [
      requesterPage,
      ["/projects", "/projects/new", `/projects/${project.id}`, "/settings/api-keys", "/wallet", "/playground"],
    ],
    [labelerPage, ["/work", "/work/quality", `/work/${project.id}`, "/wallet"]],
  ] as const) {
    const violations = await watchViolations(page);
    for (const path of paths) await visit(page, path);
    expect(violations).toEqual([]);
  }
  // Client-side navigation from a signed-in page.
  await labelerPage.getByRole("navigation").getByRole("link", { name: "My quality" }).click();
  await expect(labelerPage).toHaveURL(/\/work\/quality$/);
});
