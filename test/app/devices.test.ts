import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { and, eq } from "drizzle-orm";
import { listAbuseSignals } from "../../db/queries/abuse.ts";
import { userDevices } from "../../db/schema/index.ts";
import { bootApp, call, csrfPair, formData, request, sessionCookie } from "../support/app.ts";
import { makeUser } from "../support/fixtures.ts";

let h: DbHandle;

beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

/** The labeler's home page (which records the device), with extra headers and cookies. */
async function visitWork(userId: string, options: { headers?: Record<string, string>; cookie?: string } = {}) {
  const { loader } = await import("~/routes/work+/_index.tsx");
  const session = await sessionCookie(userId);
  const cookie = options.cookie ? `${session}; ${options.cookie}` : session;
  return call(loader as never, request("/work", { cookie, headers: options.headers }));
}

/** The pw_device cookie a response issues, as `name=value`, with its attributes. */
function issuedDevice(response: Response) {
  const header = response.headers.getSetCookie().find((c) => c.startsWith("pw_device="));
  return header ? { pair: header.split(";")[0], attributes: header } : null;
}

const sharedDevice = async (userId: string) =>
  (await listAbuseSignals(h.db)).filter((s) => s.kind === "shared_device" && s.userId === userId);

describe("device signals", () => {
  it("a fingerprint header copied from another account attaches nothing to that account", async () => {
    const a = await makeUser(h.db, "labeler", "a");
    const b = await makeUser(h.db, "labeler", "b");
    const fingerprint = "aaaabbbbccccdddd0123456789abcdef";
    expect((await visitWork(a.id, { headers: { "X-Device-Fingerprint": fingerprint } })).status).toBe(200);
    // B claims A's fingerprint, by header and as a pw_device cookie the old browser script would have set.
    await visitWork(b.id, { headers: { "X-Device-Fingerprint": fingerprint } });
    await visitWork(b.id, { cookie: `pw_device=${fingerprint}` });
    expect(await sharedDevice(a.id)).toEqual([]);
    expect(await sharedDevice(b.id)).toEqual([]);
    // The header is kept, as an unverified hint on the account that sent it.
    const hints = await h.db
      .select({ fingerprint: userDevices.fingerprint })
      .from(userDevices)
      .where(and(eq(userDevices.userId, b.id), eq(userDevices.source, "hint")));
    expect(hints).toEqual([{ fingerprint }]);
  });

  it("the server issues the device cookie (httpOnly, random), and two accounts on one browser are flagged", async () => {
    const a = await makeUser(h.db, "labeler", "first");
    const c = await makeUser(h.db, "labeler", "second");
    const first = issuedDevice(await visitWork(a.id));
    expect(first).not.toBeNull();
    expect(first!.attributes).toMatch(/HttpOnly/i);
    expect(first!.attributes).toMatch(/SameSite=Lax/i);
    // Each browser gets its own identifier.
    const other = issuedDevice(await visitWork(a.id));
    expect(other!.pair).not.toBe(first!.pair);
    // The browser keeps its cookie: no new one is issued, and the second account on it is noticed.
    expect(issuedDevice(await visitWork(a.id, { cookie: first!.pair }))).toBeNull();
    await visitWork(c.id, { cookie: first!.pair });
    const [signal] = await sharedDevice(a.id);
    expect(signal?.detail).toMatchObject({ otherAccounts: [c.id] });
    expect((await sharedDevice(c.id))[0]?.detail).toMatchObject({ otherAccounts: [a.id] });
  });

  it("sign-in issues the device cookie too, beside the session", async () => {
    const { signUp } = await import("~/utils/auth.server.ts");
    const email = `device-${Date.now()}@example.test`;
    const password = "violet harbor quantum tapestry 57";
    await signUp({ name: "New", email, password, role: "labeler" });
    const { action } = await import("~/routes/_auth+/login.tsx");
    const { token, cookie } = await csrfPair();
    const body = formData({ email, password, csrf: token });
    const response = await call(action as never, request("/login", { method: "POST", cookie, body }));
    expect(response.status).toBe(302);
    expect(issuedDevice(response)?.attributes).toMatch(/HttpOnly/i);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("pw_session="))).toBe(true);
  });
});
