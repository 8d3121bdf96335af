import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { assignments, items, labels, questionsSchema } from "../../db/schema/index.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

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
