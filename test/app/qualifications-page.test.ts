import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { setProjectRequirements } from "../../db/queries/qualifications.ts";
import { assignments, labels } from "../../db/schema/index.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { makeQualificationTest, rightAnswer } from "../support/qualifications.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

describe("a labeler taking a qualification test in the app", () => {
  it("sees the test on the project list, is refused tasks, fails, sees what was wrong, passes and is admitted", async () => {
    const list = await import("~/routes/work+/_index.tsx");
    const page = await import("~/routes/work+/tests.$testId.tsx");
    const labeling = await import("~/routes/work+/$projectId.tsx");
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { title: "Needs a test" });
    await uploadPairs(h.db, project, 2);
    const test = await makeQualificationTest(h.db, owner.id, { items: 2, passMark: 1, retryAfterHours: 0 });
    await setProjectRequirements(h.db, { projectId: project.id, testIds: [test.id], minPriorQuality: null });
    const labeler = await makeUser(h.db, "labeler");
    const session = await sessionCookie(labeler.id);

    const offers = await (await call(list.loader as never, request("/work", { cookie: session }))).json();
    const offer = offers.projects.find((p: { id: string }) => p.id === project.id);
    expect(offer.standing).toEqual({ kind: "needs_test", tests: [{ id: test.id, title: test.title }] });
    expect(offer.tests).toEqual([{ id: test.id, title: test.title, held: false }]);

    const blocked = await (
      await call(labeling.action as never, await csrfFormPost(`/work/${project.id}`, session, { intent: "next" }), {
        projectId: project.id,
      })
    ).json();
    expect(blocked.blocked).toContain(`"${test.title}"`);
    // The labeling page links to the test that admits the labeler.
    expect(blocked.blockedTests).toEqual([{ id: test.id, title: test.title }]);
    expect(await h.db.select().from(assignments).where(eq(assignments.labelerId, labeler.id))).toEqual([]);

    const url = `/work/tests/${test.id}?project=${project.id}`;
    const params = { testId: test.id };
    const read = async () => (await call(page.loader as never, request(url, { cookie: session }), params)).json();
    const post = async (fields: Record<string, string>) =>
      call(page.action as never, await csrfFormPost(url, session, fields), params);

    expect(await read()).toMatchObject({
      eligibility: { kind: "may_start", attemptsLeft: 2 },
      current: null,
      result: null,
    });
    const started = await post({ intent: "start" });
    expect(started.status).toBe(302);
    expect(started.headers.get("Location")).toBe(url);

    // First attempt: item 1 right, item 2 skipped.
    let shown = await read();
    expect(shown.current.number).toBe(1);
    expect(JSON.stringify(shown.current)).not.toMatch(/answers|explanation/);
    const first = shown.current.item.assignmentId;
    expect(
      (await post({ intent: "answer", assignmentId: String(first), answers: JSON.stringify(rightAnswer(1)) })).status,
    ).toBe(200);
    shown = await read();
    expect(shown.current.number).toBe(2);
    await post({ intent: "skip", assignmentId: String(shown.current.item.assignmentId) });
    shown = await read();
    expect(shown.current).toBeNull();
    expect(shown.result).toMatchObject({ correct: 1, total: 2, passed: false, answersShown: true });
    expect(shown.result.wrong).toEqual([
      {
        itemId: expect.any(Number),
        position: 2,
        yourAnswer: { "Which reply is better?": "no answer" },
        knownAnswer: { "Which reply is better?": "B is better" },
        explanation: "Reply B answers question 2.",
      },
    ]);
    expect(shown.eligibility).toEqual({ kind: "may_start", attemptsLeft: 1 });

    // A bad answer is refused with a message, not a 500.
    await post({ intent: "start" });
    shown = await read();
    const bad = await post({ intent: "answer", assignmentId: String(shown.current.item.assignmentId), answers: "{}" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('"Which reply is better?" is required');

    // Second attempt: both right.
    for (const position of [1, 2]) {
      shown = await read();
      expect(shown.current.number).toBe(position);
      const answers = JSON.stringify(position === 1 ? rightAnswer(1) : rightAnswer(2));
      await post({ intent: "answer", assignmentId: String(shown.current.item.assignmentId), answers });
    }
    shown = await read();
    expect(shown.result).toMatchObject({ correct: 2, total: 2, passed: true, wrong: [] });
    expect(shown.eligibility).toEqual({ kind: "passed", expiresAt: null });

    const after = await (await call(list.loader as never, request("/work", { cookie: session }))).json();
    expect(after.projects.find((p: { id: string }) => p.id === project.id).standing).toEqual({ kind: "start" });
    const leased = await (
      await call(labeling.action as never, await csrfFormPost(`/work/${project.id}`, session, { intent: "next" }), {
        projectId: project.id,
      })
    ).json();
    expect(leased.blocked).toBeNull();
    expect(await h.db.select().from(assignments).where(eq(assignments.labelerId, labeler.id))).toHaveLength(1);
    expect(await h.db.select().from(labels).where(eq(labels.labelerId, labeler.id))).toEqual([]);
  });

  it("answers 404 for a test that does not exist", async () => {
    const page = await import("~/routes/work+/tests.$testId.tsx");
    const session = await sessionCookie((await makeUser(h.db, "labeler")).id);
    const missing = "7d6c1a52-6a5e-4f35-8b9b-2f3c1f0d9e11";
    const response = await call(page.loader as never, request(`/work/tests/${missing}`, { cookie: session }), {
      testId: missing,
    });
    expect(response.status).toBe(404);
  });
});
