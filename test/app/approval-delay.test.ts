// The project's approval delay: typed in days or hours on the new-project form and the dashboard, given in hours to
// the JSON API (POST /api/v1/projects, PATCH /api/v1/projects/{id}); checked by one schema, audited when changed.
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { getProject } from "../../db/queries/projects.ts";
import { projectAuditLog, projectMembers } from "../../db/schema/index.ts";
import { apiRequest, bearer, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let ownerId = "";
let owner = "";
let key = "";

beforeAll(async () => {
  h = await bootApp();
  ownerId = (await makeUser(h.db, "requester")).id;
  owner = await sessionCookie(ownerId);
  key = await createApiKey(h.db, { userId: ownerId, name: "delay" });
});
afterAll(() => h.close());

const base = { title: "Delays", taskType: "pairwise", labelsPerItem: "1", rewardPerLabel: "0.5", budget: "100" };

async function createFromForm(fields: Record<string, string>) {
  const { action } = await import("~/routes/projects+/new.tsx");
  return call(action as never, await csrfFormPost("/projects/new", owner, { ...base, ...fields }));
}
const createdId = (response: Response) =>
  /^\/projects\/([0-9a-f-]{36})$/.exec(response.headers.get("Location") ?? "")![1];

async function createFromApi(body: Record<string, unknown>) {
  const { action } = await import("~/routes/api.v1+/projects.ts");
  const fields = { title: "Delays", taskType: "pairwise", labelsPerItem: 1, rewardPerLabel: "10", budget: "1000" };
  return call(action as never, apiRequest("/api/v1/projects", key, { ...fields, ...body }));
}

async function patch(projectId: string, body: unknown, apiKey = key) {
  const { action } = await import("~/routes/api.v1+/projects.$projectId.ts");
  const req = request(`/api/v1/projects/${projectId}`, {
    method: "PATCH",
    headers: bearer(apiKey, { "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });
  return call(action as never, req, { projectId });
}

async function postSetting(projectId: string, fields: Record<string, string>, session = owner) {
  const { action } = await import("~/routes/projects+/$projectId.approval-delay.ts");
  const req = await csrfFormPost(`/projects/${projectId}/approval-delay`, session, fields);
  return call(action as never, req, { projectId });
}

const lastAudit = async (projectId: string) =>
  (
    await h.db
      .select()
      .from(projectAuditLog)
      .where(and(eq(projectAuditLog.projectId, projectId), eq(projectAuditLog.action, "settings.changed")))
      .orderBy(desc(projectAuditLog.id))
      .limit(1)
  )[0];

describe("the approval delay on the new-project form", () => {
  it("takes days or hours as typed, and is 3 days when left empty", async () => {
    const cases: [Record<string, string>, number][] = [
      [{ approvalDelay: "2", approvalDelayUnit: "days" }, 48],
      [{ approvalDelay: "1.5", approvalDelayUnit: "days" }, 36],
      [{ approvalDelay: "36", approvalDelayUnit: "hours" }, 36],
      [{ approvalDelay: "0", approvalDelayUnit: "hours" }, 0],
      [{ approvalDelay: "30", approvalDelayUnit: "days" }, 720],
      [{}, 72],
    ];
    for (const [fields, hours] of cases) {
      const created = await createFromForm(fields);
      expect(created.status, JSON.stringify(fields)).toBe(302);
      expect((await getProject(h.db, createdId(created)))!.approvalDelayHours).toBe(hours);
    }
  });

  it("refuses a negative delay, one over 30 days, and parts of an hour, on the field, creating nothing", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ approvalDelay: "-1", approvalDelayUnit: "days" }, /cannot be negative/],
      [{ approvalDelay: "31", approvalDelayUnit: "days" }, /at most 30 days \(720 hours\)/],
      [{ approvalDelay: "721", approvalDelayUnit: "hours" }, /at most 30 days/],
      [{ approvalDelay: "0.1", approvalDelayUnit: "days" }, /whole hours/],
      [{ approvalDelay: "soon", approvalDelayUnit: "days" }, /number of days/],
      [{ approvalDelay: "3", approvalDelayUnit: "weeks" }, /days or hours/],
    ];
    for (const [fields, message] of cases) {
      const refused = await createFromForm({ ...fields, title: "Refused delay" });
      expect(refused.status, JSON.stringify(fields)).toBe(400);
      const { error } = await refused.json();
      const field = fields.approvalDelayUnit === "weeks" ? "approvalDelayUnit" : "approvalDelay";
      expect(error[field]?.join(" "), JSON.stringify(fields)).toMatch(message);
    }
  });
});

describe("the approval delay in the JSON API", () => {
  it("creates a project with approvalDelayHours, 72 by default, and shows it on the project", async () => {
    const zero = await createFromApi({ approvalDelayHours: 0 });
    expect(zero.status).toBe(201);
    expect((await zero.json()).project.approvalDelayHours).toBe(0);
    const plain = await createFromApi({});
    expect((await plain.json()).project.approvalDelayHours).toBe(72);
  });

  it("refuses a negative delay, one over 720 hours and parts of an hour with 400 naming approvalDelayHours", async () => {
    for (const approvalDelayHours of [-1, 721, 1.5, "72"]) {
      const refused = await createFromApi({ approvalDelayHours });
      expect(refused.status, String(approvalDelayHours)).toBe(400);
      const { error } = await refused.json();
      expect(error.code).toBe("invalid_project");
      expect(error.details).toEqual([{ field: "approvalDelayHours", message: expect.any(String) }]);
      expect(error.message).toMatch(/^approvalDelayHours: /);
    }
  });

  it("PATCH changes it, audited with the value it replaced; bad values are 400 naming the field, and change nothing", async () => {
    const project = await makeProject(h.db, ownerId);
    const changed = await patch(project.id, { approvalDelayHours: 24 });
    expect(changed.status).toBe(200);
    expect((await changed.json()).project).toMatchObject({ id: project.id, approvalDelayHours: 24 });
    expect((await getProject(h.db, project.id))!.approvalDelayHours).toBe(24);
    expect(await lastAudit(project.id)).toMatchObject({
      actorId: ownerId,
      details: { setting: "approval-delay", approvalDelayHours: 24, was: 72 },
    });

    for (const [body, field] of [
      [{ approvalDelayHours: -3 }, "approvalDelayHours"],
      [{ approvalDelayHours: 721 }, "approvalDelayHours"],
      [{}, "approvalDelayHours"],
      [{ approvalDelayHours: 5, title: "renamed" }, ""],
    ] as const) {
      const refused = await patch(project.id, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      const { error } = await refused.json();
      expect(error.code).toBe("invalid_input");
      expect(error.details[0].field).toBe(field);
    }
    expect((await getProject(h.db, project.id))!.approvalDelayHours).toBe(24);
  });

  it("PATCH is refused on another requester's project (404) and to a reviewer of the team (403)", async () => {
    const project = await makeProject(h.db, ownerId);
    const stranger = await makeUser(h.db, "requester");
    const strangerKey = await createApiKey(h.db, { userId: stranger.id, name: "other" });
    expect((await patch(project.id, { approvalDelayHours: 1 }, strangerKey)).status).toBe(404);
    const reviewer = await makeUser(h.db, "requester");
    await h.db.insert(projectMembers).values({ ownerId, projectId: project.id, userId: reviewer.id, role: "reviewer" });
    const reviewerKey = await createApiKey(h.db, { userId: reviewer.id, name: "rev" });
    const refused = await patch(project.id, { approvalDelayHours: 1 }, reviewerKey);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("forbidden_role");
    expect((await getProject(h.db, project.id))!.approvalDelayHours).toBe(72);
  });
});

describe("the approval delay on the dashboard", () => {
  it("is shown on the dashboard, changed in days or hours, audited, and refused with the reason on the field", async () => {
    const project = await makeProject(h.db, ownerId);
    const { loader } = await import("~/routes/projects+/$projectId._index.tsx");
    const page = await (
      await call(loader as never, request(`/projects/${project.id}`, { cookie: owner }), { projectId: project.id })
    ).json();
    expect(page.project.approvalDelayHours).toBe(72);

    const saved = await postSetting(project.id, { approvalDelay: "5", approvalDelayUnit: "days" });
    expect(saved.status).toBe(200);
    expect((await saved.json()).message).toBe("Saved: answers nobody reviews are approved after 5 days.");
    expect((await getProject(h.db, project.id))!.approvalDelayHours).toBe(120);
    expect(await lastAudit(project.id)).toMatchObject({
      details: { setting: "approval-delay", approvalDelayHours: 120, was: 72 },
    });
    const hours = await postSetting(project.id, { approvalDelay: "0", approvalDelayUnit: "hours" });
    expect((await hours.json()).message).toBe("Saved: answers nobody reviews are approved at once.");

    for (const [fields, message] of [
      [{ approvalDelay: "-2", approvalDelayUnit: "days" }, /cannot be negative/],
      [{ approvalDelay: "45", approvalDelayUnit: "days" }, /at most 30 days/],
      [{ approvalDelayUnit: "days" }, /Enter how long/],
    ] as const) {
      const refused = await postSetting(project.id, fields);
      expect(refused.status).toBe(400);
      expect((await refused.json()).result.error.approvalDelay.join(" ")).toMatch(message);
    }
    expect((await getProject(h.db, project.id))!.approvalDelayHours).toBe(0);
  });

  it("is not the reviewer's to change", async () => {
    const project = await makeProject(h.db, ownerId);
    const reviewer = await makeUser(h.db, "requester");
    await h.db.insert(projectMembers).values({ ownerId, projectId: project.id, userId: reviewer.id, role: "reviewer" });
    const refused = await postSetting(
      project.id,
      { approvalDelay: "1", approvalDelayUnit: "days" },
      await sessionCookie(reviewer.id),
    );
    expect(refused.status).toBe(403);
    expect((await getProject(h.db, project.id))!.approvalDelayHours).toBe(72);
  });
});
