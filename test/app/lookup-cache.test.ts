import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// This file keeps the API's key cache on (test/support/app.ts turns it off for the other tests).
vi.hoisted(() => {
  process.env.LOOKUP_CACHE_SECONDS = "5";
});

import type { DbHandle } from "../../db/client.ts";
import { createApiKey, findUserByApiKey, listApiKeys, revokeApiKey } from "../../db/queries/identity.ts";
import { cachedLookup } from "~/utils/lookup-cache.server.ts";
import { apiRequest, bootApp, call, csrfFormPost, sessionCookie } from "../support/app.ts";
import { makeUser } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

function manualClock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("a look-up reused within a bound", () => {
  it("reads once within the bound, again after it, and never keeps a miss", async () => {
    const clock = manualClock();
    const load = vi.fn(async (key: string) => (key === "known" ? { key } : null));
    const cache = cachedLookup(load, { ttlMs: 5_000, perf: clock });
    const [a, b] = await Promise.all([cache.get("known"), cache.get("known")]);
    expect(a).toEqual({ key: "known" });
    expect(b).toBe(a);
    expect(load).toHaveBeenCalledTimes(1);
    clock.advance(4_999);
    await cache.get("known");
    expect(load).toHaveBeenCalledTimes(1);
    clock.advance(2);
    await cache.get("known");
    expect(load).toHaveBeenCalledTimes(2);

    expect(await cache.get("unknown")).toBeNull();
    expect(await cache.get("unknown")).toBeNull();
    expect(load).toHaveBeenCalledTimes(4);
  });

  it("stops accepting a key revoked by another process once the bound has passed", async () => {
    const clock = manualClock();
    const labeler = await makeUser(h.db, "labeler");
    const key = await createApiKey(h.db, { userId: labeler.id, name: "revoked elsewhere" });
    const owners = cachedLookup((k) => findUserByApiKey(h.db, k), { ttlMs: 5_000, perf: clock });
    expect((await owners.get(key))?.id).toBe(labeler.id);

    const [{ id: keyId }] = await listApiKeys(h.db, labeler.id);
    expect(await revokeApiKey(h.db, { userId: labeler.id, keyId })).toBe(true);
    clock.advance(4_000);
    expect((await owners.get(key))?.id).toBe(labeler.id);
    clock.advance(1_001);
    expect(await owners.get(key)).toBeNull();
  });

  it("refuses a key at once in the process that revoked it", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const key = await createApiKey(h.db, { userId: labeler.id, name: "revoked here" });
    const { loader } = await import("~/routes/api.v1+/credits.ts");
    expect((await call(loader as never, apiRequest("/api/v1/credits", key))).status).toBe(200);

    // Revoked in the database only, as another process would: this process still has the account cached.
    const [{ id: keyId }] = await listApiKeys(h.db, labeler.id);
    await revokeApiKey(h.db, { userId: labeler.id, keyId });
    expect((await call(loader as never, apiRequest("/api/v1/credits", key))).status).toBe(200);

    // Revoking (again) from the settings page here drops the cache: the next call is refused.
    const other = await createApiKey(h.db, { userId: labeler.id, name: "second" });
    const keys = await listApiKeys(h.db, labeler.id);
    const { action } = await import("~/routes/_account+/settings.api-keys.tsx");
    const session = await sessionCookie(labeler.id);
    const otherId = keys.find((k) => k.revokedAt === null)!.id;
    const revoked = await call(
      action as never,
      await csrfFormPost("/settings/api-keys", session, { intent: "revoke", keyId: otherId }),
    );
    expect(revoked.status).toBe(200);
    const refused = await call(loader as never, apiRequest("/api/v1/credits", key));
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe("unauthorized");
    expect((await call(loader as never, apiRequest("/api/v1/credits", other))).status).toBe(401);
  });
});
