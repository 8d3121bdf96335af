import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { setUserPaused } from "../../db/queries/identity.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import { answerAppeals, assignments, items, labels, questionsSchema } from "../../db/schema/index.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { remixHandler } from "../support/remix-handler.ts";

const FORM = questionsSchema.parse([
  { type: "ranking", name: "ranking", title: "Rank them" },
  { type: "rating", name: "helpfulness", title: "Helpful?", min: 1, max: 5, per: "response" },
  { type: "text", name: "rewrite", title: "Improve the best", prefill: "best" },
  { type: "label", name: "topic", title: "Topic", categories: ["code", "prose"], required: false },
]);
const RESPONSES = ["first response", "second response", "third response"];

/** A labeler on a form project with one item of three responses, holding its lease; the page's loader and action. */
async function formTask() {
  const page = await import("~/routes/work+/$projectId.tsx");
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { taskType: "form", questions: FORM });
  await h.db.insert(items).values({
    projectId: project.id,
    externalId: "form-1",
    content: { kind: "form", prompt: "Say hello", responses: RESPONSES.map((text) => ({ text, model: "m" })) },
    labelsWanted: 3,
  });
  const labeler = await makeUser(h.db, "labeler");
  const session = await sessionCookie(labeler.id);
  const params = { projectId: project.id };
  const post = async (fields: Record<string, string>) =>
    call(page.action as never, await csrfFormPost(`/work/${project.id}`, session, fields), params);
  await post({ intent: "next" });
  const shown = await (
    await call(page.loader as never, request(`/work/${project.id}`, { cookie: session }), params)
  ).json();
  const [assignment] = await h.db.select().from(assignments).where(eq(assignments.labelerId, labeler.id));
  return { task: shown.task, order: assignment.responseOrder!, post };
}

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

  it("shows a form item with the project's questions and its responses in this assignment's screen order", async () => {
    const { task, order } = await formTask();
    expect(task).toMatchObject({ kind: "form", prompt: "Say hello", questions: FORM });
    expect(task.responses).toEqual(order.map((index, at) => ({ slot: "ABC"[at], text: RESPONSES[index] })));
    expect(JSON.stringify(task)).not.toContain('"model"');
  });

  it("stores a form answer posted in screen terms in the item's own response order", async () => {
    const { task, order, post } = await formTask();
    // The labeler ranks the screen's C best, then A and B tied, and rates each response by its slot.
    const answers = {
      ranking: ["C", ["A", "B"]],
      helpfulness: { A: 2, B: 3, C: 5 },
      rewrite: `${task.responses[2].text}, improved`,
    };
    const sent = await post({
      intent: "answer",
      assignmentId: String(task.assignmentId),
      answers: JSON.stringify(answers),
    });
    expect(await sent.json()).toMatchObject({ error: null });
    const [label] = await h.db.select().from(labels).where(eq(labels.assignmentId, task.assignmentId));
    const itemIndex = (slot: string) => order["ABC".indexOf(slot)];
    const ratings = [0, 1, 2].map((i) => ({ A: 2, B: 3, C: 5 })["ABC"[order.indexOf(i)] as "A" | "B" | "C"]);
    expect(label.value).toBe("form");
    expect(label.answers).toEqual({
      ranking: [[itemIndex("C")], [itemIndex("A"), itemIndex("B")].sort()],
      helpfulness: ratings,
      rewrite: `${RESPONSES[itemIndex("C")]}, improved`,
    });
  });

  it("gives a form answer back to the form on undo, as it was on screen, and keeps the item's lease", async () => {
    const { task, post } = await formTask();
    const answers = { ranking: [["B"], ["A"], ["C"]], helpfulness: { A: 1, B: 4, C: 2 }, rewrite: "hello there" };
    await post({ intent: "answer", assignmentId: String(task.assignmentId), answers: JSON.stringify(answers) });
    const undone = await post({ intent: "undo", assignmentId: String(task.assignmentId) });
    expect(await undone.json()).toMatchObject({
      error: null,
      restored: { kind: "form", assignmentId: task.assignmentId, answers },
    });
    expect(await h.db.select().from(labels).where(eq(labels.assignmentId, task.assignmentId))).toEqual([]);
    const again = await post({ intent: "undo", assignmentId: String(task.assignmentId) });
    expect(again.status).toBe(409);
  });

  it("refuses a form answer that leaves a required question out, naming it, and stores nothing", async () => {
    const { task, post } = await formTask();
    const sent = await post({
      intent: "answer",
      assignmentId: String(task.assignmentId),
      answers: JSON.stringify({ ranking: ["A", "B", "C"], rewrite: "x" }),
    });
    expect(sent.status).toBe(400);
    expect((await sent.json()).error).toMatch(/helpfulness.*"Helpful\?" is required/);
    expect(await h.db.select().from(labels).where(eq(labels.assignmentId, task.assignmentId))).toEqual([]);
  });
});

/** A labeler holding the lease on the first of `n` pairs; the page's loader and action as they see them. */
async function pairTask(n = 2, overrides: Parameters<typeof makeProject>[2] = {}) {
  const page = await import("~/routes/work+/$projectId.tsx");
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: 1, ...overrides });
  await uploadPairs(h.db, project, n);
  const labeler = await makeUser(h.db, "labeler");
  const session = await sessionCookie(labeler.id);
  const params = { projectId: project.id };
  const post = async (fields: Record<string, string>) =>
    call(page.action as never, await csrfFormPost(`/work/${project.id}`, session, fields), params);
  const load = async () =>
    (await call(page.loader as never, request(`/work/${project.id}`, { cookie: session }), params)).json();
  await post({ intent: "next" });
  return { project, labeler, post, load };
}

describe("undo on the labeling page", () => {
  it("takes the last answer back: the item is shown again with the answer picked as it was on screen", async () => {
    const { post, load } = await pairTask();
    const first = await load();
    expect(first.undoable).toBeNull();
    const answered = await post({
      intent: "answer",
      assignmentId: String(first.task.assignmentId),
      choice: "right",
      strength: "3",
      rationale: "B is exact",
    });
    expect(await answered.json()).toMatchObject({ error: null, feedback: { intent: "answer" } });
    const next = await load();
    expect(next.task.assignmentId).not.toBe(first.task.assignmentId);
    expect(next.counts.projectTotal).toBe(1);
    expect(next.undoable).toEqual({ assignmentId: first.task.assignmentId });

    const undone = await post({ intent: "undo", assignmentId: String(first.task.assignmentId) });
    // Stored in the item's own terms (a/b), given back in the screen's: the side the labeler picked.
    expect(await undone.json()).toMatchObject({
      error: null,
      feedback: { intent: "undo" },
      restored: { assignmentId: first.task.assignmentId, choice: "right", strength: 3, rationale: "B is exact" },
    });
    const again = await load();
    expect(again.task).toEqual(first.task);
    expect(again.counts.projectTotal).toBe(0);
    expect(again.undoable).toBeNull();
  });

  it("says why when it is too late, and keeps the answer", async () => {
    const { post, load } = await pairTask();
    const { task } = await load();
    await post({ intent: "answer", assignmentId: String(task.assignmentId), choice: "left" });
    await h.db
      .update(assignments)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(assignments.id, task.assignmentId));
    expect((await load()).undoable).toBeNull();
    const refused = await post({ intent: "undo", assignmentId: String(task.assignmentId) });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/Too late to undo/);
    expect(await h.db.select().from(labels).where(eq(labels.assignmentId, task.assignmentId))).toHaveLength(1);
  });

  it("confirms a skip and a flag with what was done", async () => {
    const { post, load } = await pairTask(2);
    const skipped = await post({ intent: "skip", assignmentId: String((await load()).task.assignmentId) });
    expect(await skipped.json()).toMatchObject({ feedback: { intent: "skip" } });
    const flagged = await post({
      intent: "flag",
      assignmentId: String((await load()).task.assignmentId),
      reason: "harmful",
    });
    expect(await flagged.json()).toMatchObject({ feedback: { intent: "flag", reason: "harmful" }, exhausted: true });
  });
});

describe("the project list", () => {
  async function list(labelerId: string, query = "") {
    const { loader } = await import("~/routes/work+/_index.tsx");
    return (await call(loader as never, request(`/work${query}`, { cookie: await sessionCookie(labelerId) }))).json();
  }

  it("names each project's requester and sorts by pay per hour or by items left, newest first otherwise", async () => {
    const owner = await makeUser(h.db, "requester", "Rhea");
    const other = await makeUser(h.db, "labeler");
    const labeler = await makeUser(h.db, "labeler");
    // Three new projects: many cheap items, few well-paid ones, and one nobody has timed yet.
    const cheap = await makeProject(h.db, owner.id, { rewardPerLabel: 1_000n, labelsPerItem: 1 });
    await uploadPairs(h.db, cheap, 6);
    const dear = await makeProject(h.db, owner.id, { rewardPerLabel: 9_000n, labelsPerItem: 1 });
    await uploadPairs(h.db, dear, 3);
    const untimed = await makeProject(h.db, owner.id, { rewardPerLabel: 5_000n, labelsPerItem: 1 });
    await uploadPairs(h.db, untimed, 1);
    for (const project of [cheap, dear]) {
      const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: other.id }))!;
      await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: other.id, answer: { value: "a" } });
    }
    const mine = new Set([cheap.id, dear.id, untimed.id]);
    const order = async (query: string) =>
      (await list(labeler.id, query)).projects
        .filter((p: { id: string }) => mine.has(p.id))
        .map((p: { id: string }) => p.id);
    expect(await order("")).toEqual([untimed.id, dear.id, cheap.id]);
    expect(await order("?sort=pay")).toEqual([dear.id, cheap.id, untimed.id]);
    expect(await order("?sort=left")).toEqual([cheap.id, dear.id, untimed.id]);
    expect(await order("?sort=bogus")).toEqual([untimed.id, dear.id, cheap.id]);
    const page = await list(labeler.id, "?sort=pay");
    expect(page.sort).toBe("pay");
    expect(page.projects.find((p: { id: string }) => p.id === dear.id).requester).toBe(owner.name);
  });

  it("tells what a project is, how long an item takes and what it pays, in tokens, before starting", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, {
      title: "Sums",
      instructions: "# Sums\n\nPick the **correct** sum; see [the guide](https://example.com).\n\nMore detail.",
      rewardPerLabel: 2_500n,
    });
    await uploadPairs(h.db, project, 3);
    const labeler = await makeUser(h.db, "labeler");
    const before = (await list(labeler.id)).projects.find((p: { id: string }) => p.id === project.id);
    expect(before).toMatchObject({
      summary: "Pick the correct sum; see the guide.",
      payPerItem: "0.0025 PWT",
      timePerItem: null,
      payPerHour: null,
      standing: { kind: "start" },
    });

    const other = await makeUser(h.db, "labeler");
    for (const ms of [20_000, 30_000, 90_000]) {
      const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: other.id }))!;
      await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: other.id, answer: { value: "a" } });
      await h.db.update(labels).set({ timeSpentMs: ms }).where(eq(labels.assignmentId, task.assignmentId));
    }
    const after = (await list(labeler.id)).projects.find((p: { id: string }) => p.id === project.id);
    // The median of 20, 30 and 90 s; 2,500 base units × 120 items an hour.
    expect(after).toMatchObject({ timePerItem: "30 s", payPerHour: "0.3 PWT" });
  });

  it("says which projects have no funds left for another answer, and offers Start on the funded ones", async () => {
    const owner = await makeUser(h.db, "requester");
    const unfunded = await makeProject(h.db, owner.id, { funded: 0n });
    await uploadPairs(h.db, unfunded, 2);
    const funded = await makeProject(h.db, owner.id);
    await uploadPairs(h.db, funded, 2);
    const labeler = await makeUser(h.db, "labeler");
    const { projects } = await list(labeler.id);
    const standing = (id: string) => projects.find((p: { id: string }) => p.id === id).standing;
    expect(standing(unfunded.id)).toMatchObject({ kind: "out_of_funds" });
    expect(standing(funded.id)).toEqual({ kind: "start" });
  });

  it("shows each requester's approval rate, time to approval and appeal outcomes, and the project's approval delay", async () => {
    const owner = await makeUser(h.db, "requester", "Rita");
    const worker = await makeUser(h.db, "labeler");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1, approvalDelayHours: 48 });
    await uploadPairs(h.db, project, 9);
    for (let i = 0; i < 6; i++) {
      const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: worker.id }))!;
      await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: worker.id, answer: { value: "a" } });
    }
    const ids = (
      await h.db.select({ id: labels.id }).from(labels).where(eq(labels.projectId, project.id)).orderBy(labels.id)
    ).map((r) => r.id);
    // Answered 10 days ago; approved by a person after 1, 2 and 3 hours; one approved by the 48-hour delay; one
    // rejected (appeal upheld); one rejected and then approved on appeal 50 hours after the answer.
    const set = (id: number, status: string, afterHours: number | null) =>
      h.db.execute(sql`update labels set created_at = now() - interval '10 days', review_status = ${status},
        reviewed_at = ${afterHours === null ? null : sql`now() - interval '10 days' + make_interval(hours => ${afterHours})`}
        where id = ${id}`);
    await set(ids[0], "approved", 1);
    await set(ids[1], "approved", 2);
    await set(ids[2], "approved", 3);
    await set(ids[3], "pending", null);
    await set(ids[4], "rejected", 1);
    await set(ids[5], "approved", 50);
    await h.db.insert(answerAppeals).values([
      {
        labelId: ids[4],
        labelerId: worker.id,
        projectId: project.id,
        message: "m",
        decision: "upheld",
        decidedAt: new Date(),
      },
      {
        labelId: ids[5],
        labelerId: worker.id,
        projectId: project.id,
        message: "m",
        decision: "overturned",
        decidedAt: new Date(),
      },
    ]);
    const fresh = await makeUser(h.db, "requester", "Nova");
    const untried = await makeProject(h.db, fresh.id, { approvalDelayHours: 0 });
    await uploadPairs(h.db, untried, 1);

    const labeler = await makeUser(h.db, "labeler");
    const page = await list(labeler.id);
    const row = (id: string) => page.projects.find((p: { id: string }) => p.id === id);
    // 5 of 6 decided answers approved; (1 + 2 + 3 + 48 + 50) / 5 = 20.8 hours.
    expect(row(project.id)).toMatchObject({
      approvalDelay: "Answers approved within 2 days (automatically if nobody reviews them)",
      requesterReviews: {
        approvalRate: "83% approved (5 of 6 answers)",
        approvalTime: "approved in 20.8 h on average",
        appeals: "1 of 2 appeals overturned",
      },
    });
    expect(row(untried.id)).toMatchObject({
      approvalDelay: "Answers approved at once",
      requesterReviews: {
        approvalRate: "no answers reviewed yet",
        approvalTime: null,
        appeals: "no appeals decided yet",
      },
    });

    // The page as a browser gets it.
    const remix = await remixHandler();
    try {
      const response = await remix.handle(request("/work", { cookie: await sessionCookie(labeler.id) }));
      expect(response.status).toBe(200);
      const html = (await response.text()).replace(/<!-- -->/g, "");
      expect(html).toContain(
        "Requester: 83% approved (5 of 6 answers) · approved in 20.8 h on average · 1 of 2 appeals overturned",
      );
      expect(html).toContain("Requester: no answers reviewed yet · no appeals decided yet");
      expect(html).toContain("Answers approved within 2 days (automatically if nobody reviews them)");
    } finally {
      await remix.close();
    }
  });

  it("says on the labeling page what an answer pays and that it is paid after approval, within the delay", async () => {
    const page = await import("~/routes/work+/$projectId.tsx");
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { rewardPerLabel: 250_000n, approvalDelayHours: 36 });
    const labeler = await makeUser(h.db, "labeler");
    const shown = await (
      await call(page.loader as never, request(`/work/${project.id}`, { cookie: await sessionCookie(labeler.id) }), {
        projectId: project.id,
      })
    ).json();
    expect(shown.project.payTerms).toBe(
      "0.25 PWT per answer at the full rate, weighted by your quality score; paid after approval, at most 1 day 12 " +
        "hours after you answer (in the next payout after it). Rejected answers are not paid.",
    );
  });

  it("offers no Start to a paused account, saying why", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    await uploadPairs(h.db, project, 2);
    const labeler = await makeUser(h.db, "labeler");
    await setUserPaused(h.db, { userId: labeler.id, reason: "Several accounts on one device." });
    const page = await list(labeler.id);
    expect(page.paused).toBe("Several accounts on one device.");
    expect(page.projects.find((p: { id: string }) => p.id === project.id).standing).toEqual({
      kind: "account_paused",
      reason: "Several accounts on one device.",
    });
    expect(page.projects.some((p: { standing: { kind: string } }) => p.standing.kind === "start")).toBe(false);
  });
});
