import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "../../config/env.ts";
import type { DbHandle } from "../../db/client.ts";
import { getGeneration, listGenerationErrors } from "../../db/queries/generation.ts";
import { getJob, latestJob } from "../../db/queries/jobs.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items, type FormContent, type Message, type Question } from "../../db/schema/index.ts";
import { generationJob, runGeneration, startGeneration } from "../../jobs/generate-responses.ts";
import { queueResponseGeneration } from "../../jobs/queue.ts";
import { createServices } from "../../jobs/services.ts";
import { upstreamConfig } from "../../jobs/upstream-llm.ts";
import { runDueJobs } from "../../jobs/worker.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

interface UpstreamCall {
  model: string;
  messages: Message[];
  n: number;
  temperature: number;
  authorization?: string;
}

let h: DbHandle;
let upstream: Server;
let upstreamEnv: typeof env;
const calls: UpstreamCall[] = [];
const FAST = { retryBaseMs: 5, maxRetryMs: 20, timeoutMs: 1_500 };
const RANKING: Question[] = [{ type: "ranking", name: "best", title: "Order the responses", required: true }];

/**
 * An OpenAI-compatible upstream that answers by the last message: "flaky" fails twice (503, then 429) before it
 * answers, "slow" first answers too late for the client's timeout, "broken" always fails with 500, "refused" is
 * a 400 (not worth retrying). Model "beta" ignores `n` and gives one reply per call, as some servers do.
 */
function fakeUpstream() {
  const seen = new Map<string, number>();
  return createServer((request, response) => {
    let body = "";
    request.on("data", (d) => (body += d));
    request.on("end", () => {
      const call = JSON.parse(body) as UpstreamCall;
      calls.push({ ...call, authorization: request.headers.authorization });
      const last = call.messages[call.messages.length - 1].content;
      const key = `${call.model}|${last}`;
      const attempt = (seen.get(key) ?? 0) + 1;
      seen.set(key, attempt);
      const fail = (status: number, message: string, headers: Record<string, string> = {}) => {
        response.writeHead(status, { "Content-Type": "application/json", ...headers });
        response.end(JSON.stringify({ error: { message } }));
      };
      if (last.includes("broken")) return fail(500, "model overloaded");
      if (last.includes("refused")) return fail(400, "This model's maximum context length is 8192 tokens");
      if (last.includes("flaky") && attempt === 1) return fail(503, "try later");
      if (last.includes("flaky") && attempt === 2) return fail(429, "slow down", { "Retry-After": "0" });
      const reply = () => {
        const count = call.model === "beta" ? 1 : call.n;
        const choices = Array.from({ length: count }, (_, index) => ({
          index,
          message: { role: "assistant", content: `${call.model} #${attempt}.${index} on ${last}` },
        }));
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ choices }));
      };
      if (last.includes("slow") && attempt === 1) setTimeout(reply, 6_000);
      else reply();
    });
  });
}

beforeAll(async () => {
  h = await createTestDb();
  upstream = fakeUpstream();
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  upstreamEnv = { ...env, LLM_UPSTREAM_URL: url, LLM_UPSTREAM_API_KEY: "sk-test", LLM_UPSTREAM_MODEL: "alpha" };
});
afterAll(async () => {
  upstream.closeAllConnections();
  upstream.close();
  await h.close();
});

async function formProject(questions: Question[] = RANKING): Promise<Project> {
  const owner = await makeUser(h.db, "requester");
  return makeProject(h.db, owner.id, { taskType: "form", questions });
}

async function addItems(project: Project, rows: { id: string; content: Partial<FormContent>; awaiting?: boolean }[]) {
  return h.db
    .insert(items)
    .values(
      rows.map((r) => ({
        projectId: project.id,
        externalId: r.id,
        content: { kind: "form" as const, responses: [], ...r.content },
        awaitingResponses: r.awaiting ?? true,
        labelsWanted: 3,
      })),
    )
    .returning();
}

async function contentOf(itemId: number) {
  const [row] = await h.db.select().from(items).where(eq(items.id, itemId));
  return { awaiting: row.awaitingResponses, content: row.content as FormContent };
}

const callsFor = (text: string) => calls.filter((c) => c.messages[c.messages.length - 1].content === text);

/** A worker that runs only generation jobs, with short retries and timeouts. */
const generationWorker = (options = {}) =>
  runDueJobs(createServices(h.db, upstreamEnv), {
    handlers: { "generate-responses": generationJob(upstreamEnv, { ...FAST, ...options }) },
  });

describe("responses generated for waiting items", () => {
  it("fills each waiting item with n responses from the models in turn, retrying transient failures and recording lasting ones", async () => {
    const project = await formProject();
    const conversation: Message[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hello" },
      { role: "assistant", content: "Hi." },
      { role: "user", content: "a flaky question" },
    ];
    const [plain, chat, slow, broken, refused, last] = await addItems(project, [
      { id: "plain", content: { prompt: "a plain question" } },
      { id: "chat", content: { messages: conversation } },
      { id: "slow", content: { prompt: "a slow question" } },
      { id: "broken", content: { prompt: "a broken question" } },
      { id: "refused", content: { prompt: "a refused question" } },
      { id: "last", content: { prompt: "the last question" } },
    ]);
    const [uploaded] = await addItems(project, [
      {
        id: "uploaded",
        content: { prompt: "answered already", responses: [{ text: "x" }, { text: "y" }] },
        awaiting: false,
      },
    ]);
    const other = await formProject();
    const [elsewhere] = await addItems(other, [{ id: "elsewhere", content: { prompt: "another project's question" } }]);

    const queued = await startGeneration(h.db, {
      projectId: project.id,
      models: ["alpha", "beta"],
      n: 4,
      temperature: 0.7,
    });
    expect(queued).toMatchObject({ status: "queued", itemsTotal: 6, itemsDone: 0 });
    expect(await generationWorker()).toBe(1);

    const generation = await getGeneration(h.db, queued.id);
    expect(generation).toMatchObject({ status: "done", itemsTotal: 6, itemsDone: 4, itemsFailed: 2, error: null });
    const job = await latestJob(h.db, { kind: "generate-responses", key: queued.id });
    expect(job).toMatchObject({
      status: "done",
      result: { status: "done", itemsDone: 4, itemsFailed: 2 },
      progress: { itemsTotal: 6, itemsDone: 4, itemsFailed: 2 },
    });

    for (const item of [plain, chat, slow, last]) {
      const { awaiting, content } = await contentOf(item.id);
      expect(awaiting).toBe(false);
      expect(content.responses.map((r) => r.model)).toEqual(["alpha", "beta", "alpha", "beta"]);
      const asked = content.messages?.at(-1)?.content ?? content.prompt!;
      for (const r of content.responses) expect(r.text).toMatch(new RegExp(`^${r.model} #\\d\\.\\d on ${asked}$`));
      expect(new Set(content.responses.map((r) => r.text)).size).toBe(4);
    }
    // The conversation is sent as it is; a prompt becomes one user message.
    expect(callsFor("a flaky question")[0].messages).toEqual(conversation);
    expect(callsFor("a plain question")[0].messages).toEqual([{ role: "user", content: "a plain question" }]);
    // alpha is asked for its two responses at once; beta, which ignores n, is asked again for the second.
    expect(callsFor("a plain question").map((c) => [c.model, c.n])).toEqual([
      ["alpha", 2],
      ["beta", 2],
      ["beta", 1],
    ]);
    expect(callsFor("a plain question").every((c) => c.temperature === 0.7)).toBe(true);
    expect(callsFor("a plain question")[0].authorization).toBe("Bearer sk-test");
    // 503 and 429 were retried for each model until it answered; the slow call was given up and asked again.
    expect(callsFor("a flaky question").filter((c) => c.model === "alpha")).toHaveLength(3);
    expect(callsFor("a slow question").filter((c) => c.model === "alpha")).toHaveLength(2);

    // Lasting failures: the 500 after every attempt, the 400 at once; both items keep waiting, untouched.
    expect(callsFor("a broken question")).toHaveLength(4);
    expect(callsFor("a refused question")).toHaveLength(1);
    for (const item of [broken, refused]) expect(await contentOf(item.id)).toMatchObject({ awaiting: true });
    expect((await contentOf(broken.id)).content.responses).toEqual([]);
    const errors = await listGenerationErrors(h.db, [queued.id]);
    expect(errors).toMatchObject([
      { externalId: "broken", attempts: 4, message: "alpha: The upstream LLM answered 500 (model overloaded)" },
      {
        externalId: "refused",
        attempts: 1,
        message: "alpha: The upstream LLM answered 400 (This model's maximum context length is 8192 tokens)",
      },
    ]);

    // Items that were not waiting, or belong to another project, are left alone.
    expect((await contentOf(uploaded.id)).content.responses).toEqual([{ text: "x" }, { text: "y" }]);
    expect(await contentOf(elsewhere.id)).toMatchObject({ awaiting: true, content: { responses: [] } });
    expect(callsFor("another project's question")).toHaveLength(0);
  });

  it("resumes after a crash without asking again for, or duplicating, the items filled before it", async () => {
    const project = await formProject();
    const rows = await addItems(
      project,
      [0, 1, 2, 3, 4].map((i) => ({ id: `c${i}`, content: { prompt: `crash question ${i}` } })),
    );
    const queued = await startGeneration(h.db, { projectId: project.id, models: ["alpha"], n: 2, temperature: 1 });

    // The first worker dies after its second item: it stops for good and no longer extends the job's lock.
    let died!: () => void;
    const dead = new Promise<void>((resolve) => (died = resolve));
    let reports = 0;
    const dying = async (payload: Record<string, unknown>, ctx: Parameters<typeof runGeneration>[0]) =>
      runGeneration(
        {
          ...ctx,
          progress: async () => {
            if (++reports < 2) return;
            died();
            await new Promise(() => {});
          },
        },
        upstreamConfig(upstreamEnv),
        String(payload.generationId),
        { ...FAST, concurrency: 1 },
      );
    void runDueJobs(createServices(h.db, upstreamEnv), {
      handlers: { "generate-responses": dying },
      lockMs: 300,
      heartbeatMs: 1_000_000_000,
    });
    await dead;
    expect(await getGeneration(h.db, queued.id)).toMatchObject({ status: "running", itemsDone: 2 });

    // Another worker claims the job once the lock runs out, and finishes the rest.
    let ran = 0;
    while (ran === 0) {
      await new Promise((r) => setTimeout(r, 100));
      ran = await generationWorker();
    }
    expect(await getGeneration(h.db, queued.id)).toMatchObject({
      status: "done",
      itemsTotal: 5,
      itemsDone: 5,
      itemsFailed: 0,
    });
    const job = await latestJob(h.db, { kind: "generate-responses", key: queued.id });
    expect(job).toMatchObject({ status: "done", attempts: 2 });
    for (const [i, row] of rows.entries()) {
      const { awaiting, content } = await contentOf(row.id);
      expect(awaiting).toBe(false);
      expect(content.responses).toHaveLength(2);
      expect(callsFor(`crash question ${i}`)).toHaveLength(1);
    }

    // Running the finished generation again (a duplicate job) changes nothing and asks the upstream nothing.
    const before = calls.length;
    const again = await queueResponseGeneration(h.db, queued.id);
    expect(await generationWorker()).toBe(1);
    expect(await getJob(h.db, again)).toMatchObject({ status: "done", result: { skipped: true } });
    expect(calls.length).toBe(before);
    const after = await h.db
      .select()
      .from(items)
      .where(
        inArray(
          items.id,
          rows.map((r) => r.id),
        ),
      );
    expect(after.every((r) => (r.content as FormContent).responses.length === 2)).toBe(true);
  });

  it("fails the whole generation, with the reason, when nothing could be filled or no upstream is configured", async () => {
    const project = await formProject();
    const [broken] = await addItems(project, [{ id: "b", content: { prompt: "another broken question" } }]);
    const allFailed = await startGeneration(h.db, { projectId: project.id, models: ["alpha"], n: 2, temperature: 1 });
    await generationWorker({ attempts: 2 });
    expect(await getGeneration(h.db, allFailed.id)).toMatchObject({
      status: "failed",
      itemsFailed: 1,
      error: "No item could be filled (1 failed): see the errors listed",
    });

    // A later generation tries the item again; without an upstream it fails before asking anything.
    const noUpstream = await startGeneration(h.db, { projectId: project.id, models: ["alpha"], n: 2, temperature: 1 });
    const before = calls.length;
    await runDueJobs(createServices(h.db, env), {
      handlers: { "generate-responses": generationJob({ ...env, LLM_UPSTREAM_URL: undefined }) },
    });
    expect(await getGeneration(h.db, noUpstream.id)).toMatchObject({
      status: "failed",
      error: "No upstream LLM is configured (LLM_UPSTREAM_URL)",
    });
    expect(calls.length).toBe(before);
    expect(await contentOf(broken.id)).toMatchObject({ awaiting: true });
  });

  it("allows one queued or running generation per project at a time", async () => {
    const project = await formProject();
    await addItems(project, [{ id: "one", content: { prompt: "a plain question too" } }]);
    const params = { projectId: project.id, models: ["alpha"], n: 2, temperature: 1 };
    await startGeneration(h.db, params);
    await expect(startGeneration(h.db, params)).rejects.toMatchObject({ code: "generation_running" });
    await generationWorker();
    await expect(startGeneration(h.db, params)).resolves.toMatchObject({ status: "queued", itemsTotal: 0 });
  });
});
