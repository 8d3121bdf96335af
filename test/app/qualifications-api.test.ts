import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { labels, qualificationAttempts } from "../../db/schema/index.ts";
import { bearer, bootApp, call, request } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
let requester: Awaited<ReturnType<typeof makeUser>>;
let requesterKey = "";
let otherRequesterKey = "";
let labelerKey = "";
let labelerId = "";
let ajv: Ajv2020;

type Route = { loader?: unknown; action?: unknown };
const routes = {
  tests: () => import("~/routes/api.v1+/qualification-tests.ts"),
  items: () => import("~/routes/api.v1+/qualification-tests.$testId.items.ts"),
  attempts: () => import("~/routes/api.v1+/qualification-tests.$testId.attempts.ts"),
  attempt: () => import("~/routes/api.v1+/qualification-tests.$testId.attempts.$attemptId.ts"),
  requirements: () => import("~/routes/api.v1+/projects.$projectId.qualifications.ts"),
  tasks: () => import("~/routes/api.v1+/projects.$projectId.tasks.ts"),
};

/** Calls a route's loader (GET) or action (any other method) with an API key, as the router would. */
async function send(
  route: () => Promise<Route>,
  method: string,
  path: string,
  key: string,
  params: Record<string, string> = {},
  body?: unknown,
) {
  const mod = await route();
  const req = request(path, {
    method,
    headers: bearer(key, body === undefined ? {} : { "Content-Type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await call((method === "GET" ? mod.loader : mod.action) as never, req, params);
  return { status: response.status, body: await response.json() };
}

/** Checks a body against what the OpenAPI document says the endpoint answers with that status. */
function expectDocumented(method: string, docPath: string, answer: { status: number; body: unknown }) {
  const pointer = [
    "paths",
    docPath,
    method,
    "responses",
    String(answer.status),
    "content",
    "application/json",
    "schema",
  ]
    .map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1")))
    .join("/");
  const validate = ajv.compile({ $ref: `openapi#/${pointer}` });
  expect(validate(answer.body) ? null : validate.errors).toBeNull();
}

const test = {
  title: "Helpfulness basics",
  instructions: "Pick the reply that answers the question.",
  questions: [{ name: "better", type: "preference", title: "Which reply is better?" }],
  passMark: 0.75,
  maxAttempts: 2,
  retryAfterHours: 24,
  showAnswers: false,
};
const item = (n: number, known: "a" | "b") => ({
  prompt: `Question ${n}`,
  responses:
    known === "a" ? [{ text: `right ${n}` }, { text: `wrong ${n}` }] : [{ text: `wrong ${n}` }, { text: `right ${n}` }],
  answers: { better: known },
  explanation: `The ${known.toUpperCase()} reply answers question ${n}.`,
});

beforeAll(async () => {
  h = await bootApp();
  requester = await makeUser(h.db, "requester");
  requesterKey = await createApiKey(h.db, { userId: requester.id, name: "q" });
  otherRequesterKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "q" });
  const labeler = await makeUser(h.db, "labeler");
  labelerId = labeler.id;
  labelerKey = await createApiKey(h.db, { userId: labeler.id, name: "q" });
  const docRoute = await import("~/routes/api.v1+/openapi[.]json.ts");
  const doc = await (await call(docRoute.loader as never, request("/api/v1/openapi.json"))).json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi");
}, 60_000);
afterAll(() => h.close());

describe("qualification tests through the JSON API", () => {
  let testId = "";
  let projectId = "";
  let itemIds: number[] = [];

  it("creates a test, refusing bad settings with each field named", async () => {
    const bad = await send(
      routes.tests,
      "POST",
      "/api/v1/qualification-tests",
      requesterKey,
      {},
      {
        ...test,
        passMark: 1.5,
        questions: [{ name: "Bad", type: "preference", title: "?" }],
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
    expect(bad.body.error.message).toContain("passMark");
    const created = await send(routes.tests, "POST", "/api/v1/qualification-tests", requesterKey, {}, test);
    expect(created.status).toBe(201);
    expectDocumented("post", "/api/v1/qualification-tests", created);
    expect(created.body.test).toMatchObject({ title: test.title, passMark: 0.75, items: 0, validDays: null });
    // Unpaid unless a reward per attempt is given (base units); one above the bonus limit is refused.
    expect(created.body.test.rewardPerAttempt).toBe("0");
    const tooRich = await send(
      routes.tests,
      "POST",
      "/api/v1/qualification-tests",
      requesterKey,
      {},
      {
        ...test,
        rewardPerAttempt: (10n ** 12n + 1n).toString(),
      },
    );
    expect(tooRich.status).toBe(400);
    expect(tooRich.body.error.message).toContain("rewardPerAttempt");
    testId = created.body.test.id;
    const labelerTry = await send(routes.tests, "POST", "/api/v1/qualification-tests", labelerKey, {}, test);
    expect(labelerTry.status).toBe(403);
  });

  it("adds items all or nothing, naming the item and field of each problem; only its owner may", async () => {
    const path = `/api/v1/qualification-tests/${testId}/items`;
    const bad = await send(
      routes.items,
      "POST",
      path,
      requesterKey,
      { testId },
      {
        items: [
          item(1, "a"),
          { prompt: "No answers", responses: [{ text: "x" }, { text: "y" }] },
          { ...item(3, "a"), answers: { better: "c" } },
        ],
      },
    );
    expect(bad.status).toBe(422);
    expectDocumented("post", "/api/v1/qualification-tests/{testId}/items", bad);
    expect(bad.body.error.details).toEqual([
      { line: 2, message: 'give the known "answers" by question name' },
      { line: 3, message: expect.stringContaining('the known answer for "better" must be') },
    ]);
    const foreign = await send(routes.items, "POST", path, otherRequesterKey, { testId }, { items: [item(1, "a")] });
    expect(foreign.status).toBe(404);
    const added = await send(
      routes.items,
      "POST",
      path,
      requesterKey,
      { testId },
      {
        items: [item(1, "a"), item(2, "b"), item(3, "a"), item(4, "b")],
      },
    );
    expect(added.status).toBe(201);
    expectDocumented("post", "/api/v1/qualification-tests/{testId}/items", added);
    expect(added.body).toMatchObject({ added: 4, test: { items: 4 } });
    const listed = await send(routes.tests, "GET", "/api/v1/qualification-tests", requesterKey);
    expectDocumented("get", "/api/v1/qualification-tests", listed);
    expect(listed.body.tests.map((t: { id: string }) => t.id)).toEqual([testId]);
  });

  it("lets a project require only its owner's tests", async () => {
    const project = await makeProject(h.db, requester.id);
    await uploadPairs(h.db, project, 2);
    projectId = project.id;
    const path = `/api/v1/projects/${projectId}/qualifications`;
    const otherTest = await send(routes.tests, "POST", "/api/v1/qualification-tests", otherRequesterKey, {}, test);
    const foreign = await send(
      routes.requirements,
      "PUT",
      path,
      requesterKey,
      { projectId },
      {
        tests: [otherTest.body.test.id],
      },
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toContain("qualification test");
    const badQuality = await send(
      routes.requirements,
      "PUT",
      path,
      requesterKey,
      { projectId },
      {
        tests: [testId],
        minPriorQuality: 2,
      },
    );
    expect(badQuality.status).toBe(400);
    const set = await send(routes.requirements, "PUT", path, requesterKey, { projectId }, { tests: [testId] });
    expect(set.status).toBe(200);
    expectDocumented("put", "/api/v1/projects/{projectId}/qualifications", set);
    expect(set.body).toEqual({
      tests: [{ id: testId, title: test.title }],
      minPriorQuality: null,
      visibility: "public",
      labelers: [],
    });
    const read = await send(routes.requirements, "GET", path, requesterKey, { projectId });
    expect(read.body).toEqual(set.body);
  });

  it("makes a project private to invited emails, keeps the list when left out, and names a bad address", async () => {
    const project = await makeProject(h.db, requester.id);
    const path = `/api/v1/projects/${project.id}/qualifications`;
    const put = (body: object) => send(routes.requirements, "PUT", path, requesterKey, { projectId: project.id }, body);
    const bad = await put({ tests: [], visibility: "private", labelers: ["ann@example.test", "not an email"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^labelers\.1: Enter a valid email address/);
    const set = await put({ tests: [], visibility: "private", labelers: ["Ann@Example.test", "bo@example.test"] });
    expectDocumented("put", "/api/v1/projects/{projectId}/qualifications", set);
    expect(set.body).toMatchObject({ visibility: "private", labelers: ["ann@example.test", "bo@example.test"] });
    // Leaving visibility and labelers out changes only what is sent.
    const kept = await put({ tests: [], minPriorQuality: 0.5 });
    expect(kept.body).toMatchObject({ visibility: "private", labelers: ["ann@example.test", "bo@example.test"] });
    expect((await put({ tests: [], visibility: "secret" })).status).toBe(400);
  });

  it("refuses an unqualified labeler's lease with 403 not_qualified naming the test", async () => {
    const refused = await send(
      routes.tasks,
      "POST",
      `/api/v1/projects/${projectId}/tasks`,
      labelerKey,
      { projectId },
      {},
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: "not_qualified",
      message: `This project requires the qualification test "${test.title}": take it from your project list.`,
    });
  });

  it("starts an attempt with the items but never their known answers", async () => {
    const started = await send(
      routes.attempts,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts`,
      labelerKey,
      { testId },
      { projectId },
    );
    expect(started.body).toMatchObject({ attempt: {} });
    expect(started.status).toBe(201);
    expectDocumented("post", "/api/v1/qualification-tests/{testId}/attempts", started);
    const text = JSON.stringify(started.body);
    expect(text).not.toContain('"answers"');
    expect(text).not.toContain("explanation");
    expect(text).not.toContain("reply answers question");
    expect(started.body.items[0].responses).toEqual([
      { slot: "A", text: "right 1" },
      { slot: "B", text: "wrong 1" },
    ]);
    itemIds = started.body.items.map((i: { id: number }) => i.id);
    // Starting again resumes the open attempt.
    const again = await send(
      routes.attempts,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts`,
      labelerKey,
      { testId },
      {},
    );
    expect(again.body.attempt.id).toBe(started.body.attempt.id);
  });

  it("scores a failed attempt, hides the answers when the test does, and makes the labeler wait", async () => {
    const [open] = await h.db
      .select()
      .from(qualificationAttempts)
      .where(eq(qualificationAttempts.labelerId, labelerId));
    const path = `/api/v1/qualification-tests/${testId}/attempts/${open.id}`;
    const params = { testId, attemptId: String(open.id) };
    const invalid = await send(routes.attempt, "POST", path, labelerKey, params, {
      answers: { [itemIds[0]]: { better: "Z" } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("invalid_answer");
    const finished = await send(routes.attempt, "POST", path, labelerKey, params, {
      answers: { [itemIds[0]]: { better: "A" }, [itemIds[1]]: { better: "A" }, [itemIds[2]]: { better: "A" } },
    });
    expect(finished.status).toBe(200);
    expectDocumented("post", "/api/v1/qualification-tests/{testId}/attempts/{attemptId}", finished);
    expect(finished.body.result).toMatchObject({ correct: 2, total: 4, passed: false, answersShown: false });
    expect(finished.body.result.wrong).toEqual([
      { itemId: itemIds[1], position: 2, yourAnswer: { "Which reply is better?": "A is better" } },
      { itemId: itemIds[3], position: 4, yourAnswer: { "Which reply is better?": "no answer" } },
    ]);
    expect(finished.body.result.next).toMatchObject({ kind: "wait", attemptsLeft: 1 });
    const twice = await send(routes.attempt, "POST", path, labelerKey, params, { answers: {} });
    expect(twice.status).toBe(409);
    const retry = await send(
      routes.attempts,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts`,
      labelerKey,
      { testId },
      {},
    );
    expect(retry.status).toBe(409);
    expectDocumented("post", "/api/v1/qualification-tests/{testId}/attempts", retry);
    expect(retry.body.error.code).toBe("retry_later");
  });

  it("admits the labeler after a pass on the second attempt, and test answers are no project answers", async () => {
    // The retry wait is over.
    await h.db
      .update(qualificationAttempts)
      .set({ finishedAt: sql`now() - interval '25 hours'` })
      .where(eq(qualificationAttempts.labelerId, labelerId));
    const started = await send(
      routes.attempts,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts`,
      labelerKey,
      { testId },
      {},
    );
    expect(started.status).toBe(201);
    const attemptId = String(started.body.attempt.id);
    const answers = Object.fromEntries(itemIds.map((id, i) => [id, { better: i % 2 === 0 ? "A" : "B" }]));
    const passed = await send(
      routes.attempt,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts/${attemptId}`,
      labelerKey,
      { testId, attemptId },
      { answers },
    );
    expect(passed.body.result).toMatchObject({
      correct: 4,
      total: 4,
      passed: true,
      wrong: [],
      next: { kind: "passed" },
    });
    const leased = await send(
      routes.tasks,
      "POST",
      `/api/v1/projects/${projectId}/tasks`,
      labelerKey,
      { projectId },
      {},
    );
    expect(leased.status).toBe(200);
    expect(leased.body.task).not.toBeNull();
    expect(await h.db.select().from(labels).where(eq(labels.labelerId, labelerId))).toEqual([]);
  });

  it("another labeler cannot finish someone's attempt", async () => {
    const other = await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "q" });
    const [attempt] = await h.db
      .select()
      .from(qualificationAttempts)
      .where(eq(qualificationAttempts.labelerId, labelerId));
    const path = `/api/v1/qualification-tests/${testId}/attempts/${attempt.id}`;
    const refused = await send(
      routes.attempt,
      "POST",
      path,
      other,
      { testId, attemptId: String(attempt.id) },
      { answers: {} },
    );
    expect(refused.status).toBe(404);
  });
});

describe("a test that shows its answers", () => {
  it("tells a labeler who got an item wrong the known answer and why, after the attempt only", async () => {
    const created = await send(
      routes.tests,
      "POST",
      "/api/v1/qualification-tests",
      requesterKey,
      {},
      {
        ...test,
        showAnswers: true,
        maxAttempts: 1,
      },
    );
    const testId = created.body.test.id;
    await send(
      routes.items,
      "POST",
      `/api/v1/qualification-tests/${testId}/items`,
      requesterKey,
      { testId },
      {
        items: [item(1, "b")],
      },
    );
    const started = await send(
      routes.attempts,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts`,
      labelerKey,
      { testId },
      {},
    );
    expect(JSON.stringify(started.body)).not.toContain("reply answers question");
    const attemptId = String(started.body.attempt.id);
    const result = await send(
      routes.attempt,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts/${attemptId}`,
      labelerKey,
      { testId, attemptId },
      { answers: { [started.body.items[0].id]: { better: "A" } } },
    );
    expect(result.body.result.wrong).toEqual([
      {
        itemId: started.body.items[0].id,
        position: 1,
        yourAnswer: { "Which reply is better?": "A is better" },
        knownAnswer: { "Which reply is better?": "B is better" },
        explanation: "The B reply answers question 1.",
      },
    ]);
    expect(result.body.result.next).toEqual({ kind: "no_attempts_left" });
    const again = await send(
      routes.attempts,
      "POST",
      `/api/v1/qualification-tests/${testId}/attempts`,
      labelerKey,
      { testId },
      {},
    );
    expect(again).toMatchObject({ status: 403, body: { error: { code: "no_attempts_left" } } });
  });
});

describe("the documented request bodies", () => {
  /** The document's schema of a request body. */
  function bodySchema(method: string, docPath: string) {
    const pointer = ["paths", docPath, method, "requestBody", "content", "application/json", "schema"]
      .map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1")))
      .join("/");
    return ajv.compile({ $ref: `openapi#/${pointer}` });
  }

  it("accept what the server accepts and refuse what it refuses", async () => {
    const cases: {
      method: string;
      docPath: string;
      body: unknown;
      ok: boolean;
      send: () => Promise<{ status: number }>;
    }[] = [];
    const create = (body: unknown, ok: boolean) =>
      cases.push({
        method: "post",
        docPath: "/api/v1/qualification-tests",
        body,
        ok,
        send: () => send(routes.tests, "POST", "/api/v1/qualification-tests", requesterKey, {}, body),
      });
    create(test, true);
    create({ ...test, validDays: 30, showAnswers: true }, true);
    create({ title: "Short form", questions: test.questions, passMark: 1 }, true);
    create({ ...test, passMark: 0 }, false);
    create({ ...test, maxAttempts: 0 }, false);
    create({ ...test, showAnswers: "yes" }, false);
    create({ ...test, questions: [] }, false);
    create({ ...test, title: "ab" }, false);
    const project = await makeProject(h.db, requester.id);
    const put = (body: unknown, ok: boolean) =>
      cases.push({
        method: "put",
        docPath: "/api/v1/projects/{projectId}/qualifications",
        body,
        ok,
        send: () =>
          send(
            routes.requirements,
            "PUT",
            `/api/v1/projects/${project.id}/qualifications`,
            requesterKey,
            {
              projectId: project.id,
            },
            body,
          ),
      });
    put({ tests: [] }, true);
    put({ tests: [], minPriorQuality: 0.5 }, true);
    put({ tests: [], minPriorQuality: null }, true);
    put({ tests: ["not-a-uuid"] }, false);
    put({ tests: [], minPriorQuality: 1.5 }, false);
    put({}, false);
    for (const c of cases) {
      const answer = await c.send();
      expect(answer.status < 300, `server on ${JSON.stringify(c.body)}`).toBe(c.ok);
      expect(bodySchema(c.method, c.docPath)(c.body), `document on ${JSON.stringify(c.body)}`).toBe(c.ok);
    }
  });
});
