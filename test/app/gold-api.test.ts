import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import { items } from "../../db/schema/index.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { apiRequest, bearer, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let projectId = "";
const keys: Record<string, string> = {};
const ids: Record<string, string> = {};

const rows = Array.from({ length: 6 }, (_, i) =>
  JSON.stringify({
    id: `q${i}`,
    prompt: `prompt ${i}`,
    response_a: `a ${i}`,
    response_b: `b ${i}`,
    ...(i < 2 ? { gold: "a" } : {}),
  }),
).join("\n");

beforeAll(async () => {
  h = await bootApp();
  for (const [name, role] of [
    ["owner", "requester"],
    ["rival", "requester"],
    ["worker", "labeler"],
    ["peer", "labeler"],
    ["outsider", "labeler"],
  ] as const) {
    const user = await makeUser(h.db, role, name);
    ids[name] = user.id;
    keys[name] = await createApiKey(h.db, { userId: user.id, name: "k" });
  }
  projectId = (await makeProject(h.db, ids.owner, { labelsPerItem: 2 })).id;
});
afterAll(() => h.close());

async function getGold(who: string) {
  const { loader } = await import("~/routes/api.v1+/projects.$projectId.gold.ts");
  const response = await call(loader as never, apiRequest(`/api/v1/projects/${projectId}/gold`, keys[who]), {
    projectId,
  });
  return { status: response.status, body: await response.json() };
}

async function myQuality(who: string) {
  const { loader } = await import("~/routes/work+/quality.tsx");
  const response = await call(loader as never, request("/work/quality", { cookie: await sessionCookie(ids[who]) }));
  return response.json();
}

describe("gold commitments in the app", () => {
  it("queues the commitment after an API upload; the job posts it and the gold is then served", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.items.ts");
    const uploaded = await call(
      action as never,
      request(`/api/v1/projects/${projectId}/items?filename=gold.jsonl`, {
        method: "POST",
        headers: bearer(keys.owner),
        body: rows,
      }),
      { projectId },
    );
    expect(uploaded.status).toBe(201);
    expect(await latestJob(h.db, { kind: "gold-commit", key: projectId })).toMatchObject({ status: "queued" });
    const before = await getGold("owner");
    expect(before.body).toMatchObject({ status: "none", commitments: [] });

    const { runDueJobs } = await import("../../jobs/worker.ts");
    const { services } = await import("~/utils/services.server.ts");
    await runDueJobs(services, { kinds: ["gold-commit"] });
    for (const who of ["worker", "peer"])
      await answerTasks(h.db, { projectId, labelerId: ids[who], answer: () => "a" });
    expect((await runProjectConsensus(h.db, projectId)).status).toBe("done");
  });

  it("shows the owner every commitment at any time, and nobody else's project", async () => {
    const owner = await getGold("owner");
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ projectId, verified: true, status: "verified" });
    const [c] = owner.body.commitments;
    expect(c).toMatchObject({
      items: 2,
      revealedAt: null,
      gold: [
        ["q0", "a"],
        ["q1", "a"],
      ],
    });
    expect(c.signature).toBeTruthy();

    expect(await getGold("rival")).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await getGold("outsider")).toMatchObject({ status: 404 });
    expect(await getGold("worker")).toMatchObject({ status: 403, body: { error: { code: "not_revealed" } } });

    const { loader } = await import("~/routes/projects+/$projectId._index.tsx");
    const dashboard = await call(
      loader as never,
      request(`/projects/${projectId}`, { cookie: await sessionCookie(ids.owner) }),
      { projectId },
    );
    expect((await dashboard.json()).gold).toEqual([
      expect.objectContaining({ commitment: c.commitment, signature: c.signature, items: 2, revealedAt: null }),
    ]);
    expect((await myQuality("worker")).gold).toEqual({});
  });

  it("reveals on the requester's demand (CSRF form); labelers then get the salt and list, and can redo the hash", async () => {
    const page = await import("~/routes/projects+/$projectId._index.tsx");
    const refused = await call(
      page.action as never,
      request(`/projects/${projectId}`, {
        method: "POST",
        cookie: await sessionCookie(ids.owner),
        body: new URLSearchParams({ intent: "reveal-gold" }),
      }),
      { projectId },
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await getGold("worker")).status).toBe(403);

    const form = await csrfFormPost(`/projects/${projectId}`, await sessionCookie(ids.owner), {
      intent: "reveal-gold",
    });
    const revealed = await call(page.action as never, form, { projectId });
    expect(await revealed.json()).toEqual({
      message: "Revealed 1 gold commitment to this project's labelers.",
      errors: null,
    });

    const worker = await getGold("worker");
    expect(worker.status).toBe(200);
    expect(worker.body).toMatchObject({ verified: true, status: "verified" });
    const [c] = worker.body.commitments;
    const recomputed = createHash("sha256")
      .update(Buffer.concat([Buffer.from(c.salt, "hex"), Buffer.from(c.canonical, "utf8")]))
      .digest("hex");
    expect(recomputed).toBe(c.commitment);
    expect(JSON.stringify(c.gold)).toBe(c.canonical);
    expect(await getGold("rival")).toMatchObject({ status: 404 });
    expect(await getGold("outsider")).toMatchObject({ status: 404 });
  });

  it("says on My quality that the gold matches the chain, and warns once a stored gold answer changed", async () => {
    const { GoldVerification } = await import("~/components/gold-commitments.tsx");
    const page = await myQuality("worker");
    expect(page.standing).toMatchObject([{ projectId, goldAnswered: 2, goldCorrect: 2 }]);
    const ok = page.gold[projectId];
    expect(ok).toMatchObject({ status: "verified" });
    const shown = renderToStaticMarkup(GoldVerification({ report: ok })!);
    expect(shown).toContain("The gold used to score you matches the commitment posted on chain (transaction");
    expect(shown).toContain(ok.commitments[0].signature.slice(0, 16));

    await h.db
      .update(items)
      .set({ gold: "b" })
      .where(and(eq(items.projectId, projectId), eq(items.externalId, "q1")));
    const bad = (await myQuality("peer")).gold[projectId];
    expect(bad).toMatchObject({ status: "mismatch", verified: false });
    const warning = renderToStaticMarkup(GoldVerification({ report: bad })!);
    expect(warning).toContain("Warning: the gold used to score you does not match the commitment posted on chain.");
    expect(warning).toContain(
      "The gold answer of item &quot;q1&quot; is now &quot;b&quot;; the commitment says &quot;a&quot;.",
    );
    expect((await getGold("worker")).body).toMatchObject({ verified: false, status: "mismatch" });
  });
});
