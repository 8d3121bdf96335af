import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { assignments } from "../../db/schema/index.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

describe("the labeling page", () => {
  it("leases nothing when it is only read (an image or a prefetch of its URL takes no item); a POST leases", async () => {
    const page = await import("~/routes/work+/$projectId.tsx");
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    await uploadPairs(h.db, project, 3);
    const labeler = await makeUser(h.db, "labeler");
    const session = await sessionCookie(labeler.id);
    const params = { projectId: project.id };
    const leases = async () =>
      (await h.db.select().from(assignments).where(eq(assignments.labelerId, labeler.id))).length;

    const read = await (
      await call(page.loader as never, request(`/work/${project.id}`, { cookie: session }), params)
    ).json();
    expect(read.task).toBeNull();
    expect(await leases()).toBe(0);

    const leased = await call(
      page.action as never,
      await csrfFormPost(`/work/${project.id}`, session, { intent: "next" }),
      params,
    );
    expect(await leased.json()).toMatchObject({ error: null, blocked: null, exhausted: false });
    expect(await leases()).toBe(1);
    const shown = await (
      await call(page.loader as never, request(`/work/${project.id}`, { cookie: session }), params)
    ).json();
    expect(shown.task.assignmentId).toEqual(expect.any(Number));
    // Reading again shows the same lease and takes no other.
    await call(page.loader as never, request(`/work/${project.id}`, { cookie: session }), params);
    expect(await leases()).toBe(1);
  });
});
