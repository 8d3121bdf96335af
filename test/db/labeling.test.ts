import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DomainError } from "../../db/errors.ts";
import { getLabelerCounts, leaseNextTask, releaseTask, submitAnswer } from "../../db/queries/labeling.ts";
import { getProjectProgress, setProjectPaused } from "../../db/queries/projects.ts";
import { setUserPaused } from "../../db/queries/identity.ts";
import { assignments, items, labels, questionsSchema } from "../../db/schema/index.ts";
import { createTestDb, TEST_DB } from "../support/db.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function setup(n: number, k = 3) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: k });
  await uploadPairs(h.db, project, n);
  return project;
}

describe("task assignment", () => {
  it("serves each item at most once per labeler, and the held lease again on reload", async () => {
    const project = await setup(3);
    const labeler = await makeUser(h.db, "labeler");
    const first = await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id });
    const again = await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id });
    expect(again?.assignmentId).toBe(first?.assignmentId);
    const seen = new Set<number>();
    for (let task = first; task; task = await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id })) {
      expect(seen.has(task.itemId)).toBe(false);
      seen.add(task.itemId);
      await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: labeler.id, answer: { value: "a" } });
    }
    expect(seen.size).toBe(3);
  });

  it("never gives a skipped or flagged item back to the same labeler", async () => {
    const project = await setup(2);
    const labeler = await makeUser(h.db, "labeler");
    const t1 = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
    await releaseTask(h.db, { assignmentId: t1.assignmentId, labelerId: labeler.id });
    const t2 = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
    expect(t2.itemId).not.toBe(t1.itemId);
    await releaseTask(h.db, { assignmentId: t2.assignmentId, labelerId: labeler.id, flag: "harmful" });
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id })).toBeNull();
    const progress = await getProjectProgress(h.db, project.id);
    expect(progress).toMatchObject({ skipped: 1, flagged: 1, answers: 0 });
    // another labeler still gets both items
    const other = await makeUser(h.db, "labeler");
    expect((await leaseNextTask(h.db, { projectId: project.id, labelerId: other.id }))?.itemId).toBe(t1.itemId);
  });

  it("stops at k answers per item, counting live leases", async () => {
    const project = await setup(1, 2);
    const [l1, l2, l3] = [
      await makeUser(h.db, "labeler"),
      await makeUser(h.db, "labeler"),
      await makeUser(h.db, "labeler"),
    ];
    const a = await leaseNextTask(h.db, { projectId: project.id, labelerId: l1.id });
    const b = await leaseNextTask(h.db, { projectId: project.id, labelerId: l2.id });
    expect(a && b).toBeTruthy();
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: l3.id })).toBeNull();
    await submitAnswer(h.db, { assignmentId: a!.assignmentId, labelerId: l1.id, answer: { value: "a" } });
    await submitAnswer(h.db, { assignmentId: b!.assignmentId, labelerId: l2.id, answer: { value: "tie" } });
    const [item] = await h.db.select().from(items).where(eq(items.projectId, project.id));
    expect(item).toMatchObject({ answers: 2, done: true });
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: l3.id })).toBeNull();
  });

  it("returns an abandoned item to the pool when its lease expires, and refuses the late answer", async () => {
    const project = await setup(1, 1);
    const [slow, fast] = [await makeUser(h.db, "labeler"), await makeUser(h.db, "labeler")];
    const held = (await leaseNextTask(h.db, { projectId: project.id, labelerId: slow.id }))!;
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: fast.id })).toBeNull();
    await h.db
      .update(assignments)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(assignments.id, held.assignmentId));
    const taken = (await leaseNextTask(h.db, { projectId: project.id, labelerId: fast.id }))!;
    expect(taken.itemId).toBe(held.itemId);
    const late = await submitAnswer(h.db, {
      assignmentId: held.assignmentId,
      labelerId: slow.id,
      answer: { value: "a" },
    }).catch((e) => e);
    expect(late).toBeInstanceOf(DomainError);
    expect((late as DomainError).code).toBe("lease_expired");
    await submitAnswer(h.db, { assignmentId: taken.assignmentId, labelerId: fast.id, answer: { value: "b" } });
    const rows = await h.db.select().from(labels).where(eq(labels.itemId, held.itemId));
    expect(rows.map((r) => r.labelerId)).toEqual([fast.id]);
  });

  it("accepts a late answer when the expired lease was not needed by anyone else", async () => {
    const project = await setup(1, 1);
    const slow = await makeUser(h.db, "labeler");
    const held = (await leaseNextTask(h.db, { projectId: project.id, labelerId: slow.id }))!;
    await h.db
      .update(assignments)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(assignments.id, held.assignmentId));
    await submitAnswer(h.db, { assignmentId: held.assignmentId, labelerId: slow.id, answer: { value: "a" } });
    const [item] = await h.db.select().from(items).where(eq(items.id, held.itemId));
    expect(item.answers).toBe(1);
  });

  it("refuses answering twice, answering someone else's task, paused projects and paused labelers", async () => {
    const project = await setup(2);
    const [me, other] = [await makeUser(h.db, "labeler"), await makeUser(h.db, "labeler")];
    const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: me.id }))!;
    const stolen = await submitAnswer(h.db, {
      assignmentId: task.assignmentId,
      labelerId: other.id,
      answer: { value: "a" },
    }).catch((e) => e);
    expect((stolen as DomainError).code).toBe("not_found");
    await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: me.id, answer: { value: "a" } });
    const twice = await submitAnswer(h.db, {
      assignmentId: task.assignmentId,
      labelerId: me.id,
      answer: { value: "b" },
    }).catch((e) => e);
    expect((twice as DomainError).code).toBe("already_finished");

    await setProjectPaused(h.db, { projectId: project.id, paused: true });
    const paused = await leaseNextTask(h.db, { projectId: project.id, labelerId: me.id }).catch((e) => e);
    expect((paused as DomainError).code).toBe("project_paused");
    await setProjectPaused(h.db, { projectId: project.id, paused: false });

    await setUserPaused(h.db, { userId: other.id, reason: "too fast" });
    const blocked = await leaseNextTask(h.db, { projectId: project.id, labelerId: other.id }).catch((e) => e);
    expect((blocked as DomainError).message).toMatch(/too fast/);
  });

  it("records the on-screen order and caps the reported time by the lease's age", async () => {
    const project = await setup(40, 1);
    const labeler = await makeUser(h.db, "labeler");
    let swapped = 0;
    for (let i = 0; i < 40; i++) {
      const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
      if (task.swapped) swapped++;
      await submitAnswer(h.db, {
        assignmentId: task.assignmentId,
        labelerId: labeler.id,
        answer: { value: "a", timeSpentMs: 3_600_000 },
      });
    }
    expect(swapped).toBeGreaterThan(5);
    expect(swapped).toBeLessThan(35);
    const rows = await h.db.select().from(labels).where(eq(labels.projectId, project.id));
    expect(rows.filter((r) => r.swapped).length).toBe(swapped);
    expect(Math.max(...rows.map((r) => r.timeSpentMs))).toBeLessThan(60_000);
    expect(await getLabelerCounts(h.db, { labelerId: labeler.id, projectId: project.id })).toEqual({
      today: 40,
      total: 40,
    });
  });

  it("50 concurrent labelers racing for the last items never exceed k nor repeat a labeler on an item", async () => {
    const k = 3;
    const project = await setup(20, k);
    const labelers = await Promise.all(Array.from({ length: 50 }, () => makeUser(h.db, "labeler")));
    const work = async (labelerId: string) => {
      for (;;) {
        const task = await leaseNextTask(h.db, { projectId: project.id, labelerId });
        if (!task) return;
        await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId, answer: { value: "b" } });
      }
    };
    await Promise.all(labelers.map((l) => work(l.id)));

    const perItem = await h.db
      .select({
        itemId: labels.itemId,
        n: sql<number>`count(*)::int`,
        distinct: sql<number>`count(distinct ${labels.labelerId})::int`,
      })
      .from(labels)
      .where(eq(labels.projectId, project.id))
      .groupBy(labels.itemId);
    expect(perItem).toHaveLength(20);
    for (const row of perItem) {
      expect(row.n).toBe(k);
      expect(row.distinct).toBe(k);
    }
    const stale = await h.db
      .select()
      .from(assignments)
      .where(and(eq(assignments.projectId, project.id), eq(assignments.status, "leased")));
    expect(stale).toHaveLength(0);
    const answered = await h.db.select().from(items).where(eq(items.projectId, project.id));
    expect(answered.every((i) => i.done && i.answers === k)).toBe(true);
  });

  it(`runs the race on ${TEST_DB} with leases held open (nobody answers)`, async () => {
    const project = await setup(10, 2);
    const labelers = await Promise.all(Array.from({ length: 50 }, () => makeUser(h.db, "labeler")));
    const leases = await Promise.all(
      labelers.map((l) => leaseNextTask(h.db, { projectId: project.id, labelerId: l.id })),
    );
    const granted = leases.filter(Boolean);
    expect(granted).toHaveLength(20);
    const perItem = new Map<number, number>();
    for (const t of granted) perItem.set(t!.itemId, (perItem.get(t!.itemId) ?? 0) + 1);
    expect([...perItem.values()].every((n) => n === 2)).toBe(true);
  });

  it("leases form items with a fresh random on-screen order, never one waiting for its responses", async () => {
    const owner = await makeUser(h.db, "requester");
    const questions = questionsSchema.parse([{ name: "rank", type: "ranking", title: "Order them" }]);
    const project = await makeProject(h.db, owner.id, { taskType: "form", questions, labelsPerItem: 1 });
    const responses = [{ text: "x" }, { text: "y" }, { text: "z" }];
    await h.db.insert(items).values([
      ...Array.from({ length: 30 }, (_, i) => ({
        projectId: project.id,
        externalId: `f${i}`,
        labelsWanted: 1,
        content: { kind: "form" as const, prompt: `p${i}`, responses },
      })),
      {
        projectId: project.id,
        externalId: "waiting",
        labelsWanted: 1,
        priority: 10,
        awaitingResponses: true,
        content: { kind: "form" as const, prompt: "later", responses: [] },
      },
    ]);
    const labeler = await makeUser(h.db, "labeler");
    const firstShown = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
      expect([...task.responseOrder!].sort()).toEqual([0, 1, 2]);
      firstShown.add(task.responseOrder![0]);
      await submitAnswer(h.db, {
        assignmentId: task.assignmentId,
        labelerId: labeler.id,
        answer: { value: "form", answers: ({ responseOrder }) => ({ rank: responseOrder!.map((r) => [r]) }) },
      });
    }
    expect(firstShown.size).toBe(3);
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id })).toBeNull();
    const stored = await h.db
      .select({ answers: labels.answers, order: assignments.responseOrder })
      .from(labels)
      .innerJoin(assignments, eq(assignments.id, labels.assignmentId))
      .where(eq(labels.projectId, project.id));
    expect(stored).toHaveLength(30);
    for (const row of stored) expect(row.answers).toEqual({ rank: row.order!.map((r) => [r]) });
  });
});
