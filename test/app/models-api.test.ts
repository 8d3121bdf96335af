import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { ingestDataset } from "../../datasets/index.ts";
import { getCreditBalance, grantCredits, sumCreditLedger } from "../../db/queries/credits.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import { createModelVersion, getModel, listModelAgreement, updateModel } from "../../db/queries/models.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { items, rewardModels } from "../../db/schema/index.ts";
import { judgementWords } from "~/utils/judgement.ts";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let upstream: Server;
let requesterKey = "";
let premiumKey = "";
let plainKey = "";
let premiumUserId = "";
let projectId = "";
let requesterId = "";
let modelId = "";

const line = (i: number) =>
  JSON.stringify({
    id: `m${i}`,
    prompt: `Question ${i}: explain topic ${i % 7}`,
    response_a: `A careful, correct and helpful explanation of topic ${i % 7} with an example.`,
    response_b: `idk lol ${i}`,
  });

beforeAll(async () => {
  h = await bootApp();
  const requester = await makeUser(h.db, "requester");
  requesterId = requester.id;
  requesterKey = await createApiKey(h.db, { userId: requester.id, name: "r" });
  const project = await makeProject(h.db, requester.id, { labelsPerItem: 2 });
  projectId = project.id;
  await ingestDataset(h.db, {
    project,
    input: Readable.from([Array.from({ length: 60 }, (_, i) => line(i)).join("\n")]),
    filename: "a.jsonl",
    format: "jsonl",
  });
  for (let l = 0; l < 2; l++) {
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId, labelerId: labeler.id, answer: () => "a" });
  }
  // Ten more items nobody has answered yet: the published model orders them.
  await ingestDataset(h.db, {
    project,
    input: Readable.from([Array.from({ length: 10 }, (_, i) => line(100 + i)).join("\n")]),
    filename: "b.jsonl",
    format: "jsonl",
  });
  const premium = await makeUser(h.db, "labeler");
  premiumUserId = premium.id;
  premiumKey = await createApiKey(h.db, { userId: premium.id, name: "p", scope: "premium" });
  plainKey = await createApiKey(h.db, { userId: premium.id, name: "a" });

  upstream = createServer((request, response) => {
    let body = "";
    request.on("data", (d) => (body += d));
    request.on("end", () => {
      const { n } = JSON.parse(body);
      const texts = ["idk", "A careful, correct and helpful explanation with an example.", "no", "meh"].slice(0, n);
      response.setHeader("Content-Type", "application/json");
      response.end(
        JSON.stringify({
          choices: texts.map((content, index) => ({ index, message: { role: "assistant", content } })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  process.env.LLM_UPSTREAM_URL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
}, 120_000);
afterAll(async () => {
  upstream.close();
  await h.close();
});

describe("reward models in the product", () => {
  it("trains a version from the project's consensus in a job, then publishes it", async () => {
    const { action, loader } = await import("~/routes/api.v1+/projects.$projectId.models.ts");
    const started = await call(action as never, apiRequest(`/api/v1/projects/${projectId}/models`, requesterKey, {}), {
      projectId,
    });
    expect(started.status).toBe(202);
    modelId = (await started.json()).model.id;
    const { runDueJobs } = await import("../../jobs/worker.ts");
    const { services } = await import("~/utils/services.server.ts");
    await runDueJobs(services);
    const model = await getModel(h.db, modelId);
    expect(model).toMatchObject({ status: "ready", pairs: 60 });
    // The training reported into its job as well (which keeps the job's lock alive on long runs).
    const job = await latestJob(h.db, { kind: "train", key: modelId });
    expect(job).toMatchObject({ status: "done", progress: { epoch: expect.any(Number) } });
    const metrics = model!.metrics as { heldOut: { accuracy: number } };
    expect(metrics.heldOut.accuracy).toBeGreaterThan(0.9);
    const listed = await (
      await call(loader as never, apiRequest(`/api/v1/projects/${projectId}/models`, requesterKey), { projectId })
    ).json();
    expect(listed.models[0].progress.curve.length).toBeGreaterThan(0);

    const published = await call(
      action as never,
      apiRequest(`/api/v1/projects/${projectId}/models`, requesterKey, { publish: modelId }),
      { projectId },
    );
    expect(published.status).toBe(200);
    await runDueJobs(services);
    const open = await h.db
      .select()
      .from(items)
      .where(sql`${items.projectId} = ${projectId} and not ${items.done}`);
    expect(open).toHaveLength(10);
    for (const item of open) expect(item.priority).toBeGreaterThanOrEqual(0);
    expect(open.some((i) => i.priority > 0)).toBe(true);
    const agreement = await listModelAgreement(h.db, modelId);
    expect(agreement[0]).toMatchObject({ items: 60 });
    expect(agreement[0].agreement).toBeGreaterThan(0.9);
  }, 120_000);

  it("lets the project's owner download the model's files, and nobody through another project's address", async () => {
    const { loader } = await import("~/routes/projects+/$projectId.models.$modelId.$file.ts");
    const download = async (userId: string, project: string, file: string) =>
      call(
        loader as never,
        request(`/projects/${project}/models/${modelId}/${file}`, { cookie: await sessionCookie(userId) }),
        { projectId: project, modelId, file },
      );
    const onnx = await download(requesterId, projectId, "model.onnx");
    expect(onnx.status).toBe(200);
    expect(
      Buffer.from(await onnx.arrayBuffer()).equals(
        await readFile(path.join((await getModel(h.db, modelId))!.dir!, "model.onnx")),
      ),
    ).toBe(true);
    expect((await (await download(requesterId, projectId, "metadata.json")).json()).format).toBe(
      "pairwise-reward-model",
    );
    expect((await download(requesterId, projectId, "other.txt")).status).toBe(404);
    const other = await makeUser(h.db, "requester");
    const theirs = await makeProject(h.db, other.id);
    expect((await download(other.id, theirs.id, "model.onnx")).status).toBe(404);
  });

  it("refuses to train on a project that is not pairwise, from the API and from the dashboard alike", async () => {
    const owner = await makeUser(h.db, "requester");
    const key = await createApiKey(h.db, { userId: owner.id, name: "label" });
    const labels = await makeProject(h.db, owner.id, { taskType: "label", categories: ["x", "y"] });
    const api = await import("~/routes/api.v1+/projects.$projectId.models.ts");
    const refused = await call(api.action as never, apiRequest(`/api/v1/projects/${labels.id}/models`, key, {}), {
      projectId: labels.id,
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe("not_pairwise");

    const page = await import("~/routes/projects+/$projectId._index.tsx");
    const form = await csrfFormPost(`/projects/${labels.id}`, await sessionCookie(owner.id), { intent: "train" });
    const posted = await call(page.action as never, form, { projectId: labels.id });
    expect(await posted.json()).toEqual({
      message: null,
      errors: [
        "Reward models are trained on projects that compare responses (pairwise, or a preference or ranking question).",
      ],
    });
    expect(await h.db.select().from(rewardModels).where(eq(rewardModels.projectId, labels.id))).toEqual([]);
  });

  it("scores, ranks and judges for credits; refuses a non-premium key; 402 when out of credits", async () => {
    await grantCredits(h.db, { userId: premiumUserId, credits: 10n, ref: "test" });
    const score = (await import("~/routes/api.v1+/models.$modelId.score.ts")).action;
    const rank = (await import("~/routes/api.v1+/models.$modelId.rank.ts")).action;
    const good = "A careful, correct and helpful explanation of topic 3 with an example.";
    const scored = await call(
      score as never,
      apiRequest(`/api/v1/models/${modelId}/score`, premiumKey, {
        prompt: "Question: explain topic 3",
        responses: ["idk", good],
      }),
      { modelId },
    );
    const body = await scored.json();
    expect(scored.status).toBe(200);
    expect(body.rewards[1]).toBeGreaterThan(body.rewards[0]);
    expect(body.credits).toEqual({ spent: "2", balance: "8" });
    const ranked = await (
      await call(
        rank as never,
        apiRequest(`/api/v1/models/${modelId}/rank`, premiumKey, {
          prompt: "Question: explain topic 3",
          responses: ["idk", good, "no"],
        }),
        { modelId },
      )
    ).json();
    expect(ranked.ranking[0].response).toBe(good);

    const wrongKey = await call(
      score as never,
      apiRequest(`/api/v1/models/${modelId}/score`, plainKey, { prompt: "p", responses: ["r"] }),
      { modelId },
    );
    expect(wrongKey.status).toBe(401);
    const tooMany = await call(
      score as never,
      apiRequest(`/api/v1/models/${modelId}/score`, premiumKey, { prompt: "p", responses: Array(6).fill("r") }),
      { modelId },
    );
    expect(tooMany.status).toBe(402);
    expect((await tooMany.json()).error).toMatchObject({
      code: "insufficient_credits",
      message: "This call costs 6 credits and your balance is 5.",
    });
  });

  it("never lets 50 concurrent judgements spend more credits than there are", async () => {
    const balance = await getCreditBalance(h.db, premiumUserId);
    await grantCredits(h.db, { userId: premiumUserId, credits: 31n - balance, ref: "test" });
    const judge = (await import("~/routes/api.v1+/models.$modelId.judge.ts")).action;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(
          judge as never,
          apiRequest(`/api/v1/models/${modelId}/judge`, premiumKey, { prompt: "p", a: "x", b: "y" }),
          { modelId },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(15);
    expect(statuses.filter((s) => s === 402)).toHaveLength(35);
    expect(await getCreditBalance(h.db, premiumUserId)).toBe(1n);
    expect(await sumCreditLedger(h.db, premiumUserId)).toBe(1n);
  });

  it("answers chat completions with the upstream candidate the reward model ranks highest", async () => {
    await grantCredits(h.db, { userId: premiumUserId, credits: 40n, ref: "test" });
    const { action } = await import("~/routes/api.v1+/chat.completions.ts");
    const response = await call(
      action as never,
      apiRequest("/api/v1/chat/completions", premiumKey, {
        model: modelId,
        n: 4,
        messages: [{ role: "user", content: "Question: explain topic 2" }],
      }),
    );
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body.choices[0].message.content).toBe("A careful, correct and helpful explanation with an example.");
    expect(body.best_of_n).toMatchObject({ n: 4, chosen: 1 });
    expect(body.credits.spent).toBe("20");
  });

  it("answers a refused or failed premium call with the caller's credits too, having spent none", async () => {
    const balance = await getCreditBalance(h.db, premiumUserId);
    const unchanged = { spent: "0", balance: balance.toString() };
    const score = (await import("~/routes/api.v1+/models.$modelId.score.ts")).action;
    const needed = balance + 1n;
    const tooMany = await call(
      score as never,
      apiRequest(`/api/v1/models/${modelId}/score`, premiumKey, {
        prompt: "p",
        responses: Array(Number(needed)).fill("r"),
      }),
      { modelId },
    );
    expect(tooMany.status).toBe(402);
    expect(await tooMany.json()).toEqual({
      error: {
        code: "insufficient_credits",
        message: `This call costs ${needed} credits and your balance is ${balance}.`,
      },
      credits: unchanged,
    });

    const { env } = await import("../../config/env.ts");
    const chat = (await import("~/routes/api.v1+/chat.completions.ts")).action;
    const url = env.LLM_UPSTREAM_URL;
    env.LLM_UPSTREAM_URL = undefined;
    let noUpstream: Response;
    try {
      noUpstream = await call(
        chat as never,
        apiRequest("/api/v1/chat/completions", premiumKey, {
          model: modelId,
          n: 1,
          messages: [{ role: "user", content: "hi" }],
        }),
      );
    } finally {
      env.LLM_UPSTREAM_URL = url;
    }
    expect(noUpstream.status).toBe(503);
    expect(await noUpstream.json()).toEqual({
      error: { code: "no_upstream", message: expect.stringContaining("LLM_UPSTREAM_URL") },
      credits: unchanged,
    });

    const badInput = await call(
      score as never,
      apiRequest(`/api/v1/models/${modelId}/score`, premiumKey, { prompt: "", responses: ["r"] }),
      { modelId },
    );
    expect(badInput.status).toBe(400);
    expect((await badInput.json()).credits).toEqual(unchanged);
    expect(await getCreditBalance(h.db, premiumUserId)).toBe(balance);

    // Before the key is accepted there is no account to tell the credits of.
    const wrongKey = await call(
      score as never,
      apiRequest(`/api/v1/models/${modelId}/score`, plainKey, { prompt: "p", responses: ["r"] }),
      { modelId },
    );
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).not.toHaveProperty("credits");
  });
  it("refuses to train below the minimum of decided items, making no version, from the API too", async () => {
    const owner = await makeUser(h.db, "requester");
    const key = await createApiKey(h.db, { userId: owner.id, name: "few" });
    const few = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
    await ingestDataset(h.db, {
      project: few,
      input: Readable.from([Array.from({ length: 5 }, (_, i) => line(i)).join("\n")]),
      filename: "few.jsonl",
      format: "jsonl",
    });
    await answerTasks(h.db, { projectId: few.id, labelerId: (await makeUser(h.db, "labeler")).id, answer: () => "a" });
    const { action } = await import("~/routes/api.v1+/projects.$projectId.models.ts");
    // The consensus is brought up to date first: the five answers count although no run has happened yet.
    const refused = await call(action as never, apiRequest(`/api/v1/projects/${few.id}/models`, key, {}), {
      projectId: few.id,
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toEqual({
      code: "not_enough_pairs",
      message: "Training needs at least 20 items with a consensus preference; the project has 5 so far.",
    });
    expect(await h.db.select().from(rewardModels).where(eq(rewardModels.projectId, few.id))).toEqual([]);
  });

  it("asks before publishing, from the dashboard, a version that does worse than the longer response", async () => {
    const trained = (await getModel(h.db, modelId))!;
    const weak = await createModelVersion(h.db, projectId);
    await updateModel(h.db, weak.id, {
      status: "ready",
      dir: trained.dir,
      pairs: 60,
      metrics: { bestEpoch: 3, heldOut: { n: 11, accuracy: 0.545, lengthBaselineAccuracy: 0.636 } },
    });
    const cookie = await sessionCookie(requesterId);
    const page = await import("~/routes/projects+/$projectId._index.tsx");
    const loaded = await (
      await call(page.loader as never, request(`/projects/${projectId}`, { cookie }), { projectId })
    ).json();
    expect(loaded.status.models.find((m: { id: string }) => m.id === weak.id)).toMatchObject({
      weak: true,
      heldOutAccuracy: 0.545,
      lengthBaseline: 0.636,
      bestEpoch: 3,
    });
    expect(loaded.status.models.find((m: { id: string }) => m.id === modelId)).toMatchObject({ weak: false });

    const publish = async (fields: Record<string, string>) =>
      (
        await call(
          page.action as never,
          await csrfFormPost(`/projects/${projectId}`, cookie, { intent: "publish", modelId: weak.id, ...fields }),
          { projectId },
        )
      ).json();
    expect(await publish({})).toEqual({
      message: null,
      errors: [
        `Version ${weak.version} ranks 54.5% of held-out pairs like the consensus, below the 63.6% of "the longer response wins": confirm to publish it anyway.`,
      ],
    });
    expect((await getModel(h.db, weak.id))!.publishedAt).toBeNull();
    expect((await getModel(h.db, modelId))!.publishedAt).not.toBeNull();

    expect((await publish({ confirm: "weak" })).errors).toBeNull();
    expect((await getModel(h.db, weak.id))!.publishedAt).not.toBeNull();
    // A version that beats the baseline is published at once.
    expect((await publish({ modelId })).errors).toBeNull();
    expect((await getModel(h.db, modelId))!.publishedAt).not.toBeNull();

    // The API asks the same: a weak version is refused (409) until the caller confirms it.
    const { action } = await import("~/routes/api.v1+/projects.$projectId.models.ts");
    const viaApi = (body: object) =>
      call(action as never, apiRequest(`/api/v1/projects/${projectId}/models`, requesterKey, body), { projectId });
    const refused = await viaApi({ publish: weak.id });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatchObject({ code: "below_baseline", message: /below the 63.6%/ });
    expect((await getModel(h.db, weak.id))!.publishedAt).toBeNull();
    expect((await viaApi({ publish: weak.id, confirmWeak: "yes" })).status).toBe(400);
    const confirmed = await viaApi({ publish: weak.id, confirmWeak: true });
    expect(await confirmed.json()).toEqual({ published: weak.id });
    expect((await getModel(h.db, weak.id))!.publishedAt).not.toBeNull();
    expect((await viaApi({ publish: modelId })).status).toBe(200);
    expect((await getModel(h.db, modelId))!.publishedAt).not.toBeNull();
  });

  it("judges in words that name the better response, whichever side it is on", async () => {
    await grantCredits(h.db, { userId: premiumUserId, credits: 4n, ref: "test" });
    const judge = (await import("~/routes/api.v1+/models.$modelId.judge.ts")).action;
    const good = "A careful, correct and helpful explanation of topic 3 with an example.";
    const verdict = async (a: string, b: string) => {
      const response = await call(
        judge as never,
        apiRequest(`/api/v1/models/${modelId}/judge`, premiumKey, { prompt: "Question: explain topic 3", a, b }),
        { modelId },
      );
      return judgementWords((await response.json()).probability);
    };
    const bWins = await verdict("idk", good);
    expect(bWins.winner).toBe("B");
    expect(bWins.text).toMatch(/^B is better, (5[1-9]|[6-9]\d|100)%$/);
    expect((await verdict(good, "idk")).text).toMatch(/^A is better, \d+%$/);
  });
});
