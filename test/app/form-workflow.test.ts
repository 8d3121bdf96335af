import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { getModel } from "../../db/queries/models.ts";
import { apiRequest, bearer, bootApp, call, request } from "../support/app.ts";
import { fundProject, makeUser } from "../support/fixtures.ts";

// An end-to-end form project through the JSON API: create, upload conversations with three responses, answer a
// ranking + per-response rating + rewrite form, then export every kind and train a reward model on the rankings.

let h: DbHandle;
let requesterKey = "";
const labelerKeys: string[] = [];
let projectId = "";
const ITEMS = 24;

const quality = ["great", "fine", "poor"] as const;
const responseText: Record<(typeof quality)[number], (i: number) => string> = {
  great: (i) => `A careful, correct and complete answer about topic ${i % 5}, with a worked example.`,
  fine: (i) => `An answer about topic ${i % 5}.`,
  poor: (i) => `no idea ${i}`,
};

beforeAll(async () => {
  h = await bootApp();
  requesterKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "forms" });
  for (let i = 0; i < 3; i++)
    labelerKeys.push(await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "forms" }));
});
afterAll(() => h.close());

const lines = (lastLine = "") =>
  Array.from({ length: ITEMS }, (_, i) =>
    JSON.stringify({
      id: `conv-${i}`,
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: `Explain topic ${i % 5}, case ${i}.` },
      ],
      // The item's own order varies, so nothing can lean on "the first response is best".
      responses: [...quality]
        .sort((a, b) => ((a.length * 7 + i) % 3) - ((b.length * 7 + i) % 3))
        .map((q) => ({ text: responseText[q](i), model: `model-${q}` })),
    }),
  ).join("\n") + lastLine;

const readLines = async (response: Response) =>
  (await response.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("a ranking, rating and rewrite form from upload to reward model", () => {
  it("creates the project and uploads conversations all-or-nothing", async () => {
    const { action } = await import("~/routes/api.v1+/projects.ts");
    const created = await call(
      action as never,
      apiRequest("/api/v1/projects", requesterKey, {
        title: "Rank, rate, rewrite",
        labelsPerItem: 3,
        rewardPerLabel: 100,
        budget: 1_000_000,
        questions: [
          { name: "rank", type: "ranking", title: "Order the replies, best first" },
          { name: "helpful", type: "rating", title: "Helpfulness", min: 0, max: 4, per: "response" },
          { name: "rewrite", type: "text", title: "Improve the best reply", prefill: "best", required: false },
        ],
      }),
    );
    expect(created.status).toBe(201);
    projectId = (await created.json()).project.id;
    await fundProject(h.db, projectId, 1_000_000n);

    const items = await import("~/routes/api.v1+/projects.$projectId.items.ts");
    const upload = (body: string) =>
      call(
        items.action as never,
        request(`/api/v1/projects/${projectId}/items?filename=conversations.jsonl`, {
          method: "POST",
          headers: bearer(requesterKey),
          body,
        }),
        { projectId },
      );
    const bad = await upload(lines('\n{"prompt": "one reply only", "responses": ["x"]}'));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.details[0]).toMatchObject({ line: ITEMS + 1 });
    const ok = await upload(lines());
    expect(ok.status).toBe(201);
    expect((await ok.json()).upload).toMatchObject({ rows: ITEMS, inserted: ITEMS });
  });

  it("labelers answer from the task API; consensus, exports and training follow the crowd", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.tasks.ts");
    const post = (key: string, body: object) =>
      call(action as never, apiRequest(`/api/v1/projects/${projectId}/tasks`, key, body), { projectId });
    for (const key of labelerKeys) {
      let { task } = await (await post(key, {})).json();
      while (task) {
        const starts = { great: "A careful", fine: "An answer", poor: "no idea" };
        const slotOf = (q: (typeof quality)[number]) =>
          task.responses.find((r: { text: string }) => r.text.startsWith(starts[q])).slot as string;
        const response = await post(key, {
          intent: "answer",
          assignmentId: task.assignmentId,
          answers: {
            rank: [slotOf("great"), slotOf("fine"), slotOf("poor")],
            helpful: { [slotOf("great")]: 4, [slotOf("fine")]: 2, [slotOf("poor")]: 0 },
            rewrite: "An even more careful answer.",
          },
          timeSpentMs: 30_000,
        });
        expect(response.status).toBe(200);
        task = (await response.json()).task;
      }
    }

    const exportRoute = await import("~/routes/api.v1+/projects.$projectId.export.ts");
    const exported = (query: string) =>
      call(exportRoute.loader as never, apiRequest(`/api/v1/projects/${projectId}/export?${query}`, requesterKey), {
        projectId,
      });

    const best = await readLines(await exported("kind=preferences&pairs=best"));
    expect(best).toHaveLength(ITEMS * 2);
    for (const line of best) {
      expect(line.chosen_model).toBe("model-great");
      expect(line.confidence as number).toBeGreaterThan(0.5);
      // A conversation exports in TRL's conversational form.
      expect(line.prompt).toEqual([
        { role: "system", content: "Answer briefly." },
        { role: "user", content: expect.stringMatching(/^Explain topic/) },
      ]);
      expect(line.chosen).toEqual([{ role: "assistant", content: expect.stringMatching(/^A careful/) }]);
    }
    expect(await readLines(await exported("kind=preferences"))).toHaveLength(ITEMS * 3);

    const ratings = await readLines(await exported("kind=ratings"));
    expect(ratings).toHaveLength(ITEMS);
    for (const line of ratings) {
      const byModel = Object.fromEntries(
        (line.completions as { model: string; ratings: { helpful: { value: number } } }[]).map((c) => [
          c.model,
          c.ratings.helpful.value,
        ]),
      );
      expect(byModel).toEqual({ "model-great": 4, "model-fine": 2, "model-poor": 0 });
    }

    const sft = await readLines(await exported("kind=sft"));
    expect(sft).toHaveLength(ITEMS * 3);
    expect((sft[0].messages as { role: string; content: string }[]).at(-1)).toEqual({
      role: "assistant",
      content: "An even more careful answer.",
    });

    // The rewrites go on to a follow-up project where other labelers rate them: the export is that project's upload.
    const followUpText = await (await exported("kind=followup")).text();
    const followUp = followUpText
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(followUp).toHaveLength(ITEMS);
    expect(followUp[0]).toMatchObject({
      messages: [{ role: "system" }, { role: "user" }],
      responses: [{ text: "An even more careful answer." }, {}, {}],
      metadata: { question: "rewrite", left_out: 0 },
    });
    const { action: create } = await import("~/routes/api.v1+/projects.ts");
    const rating = await call(
      create as never,
      apiRequest("/api/v1/projects", requesterKey, {
        title: "Rate the rewrites",
        rewardPerLabel: 100,
        budget: 100_000,
        questions: [{ name: "quality", type: "rating", title: "How good is it?", min: 1, max: 5, per: "response" }],
      }),
    );
    const followUpId = (await rating.json()).project.id;
    const items = await import("~/routes/api.v1+/projects.$projectId.items.ts");
    const uploaded = await call(
      items.action as never,
      request(`/api/v1/projects/${followUpId}/items?filename=rewrites.jsonl`, {
        method: "POST",
        headers: bearer(requesterKey),
        body: followUpText,
      }),
      { projectId: followUpId },
    );
    expect(uploaded.status).toBe(201);
    expect((await uploaded.json()).upload).toMatchObject({ rows: ITEMS, inserted: ITEMS });

    const raw = await readLines(await exported("kind=raw"));
    expect(raw).toHaveLength(ITEMS * 3);
    expect(raw[0].answers).toMatchObject({ rewrite: "An even more careful answer." });

    const models = await import("~/routes/api.v1+/projects.$projectId.models.ts");
    const started = await call(
      models.action as never,
      apiRequest(`/api/v1/projects/${projectId}/models`, requesterKey, {}),
      { projectId },
    );
    expect(started.status).toBe(202);
    const modelId = (await started.json()).model.id;
    const { runDueJobs } = await import("../../jobs/worker.ts");
    const { services } = await import("~/utils/services.server.ts");
    await runDueJobs(services, { kinds: ["train"] });
    const model = await getModel(h.db, modelId);
    expect(model).toMatchObject({ status: "ready", pairs: ITEMS * 3 });
  }, 120_000);
});
