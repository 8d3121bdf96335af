// The Playground without credits: the judge is off, with the reason and the way this kind of account gets credits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { grantCredits } from "../../db/queries/credits.ts";
import { bootApp, call, request, sessionCookie } from "../support/app.ts";
import { makeUser } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

async function playground(userId: string) {
  const { loader } = await import("~/routes/_account+/playground.tsx");
  const response = await call(loader as never, request("/playground", { cookie: await sessionCookie(userId) }));
  expect(response.status).toBe(200);
  return response.json();
}

describe("the Playground's credits", () => {
  it("turns the judge off below a judgement's cost and says how each kind of account gets credits", async () => {
    for (const role of ["labeler", "requester", "admin"] as const) {
      const user = await makeUser(h.db, role);
      expect(await playground(user.id)).toMatchObject({
        credits: "0",
        judgeCost: "2",
        canJudge: false,
        howToGetCredits: { role, creditsPerToken: 100, symbol: "PWT" },
      });
    }
  });

  it("turns it on once the account holds a judgement's worth", async () => {
    const labeler = await makeUser(h.db, "labeler");
    await grantCredits(h.db, { userId: labeler.id, credits: 1n, ref: "test:one" });
    expect(await playground(labeler.id)).toMatchObject({ credits: "1", canJudge: false });
    await grantCredits(h.db, { userId: labeler.id, credits: 1n, ref: "test:two" });
    expect(await playground(labeler.id)).toMatchObject({ credits: "2", canJudge: true });
  });
});
