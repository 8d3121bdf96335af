// The review queue, rejections with reasons and appeals over HTTP: the requester's review page, the labeler's My
// quality, and the JSON API, with who may do what (owner and reviewer may; a labeler is refused; another requester
// sees no such project).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import { acceptInvitation, createInvitation, listAuditLog } from "../../db/queries/teams.ts";
import { queryRows } from "../../db/rows.ts";
import { rejectionReasonEnum } from "../../db/schema/index.ts";
import { REJECTION_REASONS } from "~/utils/review-schemas.ts";
import { labelerPseudonym } from "~/utils/pseudonyms.server.ts";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
type Who = "owner" | "reviewer" | "stranger" | "labeler" | "labeler2";
const users = {} as Record<Who, Awaited<ReturnType<typeof makeUser>>>;
const cookies = {} as Record<Who, string>;
const keys = {} as Record<Who, string>;
let projectId = "";
let ownerId = "";

const routes = {
  page: () => import("~/routes/projects+/$projectId.review.tsx"),
  counts: () => import("~/routes/projects+/$projectId.review-counts.ts"),
  dashboard: () => import("~/routes/projects+/$projectId._index.tsx"),
  quality: () => import("~/routes/work+/quality.tsx"),
  apiReviews: () => import("~/routes/api.v1+/projects.$projectId.reviews.ts"),
  apiAppeals: () => import("~/routes/api.v1+/projects.$projectId.appeals.ts"),
  apiDecide: () => import("~/routes/api.v1+/projects.$projectId.appeals.$labelId.ts"),
  apiMyAppeals: () => import("~/routes/api.v1+/appeals.ts"),
};
type Fn = Parameters<typeof call>[0];
const loaderOf = async (r: keyof typeof routes) => ((await routes[r]()) as { loader?: Fn }).loader;
const actionOf = async (r: keyof typeof routes) => ((await routes[r]()) as { action?: Fn }).action;
const pid = () => ({ projectId });

async function labelIdsOf(labelerId: string): Promise<number[]> {
  const rows = await queryRows<{ id: string | number }>(
    h.db,
    sql`select id from labels where project_id = ${projectId} and labeler_id = ${labelerId} order by id`,
  );
  return rows.map((r) => Number(r.id));
}
async function statusOf(labelId: number): Promise<string> {
  const [row] = await queryRows<{ review_status: string }>(
    h.db,
    sql`select review_status from labels where id = ${labelId}`,
  );
  return row.review_status;
}

const page = async (who: Who, search = "") =>
  call(await loaderOf("page"), request(`/projects/${projectId}/review${search}`, { cookie: cookies[who] }), pid());
const pagePost = async (who: Who, fields: Record<string, string | string[]>) => {
  const flat: Record<string, string> = {};
  const many: [string, string][] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) many.push([k, x]);
    else flat[k] = v;
  }
  const req = await csrfFormPost(`/projects/${projectId}/review`, cookies[who], flat);
  if (!many.length) return call(await actionOf("page"), req, pid());
  const form = await req.formData();
  for (const [k, v] of many) form.append(k, v);
  return call(
    await actionOf("page"),
    request(`/projects/${projectId}/review`, { method: "POST", cookie: req.headers.get("Cookie")!, body: form }),
    pid(),
  );
};
const apiPost = async (
  route: keyof typeof routes,
  path: string,
  who: Who,
  body: object,
  params: Record<string, string> = pid(),
) => call(await actionOf(route), apiRequest(path, keys[who], body), params);
const apiGet = async (route: keyof typeof routes, path: string, who: Who, params: Record<string, string> = pid()) =>
  call(await loaderOf(route), apiRequest(path, keys[who]), params);

beforeAll(async () => {
  h = await bootApp();
  const make = {
    owner: "requester",
    reviewer: "requester",
    stranger: "requester",
    labeler: "labeler",
    labeler2: "labeler",
  } as const;
  for (const [who, role] of Object.entries(make) as [Who, "requester" | "labeler"][]) {
    users[who] = await makeUser(h.db, role, who);
    cookies[who] = await sessionCookie(users[who].id);
    keys[who] = await createApiKey(h.db, { userId: users[who].id, name: "k" });
  }
  ownerId = users.owner.id;
  const project = await makeProject(h.db, ownerId, { labelsPerItem: 2 });
  projectId = project.id;
  await uploadPairs(h.db, project, 4);
  for (const who of ["labeler", "labeler2"] as const)
    await answerTasks(h.db, { projectId, labelerId: users[who].id, answer: () => "a" });
  // The reviewer joins the owner's team for this project.
  await createInvitation(h.db, {
    tokenHash: "review-test-token",
    email: users.reviewer.email,
    ownerId,
    projectId,
    role: "reviewer",
    invitedBy: ownerId,
    expiresAt: new Date(Date.now() + 3600_000),
  });
  await acceptInvitation(h.db, {
    tokenHash: "review-test-token",
    userId: users.reviewer.id,
    userEmail: users.reviewer.email,
  });
});
afterAll(() => h.close());

describe("the review page", () => {
  it("opens for the owner and a reviewer, is refused to a labeler and unknown to another requester", async () => {
    expect((await page("owner")).status).toBe(200);
    expect((await page("reviewer")).status).toBe(200);
    expect((await page("labeler")).status).toBe(403);
    expect((await page("stranger")).status).toBe(404);
    expect((await pagePost("labeler", { intent: "review", decision: "approve", labelIds: "1" })).status).toBe(403);
    expect((await pagePost("stranger", { intent: "review", decision: "approve", labelIds: "1" })).status).toBe(404);
    const counts = async (who: Who) =>
      call(await loaderOf("counts"), request(`/projects/${projectId}/review-counts`, { cookie: cookies[who] }), pid());
    expect((await counts("reviewer")).status).toBe(200);
    expect((await counts("stranger")).status).toBe(404);
    // The dashboard links to it.
    const dashboard = await (
      await call(await loaderOf("dashboard"), request(`/projects/${projectId}`, { cookie: cookies.reviewer }), pid())
    ).json();
    expect(dashboard.may.review).toBe(true);
  });

  it("shows a sample of each labeler's answers readably, by pseudonym, with live counts", async () => {
    const body = await (await page("owner", "?sample=2")).json();
    expect(body.view).toBe("sample");
    expect(body.answers).toHaveLength(4);
    const first = body.answers[0];
    expect(first.labeler).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(body)).not.toContain(users.labeler.id);
    expect(first.item.prompt).toMatch(/^prompt \d$/);
    expect(first.item.responses.map((r: { slot: string }) => r.slot)).toEqual(["A", "B"]);
    expect(first.answers[0].question).toBe("Preference");
    expect(first.answers[0].words).toMatch(/^[AB] is better$/);
    expect(first.reviewable).toBe(true);
    expect(new Date(first.dueAt).getTime() - new Date(first.answeredAt).getTime()).toBe(72 * 3600_000);
    expect(body.counts.labelers).toHaveLength(2);
    expect(body.counts.labelers[0]).toMatchObject({ answers: 4, reviewable: 4, approved: 0, rejected: 0 });

    const mine = labelerPseudonym(projectId, users.labeler.id);
    const one = await (await page("owner", `?view=labeler&labeler=${mine}&status=all`)).json();
    expect(one.answers).toHaveLength(4);
    expect(one.answers.every((a: { labeler: string }) => a.labeler === mine)).toBe(true);
    expect((await page("owner", "?view=labeler&labeler=0123456789ab")).status).toBe(404);
    expect((await page("owner", "?view=sample&sample=0")).status).toBe(400);
  });

  it("a reviewer rejects one with a reason (a reason is required), approves the rest in bulk; each is audited", async () => {
    const [l1, l2, l3] = await labelIdsOf(users.labeler.id);
    const noReason = await pagePost("reviewer", { intent: "review", decision: "reject", labelIds: String(l1) });
    expect(noReason.status).toBe(400);
    const refused = await noReason.json();
    expect(refused.formId).toBe(`review-${l1}`);
    expect(refused.result.error.reason[0]).toMatch(/Choose a reason/);
    const other = await pagePost("reviewer", {
      intent: "review",
      decision: "reject",
      reason: "other",
      labelIds: String(l1),
    });
    expect((await other.json()).result.error.note[0]).toMatch(/Say what was wrong/);
    expect(await statusOf(l1)).toBe("pending");

    const rejected = await pagePost("reviewer", {
      intent: "review",
      decision: "reject",
      reason: "low_effort",
      note: "Answered in under a second.",
      labelIds: String(l1),
    });
    expect(rejected.status).toBe(200);
    expect((await rejected.json()).message).toBe("Rejected 1 answer.");
    expect(await statusOf(l1)).toBe("rejected");
    const job = await latestJob(h.db, { kind: "consensus", key: projectId });
    expect(job?.status).toBe("queued");

    const bulk = await pagePost("owner", { intent: "review", decision: "approve", labelIds: [l1, l2, l3].map(String) });
    expect((await bulk.json()).message).toBe("Approved 2 answers. 1 answer could not be: reviewed already.");
    expect([await statusOf(l2), await statusOf(l3)]).toEqual(["approved", "approved"]);

    const log = await listAuditLog(h.db, { ownerId, projectId, limit: 10 });
    const rejection = log.find((e) => e.action === "answers.rejected")!;
    expect(rejection.actorId).toBe(users.reviewer.id);
    expect(rejection.details).toMatchObject({ answers: 1, labelIds: [l1], reason: "low_effort" });
    const approval = log.find((e) => e.action === "answers.approved")!;
    expect(approval.actorId).toBe(ownerId);
    expect(approval.details).toMatchObject({ answers: 2, labelIds: [l2, l3], refused: 1 });

    const counts = await (
      await call(
        await loaderOf("counts"),
        request(`/projects/${projectId}/review-counts`, { cookie: cookies.owner }),
        pid(),
      )
    ).json();
    const row = counts.labelers.find(
      (l: { labeler: string }) => l.labeler === labelerPseudonym(projectId, users.labeler.id),
    );
    expect(row).toMatchObject({ answers: 4, reviewable: 1, approved: 2, rejected: 1 });
  });

  it("lists the reasons the schema stores", () => {
    expect([...REJECTION_REASONS]).toEqual(rejectionReasonEnum.enumValues);
  });
});

describe("the reviews API", () => {
  it("the queue: owner and reviewer may read it, a labeler is refused, another requester gets 404", async () => {
    const path = `/api/v1/projects/${projectId}/reviews?status=all&limit=3`;
    const owner = await apiGet("apiReviews", path, "owner");
    expect(owner.status).toBe(200);
    const body = await owner.json();
    expect(body.answers).toHaveLength(3);
    expect(body.next).toBe(body.answers[2].labelId);
    expect(body.labelers).toHaveLength(2);
    const page2 = await (await apiGet("apiReviews", `${path}&cursor=${body.next}`, "reviewer")).json();
    expect(page2.answers[0].labelId).toBeGreaterThan(body.next);
    const labeler = await apiGet("apiReviews", path, "labeler");
    expect(labeler.status).toBe(403);
    expect((await labeler.json()).error.code).toBe("forbidden");
    const stranger = await apiGet("apiReviews", path, "stranger");
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).error.code).toBe("not_found");
    const bad = await apiGet("apiReviews", `/api/v1/projects/${projectId}/reviews?status=maybe`, "owner");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_input");
  });

  it("approves and rejects by id, listing what it refused and why; a rejection needs a reason", async () => {
    const ids = await labelIdsOf(users.labeler2.id);
    const path = `/api/v1/projects/${projectId}/reviews`;
    const noReason = await apiPost("apiReviews", path, "owner", { labelIds: [ids[0]], decision: "reject" });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error.details).toEqual([expect.objectContaining({ field: "reason" })]);
    expect((await apiPost("apiReviews", path, "labeler", { labelIds: [ids[0]], decision: "approve" })).status).toBe(
      403,
    );
    expect((await apiPost("apiReviews", path, "stranger", { labelIds: [ids[0]], decision: "approve" })).status).toBe(
      404,
    );

    const rejected = await apiPost("apiReviews", path, "reviewer", {
      labelIds: [ids[0], ids[1]],
      decision: "reject",
      reason: "incorrect",
      note: "B is the better reply.",
    });
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toEqual({ rejected: [ids[0], ids[1]], refused: [] });
    const again = await apiPost("apiReviews", path, "owner", {
      labelIds: [ids[1], ids[2], 123456789],
      decision: "approve",
    });
    expect(await again.json()).toEqual({
      approved: [ids[2]],
      refused: [
        { labelId: ids[1], reason: "already_reviewed" },
        { labelId: 123456789, reason: "not_found" },
      ],
    });
    const queue = await (await apiGet("apiReviews", `${path}?status=rejected`, "owner")).json();
    const mine = queue.answers.find((a: { labelId: number }) => a.labelId === ids[0]);
    expect(mine).toMatchObject({
      status: "rejected",
      rejectionReason: "incorrect",
      reviewNote: "B is the better reply.",
    });
  });
});

describe("appeals", () => {
  it("the labeler sees the rejection on My quality, appeals once there; the requester decides once, finally", async () => {
    const [l1] = await labelIdsOf(users.labeler.id);
    const quality = async () =>
      (await call(await loaderOf("quality"), request("/work/quality", { cookie: cookies.labeler }))).json();
    const before = await quality();
    const shown = before.rejections.find((r: { labelId: number }) => r.labelId === l1);
    expect(shown).toMatchObject({
      rejectionReason: "low_effort",
      reviewNote: "Answered in under a second.",
      mayAppeal: true,
      appeal: null,
      item: expect.stringMatching(/^prompt \d$/),
    });
    expect(new Date(shown.appealUntil).getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
    // Another labeler sees none of it.
    const theirs = await (
      await call(await loaderOf("quality"), request("/work/quality", { cookie: cookies.labeler2 }))
    ).json();
    expect(theirs.rejections.map((r: { labelId: number }) => r.labelId)).not.toContain(l1);

    const appeal = async (who: Who, fields: Record<string, string>) =>
      call(await actionOf("quality"), await csrfFormPost("/work/quality", cookies[who], fields));
    const empty = await appeal("labeler", { labelId: String(l1), message: " " });
    expect(empty.status).toBe(400);
    expect((await appeal("labeler2", { labelId: String(l1), message: "mine" })).status).toBe(409);
    expect((await appeal("owner", { labelId: String(l1), message: "mine" })).status).toBe(403);
    const sent = await appeal("labeler", { labelId: String(l1), message: "I read both replies carefully." });
    expect(sent.status).toBe(200);
    expect((await sent.json()).message).toMatch(/Appeal sent/);
    const twice = await appeal("labeler", { labelId: String(l1), message: "Again." });
    expect(twice.status).toBe(409);
    expect((await twice.json()).error).toMatch(/appealed this rejection already/);

    const open = await (await apiGet("apiAppeals", `/api/v1/projects/${projectId}/appeals?open=1`, "reviewer")).json();
    expect(open.appeals.map((a: { labelId: number }) => a.labelId)).toEqual([l1]);
    expect(open.appeals[0].appeal).toMatchObject({ message: "I read both replies carefully.", decision: null });
    expect((await apiGet("apiAppeals", `/api/v1/projects/${projectId}/appeals`, "labeler")).status).toBe(403);
    expect((await apiGet("apiAppeals", `/api/v1/projects/${projectId}/appeals`, "stranger")).status).toBe(404);

    const appealsView = await (await page("owner", "?view=appeals")).json();
    expect(appealsView.appeals.map((a: { labelId: number }) => a.labelId)).toEqual([l1]);
    const noNote = await pagePost("owner", { intent: "decide", labelId: String(l1), decision: "overturned" });
    expect(noNote.status).toBe(400);
    const decided = await pagePost("reviewer", {
      intent: "decide",
      labelId: String(l1),
      decision: "overturned",
      note: "You are right, B was worse.",
    });
    expect(decided.status).toBe(200);
    expect((await decided.json()).message).toMatch(/overturned/);
    expect(await statusOf(l1)).toBe("approved");
    const log = await listAuditLog(h.db, { ownerId, projectId, limit: 5 });
    expect(log.find((e) => e.action === "appeal.decided")).toMatchObject({
      actorId: users.reviewer.id,
      details: { labelId: l1, decision: "overturned" },
    });

    const final = await apiPost(
      "apiDecide",
      `/api/v1/projects/${projectId}/appeals/${l1}`,
      "owner",
      { decision: "upheld", note: "Changed my mind." },
      { projectId, labelId: String(l1) },
    );
    expect(final.status).toBe(409);
    expect((await final.json()).error.code).toBe("already_decided");

    const after = (await quality()).rejections.find((r: { labelId: number }) => r.labelId === l1);
    expect(after).toMatchObject({
      status: "approved",
      mayAppeal: false,
      appeal: { decision: "overturned", decisionNote: "You are right, B was worse." },
    });
  });

  it("through the API: a labeler appeals their own rejection once; the requester upholds it", async () => {
    const [l1, l2] = await labelIdsOf(users.labeler2.id);
    const path = "/api/v1/appeals";
    const mine = await (await apiGet("apiMyAppeals", path, "labeler2", {})).json();
    expect(mine.rejections.map((r: { labelId: number }) => r.labelId).sort()).toEqual([l1, l2].sort());
    expect((await apiGet("apiMyAppeals", path, "owner", {})).status).toBe(403);

    const notMine = await apiPost("apiMyAppeals", path, "labeler", { labelId: l1, message: "x" }, {});
    expect(notMine.status).toBe(404);
    const sent = await apiPost("apiMyAppeals", path, "labeler2", { labelId: l1, message: "A is correct." }, {});
    expect(sent.status).toBe(201);
    expect(await sent.json()).toMatchObject({ labelId: l1, projectId, appeal: { message: "A is correct." } });
    const twice = await apiPost("apiMyAppeals", path, "labeler2", { labelId: l1, message: "again" }, {});
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.code).toBe("already_appealed");
    // Past the window, an appeal is closed.
    await h.db.execute(sql`update labels set reviewed_at = now() - interval '8 days' where id = ${l2}`);
    const late = await apiPost("apiMyAppeals", path, "labeler2", { labelId: l2, message: "late" }, {});
    expect(late.status).toBe(409);
    expect((await late.json()).error.code).toBe("appeal_closed");

    const decide = (who: Who, body: object, labelId = l1) =>
      apiPost("apiDecide", `/api/v1/projects/${projectId}/appeals/${labelId}`, who, body, {
        projectId,
        labelId: String(labelId),
      });
    expect((await decide("labeler", { decision: "upheld", note: "n" })).status).toBe(403);
    expect((await decide("stranger", { decision: "upheld", note: "n" })).status).toBe(404);
    expect((await decide("owner", { decision: "upheld", note: "n" }, l2)).status).toBe(404);
    expect((await decide("owner", { decision: "maybe", note: "n" })).status).toBe(400);
    const upheld = await decide("owner", { decision: "upheld", note: "B is clearly better." });
    expect(upheld.status).toBe(200);
    expect((await upheld.json()).appeal).toMatchObject({ labelId: l1, decision: "upheld" });
    expect(await statusOf(l1)).toBe("rejected");
    const seen = await (await apiGet("apiMyAppeals", path, "labeler2", {})).json();
    expect(seen.rejections.find((r: { labelId: number }) => r.labelId === l1)).toMatchObject({
      status: "rejected",
      appeal: { decision: "upheld", decisionNote: "B is clearly better." },
    });
  });
});
