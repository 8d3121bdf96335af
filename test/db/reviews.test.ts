import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DomainError } from "../../db/errors.ts";
import { listLabelerQuality } from "../../db/queries/consensus.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import type { Project } from "../../db/queries/projects.ts";
import {
  appealAnswer,
  decideAppeal,
  listAppeals,
  listLabelerReviews,
  listLabelersForReview,
  listReviewQueue,
  reviewAnswers,
} from "../../db/queries/reviews.ts";
import { queryRows } from "../../db/rows.ts";
import { decideProjectAppeal, reviewProjectAnswers } from "../../jobs/review-commands.ts";
import { ensureFreshConsensus, runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

async function labelIdsOf(projectId: string, labelerId: string): Promise<number[]> {
  const rows = await queryRows<{ id: string | number }>(
    h.db,
    sql`select id from labels where project_id = ${projectId} and labeler_id = ${labelerId} order by id`,
  );
  return rows.map((r) => Number(r.id));
}

/** A pairwise project of `n` items where each of `labelers` answered every item ("a" always, in item terms). */
async function answeredProject(n: number, labelers: number, overrides: Partial<Project> = {}) {
  const owner = await makeUser(h.db, "requester", "owner");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: labelers, ...overrides });
  await uploadPairs(h.db, project, n);
  const people = [];
  for (let k = 0; k < labelers; k++) {
    const labeler = await makeUser(h.db, "labeler", `labeler${k}`);
    await answerTasks(h.db, {
      projectId: project.id,
      labelerId: labeler.id,
      answer: (_i, swapped) => (swapped ? "b" : "a"),
    });
    people.push(labeler);
  }
  return { owner, project, labelers: people };
}

describe("reviewing answers", () => {
  it("approves and rejects only reviewable answers, in one guarded update, and says why others were refused", async () => {
    const { owner, project, labelers } = await answeredProject(4, 1);
    const [l1, l2, l3, l4] = await labelIdsOf(project.id, labelers[0].id);
    const other = await answeredProject(1, 1);
    const [foreign] = await labelIdsOf(other.project.id, other.labelers[0].id);

    const approved = await reviewAnswers(h.db, {
      projectId: project.id,
      labelIds: [l1, l2],
      decision: "approve",
      reviewerId: owner.id,
    });
    expect(approved).toEqual({ changed: [l1, l2], refused: [] });

    // l3: approved by its delay (answered 73 hours ago); l4: paid by an epoch; l1: reviewed already.
    await h.db.execute(sql`update labels set created_at = now() - interval '73 hours' where id = ${l3}`);
    await h.db.execute(
      sql`insert into payout_epochs (id, starts_at, ends_at) values ('2020-01-01', now() - interval '1 day', now())
          on conflict do nothing`,
    );
    await h.db.execute(sql`update labels set paid_epoch_id = '2020-01-01' where id = ${l4}`);
    const rejected = await reviewAnswers(h.db, {
      projectId: project.id,
      labelIds: [l1, l3, l4, foreign, 999_999],
      decision: "reject",
      reason: "low_effort",
      reviewerId: owner.id,
    });
    expect(rejected.changed).toEqual([]);
    expect(rejected.refused).toEqual([
      { labelId: l1, reason: "already_reviewed" },
      { labelId: l3, reason: "auto_approved" },
      { labelId: l4, reason: "paid" },
      { labelId: foreign, reason: "not_found" },
      { labelId: 999_999, reason: "not_found" },
    ]);
    const [row] = await queryRows<{ review_status: string; rejection_reason: string | null; reviewer_id: string }>(
      h.db,
      sql`select review_status, rejection_reason, reviewer_id from labels where id = ${l1}`,
    );
    expect(row).toEqual({ review_status: "approved", rejection_reason: null, reviewer_id: owner.id });
    // The other project's answer is untouched.
    const [theirs] = await queryRows<{ review_status: string }>(
      h.db,
      sql`select review_status from labels where id = ${foreign}`,
    );
    expect(theirs.review_status).toBe("pending");
  });

  it("a rejection needs a reason, and the reason other needs a note; both are stored", async () => {
    const { owner, project, labelers } = await answeredProject(2, 1);
    const [l1, l2] = await labelIdsOf(project.id, labelers[0].id);
    const base = { projectId: project.id, labelIds: [l1], decision: "reject" as const, reviewerId: owner.id };
    expect(await refusal(reviewAnswers(h.db, base))).toBe("reason_required");
    expect(await refusal(reviewAnswers(h.db, { ...base, reason: "other", note: "  " }))).toBe("note_required");
    expect(await refusal(reviewAnswers(h.db, { ...base, labelIds: [] }))).toBe("invalid_input");
    const done = await reviewAnswers(h.db, { ...base, reason: "other", note: "Answered before reading the prompt." });
    expect(done.changed).toEqual([l1]);
    // An approval carries no reason, even if one is sent.
    await reviewAnswers(h.db, { ...base, labelIds: [l2], decision: "approve", reason: "incorrect" });
    const rows = await queryRows<{ id: string | number; rejection_reason: string | null; review_note: string | null }>(
      h.db,
      sql`select id, rejection_reason, review_note from labels where id in (${l1}, ${l2}) order by id`,
    );
    expect(rows.map((r) => [r.rejection_reason, r.review_note])).toEqual([
      ["other", "Answered before reading the prompt."],
      [null, null],
    ]);
  });

  it("after the approval delay an answer reads approved automatically and can no longer be rejected", async () => {
    const { owner, project, labelers } = await answeredProject(2, 1, { approvalDelayHours: 24 });
    const [l1, l2] = await labelIdsOf(project.id, labelers[0].id);
    await h.db.execute(sql`update labels set created_at = now() - interval '25 hours' where id = ${l1}`);
    const queue = await listReviewQueue(h.db, { projectId: project.id, status: "all", limit: 10 });
    const byId = new Map(queue.answers.map((a) => [a.labelId, a]));
    expect(byId.get(l1)).toMatchObject({ reviewStatus: "pending", effectiveStatus: "approved", reviewable: false });
    expect(byId.get(l2)).toMatchObject({ reviewStatus: "pending", effectiveStatus: "pending", reviewable: true });
    expect(byId.get(l2)!.dueAt.getTime() - byId.get(l2)!.createdAt.getTime()).toBe(24 * 3600_000);
    const result = await reviewAnswers(h.db, {
      projectId: project.id,
      labelIds: [l1, l2],
      decision: "reject",
      reason: "incorrect",
      reviewerId: owner.id,
    });
    expect(result).toEqual({ changed: [l2], refused: [{ labelId: l1, reason: "auto_approved" }] });
    // A project with no delay approves at once: nothing is reviewable.
    const instant = await answeredProject(1, 1, { approvalDelayHours: 0 });
    const none = await listReviewQueue(h.db, { projectId: instant.project.id, status: "reviewable", limit: 10 });
    expect(none.answers).toEqual([]);
  });

  it("a rejected answer leaves the consensus and the labeler's quality input; reviewing queues consensus now", async () => {
    const { owner, project, labelers } = await answeredProject(6, 3);
    await runProjectConsensus(h.db, project.id);
    const before = await listLabelerQuality(h.db, project.id);
    const answersOf = (rows: typeof before, id: string) => rows.find((r) => r.labelerId === id)?.answers;
    expect(answersOf(before, labelers[0].id)).toBe(6);
    const ids = await labelIdsOf(project.id, labelers[0].id);

    const result = await reviewProjectAnswers(h.db, {
      projectId: project.id,
      labelIds: ids.slice(0, 2),
      decision: "reject",
      reason: "machine_written",
      reviewerId: owner.id,
    });
    expect(result.changed).toEqual(ids.slice(0, 2));
    const job = await latestJob(h.db, { kind: "consensus", key: project.id });
    expect(job?.status).toBe("queued");
    expect(job!.runAt.getTime()).toBeLessThanOrEqual(Date.now());

    // The review makes the stored consensus stale; the next fresh run counts four of the labeler's six answers.
    await ensureFreshConsensus(h.db, project.id);
    const after = await listLabelerQuality(h.db, project.id);
    expect(answersOf(after, labelers[0].id)).toBe(4);
    expect(answersOf(after, labelers[1].id)).toBe(6);

    const counts = await listLabelersForReview(h.db, { projectId: project.id });
    expect(counts.find((c) => c.labelerId === labelers[0].id)).toMatchObject({
      answers: 6,
      reviewable: 4,
      approved: 0,
      rejected: 2,
      openAppeals: 0,
    });
    expect(counts.find((c) => c.labelerId === labelers[0].id)!.quality).toEqual(expect.any(Number));

    // Overturned on appeal, the answer is back in: six again.
    await appealAnswer(h.db, { labelId: ids[0], labelerId: labelers[0].id, message: "I read it twice." });
    await decideProjectAppeal(h.db, {
      projectId: project.id,
      labelId: ids[0],
      decision: "overturned",
      note: "You are right.",
      deciderId: owner.id,
    });
    await ensureFreshConsensus(h.db, project.id);
    expect(answersOf(await listLabelerQuality(h.db, project.id), labelers[0].id)).toBe(5);
  });
});

describe("the review queue", () => {
  it("filters by labeler and status, samples each labeler's newest answers, and pages oldest first", async () => {
    const { owner, project, labelers } = await answeredProject(5, 2);
    const [a, b] = labelers;
    const aIds = await labelIdsOf(project.id, a.id);
    const bIds = await labelIdsOf(project.id, b.id);
    await reviewAnswers(h.db, {
      projectId: project.id,
      labelIds: [aIds[0]],
      decision: "approve",
      reviewerId: owner.id,
    });
    await reviewAnswers(h.db, {
      projectId: project.id,
      labelIds: [bIds[0]],
      decision: "reject",
      reason: "incorrect",
      note: "A is wrong here.",
      reviewerId: owner.id,
    });

    const sampled = await listReviewQueue(h.db, { projectId: project.id, status: "reviewable", sample: 2, limit: 50 });
    expect(sampled.answers.map((r) => r.labelId)).toEqual([...aIds.slice(3), ...bIds.slice(3)].sort((x, y) => x - y));
    expect(sampled.next).toBeNull();

    const page1 = await listReviewQueue(h.db, { projectId: project.id, labelerId: a.id, status: "all", limit: 3 });
    expect(page1.answers.map((r) => r.labelId)).toEqual(aIds.slice(0, 3));
    expect(page1.next).toBe(aIds[2]);
    const page2 = await listReviewQueue(h.db, {
      projectId: project.id,
      labelerId: a.id,
      status: "all",
      limit: 3,
      cursor: page1.next!,
    });
    expect(page2.answers.map((r) => r.labelId)).toEqual(aIds.slice(3));
    expect(page2.next).toBeNull();

    const rejected = await listReviewQueue(h.db, { projectId: project.id, status: "rejected", limit: 50 });
    expect(rejected.answers).toHaveLength(1);
    expect(rejected.answers[0]).toMatchObject({
      labelId: bIds[0],
      labelerId: b.id,
      effectiveStatus: "rejected",
      rejectionReason: "incorrect",
      reviewNote: "A is wrong here.",
      reviewable: false,
      paid: false,
      appeal: null,
    });
    const approved = await listReviewQueue(h.db, { projectId: project.id, status: "approved", limit: 50 });
    expect(approved.answers.map((r) => r.labelId)).toEqual([aIds[0]]);

    // What the reviewer reads: the item in its own terms and the answer.
    const [first] = page1.answers;
    expect(first.content).toMatchObject({ kind: "pairwise", prompt: expect.stringMatching(/^prompt \d$/) });
    expect(["a", "b"]).toContain(first.value);
    expect(first.timeSpentMs).toEqual(expect.any(Number));
    expect(first.externalId).toMatch(/^item-\d$/);
  });
});

describe("appeals", () => {
  async function rejectedAnswers(n: number) {
    const setup = await answeredProject(n, 1);
    const ids = await labelIdsOf(setup.project.id, setup.labelers[0].id);
    await reviewAnswers(h.db, {
      projectId: setup.project.id,
      labelIds: ids,
      decision: "reject",
      reason: "ignored_instructions",
      note: "Read the instructions.",
      reviewerId: setup.owner.id,
    });
    return { ...setup, ids, labeler: setup.labelers[0] };
  }

  it("only the labeler's own rejected answer, once, within the appeal window", async () => {
    const { owner, project, ids, labeler } = await rejectedAnswers(3);
    const stranger = await makeUser(h.db, "labeler", "stranger");
    const [first, second, third] = ids;
    expect(await refusal(appealAnswer(h.db, { labelId: first, labelerId: stranger.id, message: "mine" }))).toBe(
      "not_found",
    );
    const appeal = await appealAnswer(h.db, { labelId: first, labelerId: labeler.id, message: " I followed them. " });
    expect(appeal).toMatchObject({
      labelId: first,
      projectId: project.id,
      message: "I followed them.",
      decision: null,
    });
    expect(await refusal(appealAnswer(h.db, { labelId: first, labelerId: labeler.id, message: "again" }))).toBe(
      "already_appealed",
    );

    await h.db.execute(sql`update labels set reviewed_at = now() - interval '8 days' where id = ${second}`);
    expect(await refusal(appealAnswer(h.db, { labelId: second, labelerId: labeler.id, message: "late" }))).toBe(
      "appeal_closed",
    );
    await h.db.execute(sql`update labels set reviewed_at = now() - interval '6 days' where id = ${third}`);
    await appealAnswer(h.db, { labelId: third, labelerId: labeler.id, message: "just in time" });

    // An approved (or pending) answer has nothing to appeal.
    const fresh = await answeredProject(1, 1);
    const [pending] = await labelIdsOf(fresh.project.id, fresh.labelers[0].id);
    expect(await refusal(appealAnswer(h.db, { labelId: pending, labelerId: fresh.labelers[0].id, message: "?" }))).toBe(
      "not_rejected",
    );
    expect(await refusal(appealAnswer(h.db, { labelId: first, labelerId: labeler.id, message: " " }))).toBe(
      "invalid_input",
    );

    const open = await listAppeals(h.db, { projectId: project.id, open: true });
    expect(open.map((a) => a.labelId)).toEqual([first, third]);
    expect(open[0]).toMatchObject({ rejectionReason: "ignored_instructions", appeal: { message: "I followed them." } });
    const counts = await listLabelersForReview(h.db, { projectId: project.id });
    expect(counts[0]).toMatchObject({ rejected: 3, openAppeals: 2 });

    // The labeler's page: every rejection with its reason, note, deadline and appeal.
    const mine = await listLabelerReviews(h.db, { labelerId: labeler.id });
    expect(mine.map((r) => r.labelId).sort((x, y) => x - y)).toEqual(ids);
    const bySecond = mine.find((r) => r.labelId === second)!;
    expect(bySecond).toMatchObject({
      projectTitle: project.title,
      rejectionReason: "ignored_instructions",
      reviewNote: "Read the instructions.",
      mayAppeal: false,
      appeal: null,
    });
    expect(bySecond.appealUntil!.getTime()).toBeLessThan(Date.now());
    expect(mine.find((r) => r.labelId === first)).toMatchObject({ mayAppeal: false, appealUntil: null });
    void owner;
  });

  it("is decided once: upheld keeps the rejection; overturned approves the answer for the next payout", async () => {
    const { owner, project, ids, labeler } = await rejectedAnswers(2);
    const [kept, overturned] = ids;
    for (const id of ids) await appealAnswer(h.db, { labelId: id, labelerId: labeler.id, message: "please" });
    const other = await makeProject(h.db, owner.id);

    expect(
      await refusal(
        decideAppeal(h.db, { projectId: other.id, labelId: kept, decision: "upheld", note: "n", deciderId: owner.id }),
      ),
    ).toBe("not_found");
    expect(
      await refusal(
        decideAppeal(h.db, { projectId: project.id, labelId: kept, decision: "upheld", note: "", deciderId: owner.id }),
      ),
    ).toBe("invalid_input");
    await decideAppeal(h.db, {
      projectId: project.id,
      labelId: kept,
      decision: "upheld",
      note: "The answer contradicts the prompt.",
      deciderId: owner.id,
    });
    const decided = await decideAppeal(h.db, {
      projectId: project.id,
      labelId: overturned,
      decision: "overturned",
      note: "Fair point.",
      deciderId: owner.id,
    });
    expect(decided.decision).toBe("overturned");
    for (const [labelId, decision] of [
      [kept, "overturned"],
      [overturned, "upheld"],
    ] as const)
      expect(
        await refusal(decideAppeal(h.db, { projectId: project.id, labelId, decision, note: "x", deciderId: owner.id })),
      ).toBe("already_decided");

    const rows = await queryRows<{ id: string | number; review_status: string; reviewer_id: string; recent: boolean }>(
      h.db,
      sql`select id, review_status, reviewer_id, reviewed_at > now() - interval '1 minute' as recent
          from labels where id in (${kept}, ${overturned}) order by id`,
    );
    expect(rows.map((r) => r.review_status)).toEqual(["rejected", "approved"]);
    expect(rows[1]).toMatchObject({ reviewer_id: owner.id, recent: true });
    // The approval counts from the decision: a payout planned after now pays it.
    const [approvedAt] = await queryRows<{ at_now: boolean }>(
      h.db,
      sql`select (case l.review_status when 'approved' then l.reviewed_at end) > now() - interval '1 minute' as at_now
          from labels l where l.id = ${overturned}`,
    );
    expect(approvedAt.at_now).toBe(true);

    expect(await listAppeals(h.db, { projectId: project.id, open: true })).toEqual([]);
    const all = await listAppeals(h.db, { projectId: project.id });
    expect(all.map((a) => [a.labelId, a.appeal.decision, a.appeal.decisionNote])).toEqual([
      [kept, "upheld", "The answer contradicts the prompt."],
      [overturned, "overturned", "Fair point."],
    ]);
    const mine = await listLabelerReviews(h.db, { labelerId: labeler.id });
    expect(mine.find((r) => r.labelId === overturned)).toMatchObject({
      reviewStatus: "approved",
      rejectionReason: "ignored_instructions",
      appeal: { decision: "overturned", decisionNote: "Fair point." },
    });
    expect(mine.find((r) => r.labelId === kept)).toMatchObject({
      reviewStatus: "rejected",
      appeal: { decision: "upheld" },
    });
  });
});
