// Requesters never see who their labelers are: the dashboard, its quality table and the raw export name each
// labeler by a pseudonym (stable per project, keyed by a server secret), never by email, name or account id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { apiRequest, bootApp, call, request, sessionCookie } from "../support/app.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
let ownerCookie = "";
let ownerKey = "";
let projectId = "";
let otherProjectId = "";
let labelers: { id: string; email: string; name: string }[] = [];

beforeAll(async () => {
  h = await bootApp();
  const owner = await makeUser(h.db, "requester", "owner");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: 3 });
  const other = await makeProject(h.db, owner.id, { labelsPerItem: 3 });
  await uploadPairs(h.db, project, 4);
  await uploadPairs(h.db, other, 2);
  labelers = await Promise.all(
    ["Ada Lovelace", "Alan Turing", "Grace Hopper"].map((n) => makeUser(h.db, "labeler", n)),
  );
  for (const l of labelers) {
    await answerTasks(h.db, { projectId: project.id, labelerId: l.id, answer: () => "a" });
    await answerTasks(h.db, { projectId: other.id, labelerId: l.id, answer: () => "b" });
  }
  expect((await runProjectConsensus(h.db, project.id)).status).toBe("done");
  expect((await runProjectConsensus(h.db, other.id)).status).toBe("done");
  projectId = project.id;
  otherProjectId = other.id;
  ownerCookie = await sessionCookie(owner.id);
  ownerKey = await createApiKey(h.db, { userId: owner.id, name: "k" });
});
afterAll(() => h.close());

async function dashboard(id: string) {
  const { loader } = await import("~/routes/projects+/$projectId._index.tsx");
  const response = await call(loader as never, request(`/projects/${id}`, { cookie: ownerCookie }), { projectId: id });
  expect(response.status).toBe(200);
  return response.json() as Promise<{
    labelers: { labeler: string }[];
    quality: { labelers: { labeler: string }[] };
  }>;
}

const pseudonyms = (data: Awaited<ReturnType<typeof dashboard>>) => ({
  activity: data.labelers.map((l) => l.labeler).sort(),
  quality: data.quality.labelers.map((l) => l.labeler).sort(),
});

describe("the requester's dashboard", () => {
  it("holds no labeler's email, name or account id", async () => {
    const text = JSON.stringify(await dashboard(projectId));
    for (const l of labelers) {
      expect(text).not.toContain(l.email);
      expect(text).not.toContain(l.name);
      expect(text).not.toContain(l.id);
    }
  });

  it("names each labeler by one pseudonym in both tables, the same on every load", async () => {
    const first = pseudonyms(await dashboard(projectId));
    expect(first.activity).toHaveLength(3);
    expect(new Set(first.activity).size).toBe(3);
    expect(first.quality).toEqual(first.activity);
    for (const p of first.activity) expect(p).toMatch(/^[0-9a-f]{12}$/);
    expect(pseudonyms(await dashboard(projectId))).toEqual(first);
  });

  it("gives the same labeler another pseudonym on another project, so projects cannot be joined", async () => {
    const here = new Set(pseudonyms(await dashboard(projectId)).activity);
    const there = pseudonyms(await dashboard(otherProjectId)).activity;
    expect(there).toHaveLength(3);
    for (const p of there) expect(here.has(p)).toBe(false);
  });
});

describe("the raw export", () => {
  it("carries the dashboard's pseudonym as labeler_id, never the account id", async () => {
    const { loader } = await import("~/routes/api.v1+/projects.$projectId.export.ts");
    const response = await call(
      loader as never,
      apiRequest(`/api/v1/projects/${projectId}/export?kind=raw`, ownerKey),
      {
        projectId,
      },
    );
    const text = await response.text();
    for (const l of labelers) expect(text).not.toContain(l.id);
    const rows = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { labeler_id: string });
    expect(rows.length).toBeGreaterThan(0);
    const exported = [...new Set(rows.map((r) => r.labeler_id))].sort();
    expect(exported).toEqual(pseudonyms(await dashboard(projectId)).activity);
  });
});
