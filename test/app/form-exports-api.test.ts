import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { apiRequest, bootApp, call, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";
import {
  addFormItems,
  answerForms,
  makeFormProject,
  markConsensusFresh,
  setQuestionConsensus,
} from "../support/form-exports.ts";

let h: DbHandle;
let key = "";
let cookie = "";
let projectId = "";
let pairwiseId = "";
let ratingOnlyId = "";
let labelerId = "";

beforeAll(async () => {
  h = await bootApp();
  const owner = await makeUser(h.db, "requester");
  key = await createApiKey(h.db, { userId: owner.id, name: "exports" });
  cookie = await sessionCookie(owner.id);
  const project = await makeFormProject(
    h.db,
    owner.id,
    [
      { name: "rank", type: "ranking", title: "Order them" },
      { name: "rewrite", type: "text", title: "Improve the best", prefill: "best" },
      { name: "note", type: "text", title: "Anything else?", required: false },
    ],
    1,
  );
  projectId = project.id;
  pairwiseId = (await makeProject(h.db, owner.id)).id;
  ratingOnlyId = (
    await makeFormProject(h.db, owner.id, [{ name: "good", type: "rating", title: "How good", min: 1, max: 5 }])
  ).id;
  const ids = await addFormItems(h.db, projectId, [
    {
      id: "q1",
      content: { prompt: "Count to three", responses: [{ text: "1 2 3" }, { text: "one" }, { text: "3 2 1" }] },
    },
  ]);
  labelerId = (await makeUser(h.db, "labeler")).id;
  await answerForms(h.db, {
    projectId,
    labelerId,
    answer: () => ({ rank: [[0], [2], [1]], rewrite: "1, 2, 3." }),
  });
  await setQuestionConsensus(h.db, projectId, [
    {
      itemId: ids.get("q1")!,
      question: "rank",
      result: { type: "ranking", order: [0, 2, 1], scores: [2, 0, 1], adjacent: [0.7, 0.7] },
      confidence: 0.7,
    },
  ]);
  // The consensus inserted above counts as up to date: the export must not recompute it.
  await markConsensusFresh(h.db, projectId);
});
afterAll(() => h.close());

async function apiExport(query: string, id = projectId) {
  const { loader } = await import("~/routes/api.v1+/projects.$projectId.export.ts");
  return call(loader as never, apiRequest(`/api/v1/projects/${id}/export?${query}`, key), { projectId: id });
}

const lines = async (response: Response) =>
  (await response.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("form project exports over the API", () => {
  it("streams ranking pairs, every pair or only the best against the others", async () => {
    const all = await apiExport("kind=preferences");
    expect(all.status).toBe(200);
    expect(all.headers.get("Content-Type")).toMatch(/ndjson/);
    expect((await lines(all)).map((l) => [l.chosen, l.rejected])).toEqual([
      ["1 2 3", "3 2 1"],
      ["1 2 3", "one"],
      ["3 2 1", "one"],
    ]);
    const best = await apiExport("kind=preferences&pairs=best");
    expect((await lines(best)).map((l) => [l.chosen, l.rejected])).toEqual([
      ["1 2 3", "3 2 1"],
      ["1 2 3", "one"],
    ]);
  });

  it("streams the rewrites, and with best=1 the consensus best responses too", async () => {
    const rewrites = await lines(await apiExport("kind=sft"));
    expect(rewrites).toEqual([
      {
        id: "q1",
        messages: [
          { role: "user", content: "Count to three" },
          { role: "assistant", content: "1, 2, 3." },
        ],
        source: "rewrite",
        question: "rewrite",
        model: null,
      },
    ]);
    const withBest = await lines(await apiExport("kind=sft&best=1"));
    expect(withBest.map((l) => [l.source, (l.messages as { content: string }[]).at(-1)!.content])).toEqual([
      ["rewrite", "1, 2, 3."],
      ["best", "1 2 3"],
    ]);
  });

  it("names each labeler of the raw export by their pseudonym and gives the answers in the item's terms", async () => {
    const { labelerPseudonym } = await import("~/utils/pseudonyms.server.ts");
    const [row] = await lines(await apiExport("kind=raw"));
    expect(row.labeler_id).toBe(labelerPseudonym(projectId, labelerId));
    expect(row.answers).toEqual({ rank: [[0], [2], [1]], rewrite: "1, 2, 3.", note: null });
  });

  it.each([
    ["kind=preferences&pairs=most", "invalid_parameter", /pairs must be "all".*or "best"/],
    ["kind=sft&best=yes", "invalid_parameter", /best must be 1/],
    ["kind=raw&pairs=best", "invalid_parameter", /pairs is a parameter of the preferences export, not of raw/],
    ["kind=sft&question=rank", "invalid_parameter", /question "rank" is not a text question.*rewrite, note/],
    ["kind=ratings", "invalid_kind", /no rating question/],
    ["kind=everything", "invalid_kind", /kind must be one of preferences, ratings, sft, followup, consensus, raw/],
  ])("refuses %s with a 400 saying why", async (query, code, message) => {
    const response = await apiExport(query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  it.each([
    ["kind=preferences", "invalid_kind", /no preference or ranking question/],
    ["kind=sft", "invalid_kind", /no rewrite question.*\?question=NAME\.$/],
    ["kind=sft&best=1", "invalid_parameter", /best=1 takes the consensus best response of a ranking or preference/],
  ])("refuses %s on a form that only rates", async (query, code, message) => {
    const response = await apiExport(query, ratingOnlyId);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code });
    expect(body.error.message).toMatch(message);
  });

  it("refuses the form-only kinds on a pairwise project", async () => {
    for (const kind of ["ratings", "sft"]) {
      const response = await apiExport(`kind=${kind}`, pairwiseId);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/form of questions/);
    }
  });
});

describe("the dashboard's export links", () => {
  async function pageExport(path: string) {
    const { loader } = await import("~/routes/projects+/$projectId.export.$kind.ts");
    const kind = path.split("?")[0];
    return call(loader as never, request(`/projects/${projectId}/export/${path}`, { cookie }), { projectId, kind });
  }

  it("pass their query string on to the export", async () => {
    const response = await pageExport("sft?best=1");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toMatch(/-sft\.jsonl"$/);
    expect(await lines(response)).toHaveLength(2);
  });

  it("answer a parameter that does not fit with a 400 naming it", async () => {
    const response = await pageExport("consensus?question=rewrite");
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("question is a parameter of the sft and followup exports, not of consensus");
  });
});
