// Epic-Stack-style fixtures: specs ask for signed-in pages and projects instead of clicking through sign-up.
// Accounts are made with plain HTTP form posts to the app's own endpoints (/signup, /settings/api-keys, CSRF token
// and all) and projects through the JSON API (/api/v1/projects, …/items); the browser context then starts from the
// request context's cookies. The sign-up and sign-in forms themselves are exercised in e2e/auth.spec.ts only.
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type APIResponse,
  type BrowserContext,
  type Page,
} from "@playwright/test";
import postgres from "postgres";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { DEFAULT_TEST_POSTGRES_URL, E2E_DATABASE } from "../scripts/test-database.ts";
import { testWalletInitScript } from "./test-wallet/index.ts";

export { expect };

export const PASSWORD = "correct horse battery";

export type SignUpRole = "requester" | "labeler";

export interface TestUser {
  name: string;
  email: string;
  password: string;
  role: SignUpRole | "admin";
  /** Where the app sent the account after sign-up. */
  home: string;
  /** A request context holding the account's session (pw_session) and CSRF (pw_csrf) cookies. */
  request: APIRequestContext;
}

export interface ProjectSetup {
  /** A timestamp is appended, so each test gets its own title. */
  title: string;
  instructions?: string;
  labelsPerItem: number;
  rewardPerLabel: string;
  budget: string;
  /** The dataset file's contents (JSONL unless `filename` says otherwise). */
  items: string;
  filename?: string;
}

export interface UploadResult {
  uploadId: string;
  rows: number;
  inserted: number;
  duplicates: number;
  sha256: string;
}

export interface TestProject {
  id: string;
  title: string;
  owner: TestUser;
  /** The upload endpoint's answer for the dataset. */
  upload: UploadResult;
}

export interface SignedInPageOptions {
  role: SignUpRole | "admin";
  name: string;
  /** Installs the Pairwise Test Wallet holding this 32-byte hex seed in every page of the context. */
  walletSeed?: string;
}

export function uniqueEmail(name: string): string {
  const slug = name.toLowerCase().replace(/\s+/g, "-");
  return `${slug}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@e2e.test`;
}

const decodeAttribute = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Loads a form page: the response sets the pw_csrf cookie in `request`, the page carries the token in `csrf`. */
export async function csrfToken(request: APIRequestContext, path: string): Promise<string> {
  const response = await request.get(path, { maxRedirects: 0 });
  expect(response.status(), `GET ${path}`).toBe(200);
  const html = await response.text();
  const input = /<input\b[^>]*\bname="csrf"[^>]*>/.exec(html)?.[0];
  const token = input && /\bvalue="([^"]*)"/.exec(input)?.[1];
  if (!token) throw new Error(`No csrf field in the page at ${path}`);
  return decodeAttribute(token);
}

/** Posts a form the way a browser would, with the page's CSRF token; redirects are not followed. */
export async function postForm(request: APIRequestContext, path: string, fields: Record<string, string>) {
  const csrf = await csrfToken(request, path);
  return request.post(path, { form: { ...fields, csrf }, maxRedirects: 0 });
}

/**
 * Signs up through POST /signup, then signs in through POST /login, as a person would (no form UI): sign-up
 * answers every address alike and signs nobody in. The returned user's request context is signed in.
 */
export async function signUpOverHttp(
  baseURL: string,
  { role, name }: { role: SignUpRole; name: string },
): Promise<TestUser> {
  const request = await playwrightRequest.newContext({ baseURL });
  const email = uniqueEmail(name);
  const describe = async (what: string, response: APIResponse) =>
    `${what} of ${email}: ${response.status() === 200 || response.status() >= 400 ? await response.text() : ""}`;
  const signedUp = await postForm(request, "/signup", { name, email, password: PASSWORD, role });
  expect(signedUp.status(), await describe("sign-up", signedUp)).toBe(302);
  expect(signedUp.headers()["location"]).toBe("/login?signedUp=1");
  const signedIn = await postForm(request, "/login", { email, password: PASSWORD });
  const home = role === "requester" ? "/projects" : "/work";
  expect(signedIn.status(), await describe("sign-in", signedIn)).toBe(302);
  expect(signedIn.headers()["location"]).toBe(home);
  expect((await request.storageState()).cookies.map((c) => c.name)).toContain("pw_session");
  return { name, email, password: PASSWORD, role, home, request };
}

/** The E2E PostgreSQL database that the app on POSTGRES_PORT runs on (see e2e/start-on-postgres.mjs). */
export function e2eDatabase() {
  const url = new URL(process.env.TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL);
  url.pathname = `/${E2E_DATABASE}`;
  return postgres(url.toString(), { max: 1, onnotice: () => {} });
}

function requirePostgresServer(baseURL: string, what: string) {
  if (new URL(baseURL).port !== String(POSTGRES_PORT))
    throw new Error(`${what} needs the database: use test.use({ baseURL: \`http://localhost:\${POSTGRES_PORT}\` })`);
}

/** Makes an account an admin in the database (there is no sign-up for admins). PostgreSQL server only. */
export async function promoteToAdmin(baseURL: string, user: TestUser): Promise<void> {
  requirePostgresServer(baseURL, "An admin account");
  const sql = e2eDatabase();
  try {
    const updated = await sql`update users set role = 'admin' where email = ${user.email} returning id`;
    expect(updated, `promote ${user.email}`).toHaveLength(1);
  } finally {
    await sql.end();
  }
  user.role = "admin";
}

/** Creates an API key on /settings/api-keys (the form's endpoint) and returns it. */
export async function createApiKey(user: TestUser, name = "e2e"): Promise<string> {
  const response = await postForm(user.request, "/settings/api-keys", { intent: "create", name, scope: "api" });
  expect(response.status(), "create an API key").toBe(200);
  const key = /data-testid="new-api-key"[^>]*>([^<]+)</.exec(await response.text())?.[1];
  if (!key) throw new Error("The API keys page did not show the new key");
  return key;
}

/** Creates a pairwise project through POST /api/v1/projects and uploads its dataset through …/items. */
export async function createProjectWithItems(owner: TestUser, setup: ProjectSetup): Promise<TestProject> {
  const headers = { Authorization: `Bearer ${await createApiKey(owner)}` };
  const title = `${setup.title} ${Date.now()}`;
  const created = await owner.request.post("/api/v1/projects", {
    headers,
    data: {
      title,
      instructions: setup.instructions ?? "",
      taskType: "pairwise",
      labelsPerItem: setup.labelsPerItem,
      rewardPerLabel: setup.rewardPerLabel,
      budget: setup.budget,
    },
  });
  expect(created.status(), `create project: ${await created.text()}`).toBe(201);
  const { project } = (await created.json()) as { project: { id: string; title: string } };
  const filename = setup.filename ?? "items.jsonl";
  const uploaded = await owner.request.post(
    `/api/v1/projects/${project.id}/items?filename=${encodeURIComponent(filename)}`,
    {
      headers: { ...headers, "Content-Type": filename.endsWith(".csv") ? "text/csv" : "application/x-ndjson" },
      data: Buffer.from(setup.items),
    },
  );
  expect(uploaded.status(), `upload items: ${await uploaded.text()}`).toBe(201);
  const { upload } = (await uploaded.json()) as { upload: UploadResult };
  return { id: project.id, title: project.title, owner, upload };
}

/**
 * An admin (on the PostgreSQL server, where admins can be made) records on Treasury that `tokens` were paid in for
 * the project titled `title`: projects pay, and serve tasks, only from what was paid in.
 */
export async function fundOnTreasury(admin: Page, title: string, tokens: string): Promise<void> {
  await admin.goto("/admin/treasury");
  await admin.getByLabel("Project").selectOption({ label: title });
  await admin.getByLabel("Tokens").fill(tokens);
  await admin.getByLabel("Reason").fill("paid by invoice (e2e)");
  await admin.getByRole("button", { name: "Record funding" }).click();
  const shown = `${Number(tokens).toLocaleString("en-US", { maximumFractionDigits: 6 })} PWT`;
  await expect(admin.getByRole("status")).toContainText(`Recorded ${shown} of funding for ${title}`);
  await expect(admin.getByTestId("funding-ledger").getByRole("row", { name: new RegExp(title) })).toContainText(
    "paid by invoice (e2e)",
  );
}

const defaultItems = Array.from({ length: 3 }, (_, i) =>
  JSON.stringify({ id: `f${i}`, prompt: `Fixture question ${i}`, response_a: `A${i}`, response_b: `B${i}` }),
).join("\n");

interface Fixtures {
  /** Signs up a fresh account over HTTP and opens a page, in a browser context of its own, on the account's home page. */
  signedInPage: (options: SignedInPageOptions) => Promise<Page>;
  /** A requester account, signed up over HTTP (its `request` holds the session). */
  requester: TestUser;
  /** The requester's page, signed in, on /projects. */
  requesterPage: Page;
  /** Options for `labelerPage`. */
  labelerName: string;
  labelerWalletSeed: string | undefined;
  /** A labeler's page, signed in, on /work. */
  labelerPage: Page;
  /** Options for `project`. */
  projectSetup: ProjectSetup;
  /** A project owned by `requester`, made through the JSON API, with `projectSetup.items` uploaded. */
  project: TestProject;
  /** A client for the E2E PostgreSQL database (only for specs on the PostgreSQL server); closed after the test. */
  sql: postgres.Sql;
}

async function openSignedIn(
  newContext: () => Promise<BrowserContext>,
  baseURL: string,
  options: SignedInPageOptions,
  contexts: BrowserContext[],
  users: TestUser[],
): Promise<Page> {
  const user = await signUpOverHttp(baseURL, {
    role: options.role === "admin" ? "requester" : options.role,
    name: options.name,
  });
  users.push(user);
  if (options.role === "admin") await promoteToAdmin(baseURL, user);
  const context = await newContext();
  contexts.push(context);
  await context.addCookies((await user.request.storageState()).cookies);
  if (options.walletSeed) await context.addInitScript(await testWalletInitScript(options.walletSeed));
  const page = await context.newPage();
  await page.goto(user.home);
  await expect(page).toHaveURL(new RegExp(`${user.home}$`));
  return page;
}

export const test = base.extend<Fixtures>({
  signedInPage: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    const users: TestUser[] = [];
    await use((options) => openSignedIn(() => browser.newContext(), baseURL!, options, contexts, users));
    for (const context of contexts) await context.close();
    for (const user of users) await user.request.dispose();
  },

  requester: async ({ baseURL }, use) => {
    const user = await signUpOverHttp(baseURL!, { role: "requester", name: "Rita Requester" });
    await use(user);
    await user.request.dispose();
  },

  requesterPage: async ({ page, requester }, use) => {
    await page.context().addCookies((await requester.request.storageState()).cookies);
    await page.goto(requester.home);
    await expect(page).toHaveURL(/\/projects$/);
    await use(page);
  },

  labelerName: ["Lara Labeler", { option: true }],
  labelerWalletSeed: [undefined, { option: true }],
  labelerPage: async ({ signedInPage, labelerName, labelerWalletSeed }, use) => {
    const page = await signedInPage({ role: "labeler", name: labelerName, walletSeed: labelerWalletSeed });
    await expect(page).toHaveURL(/\/work$/);
    await use(page);
  },

  projectSetup: [
    { title: "Fixture project", labelsPerItem: 1, rewardPerLabel: "1000", budget: "1000000", items: defaultItems },
    { option: true },
  ],
  project: async ({ requester, projectSetup }, use) => {
    await use(await createProjectWithItems(requester, projectSetup));
  },

  sql: async ({ baseURL }, use) => {
    requirePostgresServer(baseURL!, "The sql fixture");
    const sql = e2eDatabase();
    await use(sql);
    await sql.end();
  },
});
