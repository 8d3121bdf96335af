// Sign-up refuses guessable passwords (zxcvbn score below 3) with the estimator's reason, and answers an email that
// already has an account exactly as it answers a new one, in about the same time, so it tells nobody who is a user.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { users } from "../../db/schema/index.ts";
import { bootApp, call, csrfPair, formData, request } from "../support/app.ts";

let h: DbHandle;
let counter = 0;

beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

const freshEmail = () => `signup-${++counter}-${Date.now()}@example.test`;

async function signUp(fields: { name?: string; email: string; password: string }) {
  const { action } = await import("~/routes/_auth+/signup.tsx");
  const { token, cookie } = await csrfPair();
  const body = formData({ name: "Sign Up", role: "labeler", ...fields, csrf: token });
  const address = `198.51.100.${counter % 250}`;
  return call(action as never, request("/signup", { method: "POST", cookie, body }), {}, { clientAddress: address });
}

async function signIn(email: string, password: string) {
  const { action } = await import("~/routes/_auth+/login.tsx");
  const { token, cookie } = await csrfPair();
  const body = formData({ email, password, csrf: token });
  return call(action as never, request("/login", { method: "POST", cookie, body }), {}, { clientAddress: "192.0.2.1" });
}

const accounts = async (email: string) => h.db.select().from(users).where(eq(users.email, email));

describe("sign-up passwords", () => {
  it.each([
    ["a common password with digits", "password1234"],
    ["a keyboard walk", "qwertyuiop12"],
    ["a common phrase and a year", "iloveyou2024"],
    ["predictable substitutions", "P@ssw0rd2024!"],
    ["a repeated word", "hunter2hunter2"],
    ["the user's own name (fine for anyone else)", "zebulonquixote"],
  ])("refuses %s with the estimator's reason, and creates no account", async (_name, password) => {
    const email = freshEmail();
    const response = await signUp({ name: "Zebulon Quixote", email, password });
    expect(response.status).toBe(400);
    const reply = (await response.json()) as { error?: Record<string, string[] | null> };
    expect(reply.error?.password?.join(" ")).toMatch(/easy to guess/);
    expect(await accounts(email)).toEqual([]);
  });

  it("accepts a long passphrase", async () => {
    const email = freshEmail();
    expect((await signUp({ email, password: "correct horse battery" })).status).toBe(302);
    expect(await accounts(email)).toHaveLength(1);
    expect((await signIn(email, "correct horse battery")).status).toBe(302);
  });
});

describe("sign-up does not reveal whether an email has an account", () => {
  /** What a client can observe of a response: status, where it leads, the cookies it sets, its body. */
  async function observable(response: Response) {
    return {
      status: response.status,
      location: response.headers.get("Location"),
      cookies: response.headers.getSetCookie().map((c) => c.split("=")[0]),
      body: await response.text(),
    };
  }

  it("answers a taken email exactly like a free one, and the account keeps its password", async () => {
    const email = freshEmail();
    const first = await observable(await signUp({ email, password: "first secret phrase here" }));
    const again = await observable(await signUp({ email, password: "another long passphrase" }));
    const other = await observable(await signUp({ email: freshEmail(), password: "another long passphrase" }));
    expect(first).toEqual(other);
    expect(again).toEqual(other);
    expect(again.location).toBe("/login?signedUp=1");
    expect(again.cookies).toEqual([]);
    expect(await accounts(email)).toHaveLength(1);
    expect((await signIn(email, "first secret phrase here")).status).toBe(302);
    expect((await signIn(email, "another long passphrase")).status).toBe(400);
  });
});

describe("sign-up role", () => {
  it("is never chosen for the person: a sign-up without one is refused and creates no account", async () => {
    const { action } = await import("~/routes/_auth+/signup.tsx");
    const { token, cookie } = await csrfPair();
    const email = freshEmail();
    const body = formData({ name: "No Role", email, password: "correct horse battery", csrf: token });
    const response = await call(action as never, request("/signup", { method: "POST", cookie, body }), {}, {});
    expect(response.status).toBe(400);
    const reply = (await response.json()) as { error?: Record<string, string[] | null> };
    expect(reply.error?.role).toEqual(["Choose a role"]);
    expect(await accounts(email)).toEqual([]);
  });

  it("is created as the role the person picked", async () => {
    const email = freshEmail();
    const { action } = await import("~/routes/_auth+/signup.tsx");
    const { token, cookie } = await csrfPair();
    const body = formData({ name: "Req", email, password: "correct horse battery", role: "requester", csrf: token });
    expect((await call(action as never, request("/signup", { method: "POST", cookie, body }), {}, {})).status).toBe(
      302,
    );
    expect((await accounts(email)).map((u) => u.role)).toEqual(["requester"]);
  });
});
