import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import {
  exportFormConsensus,
  exportFormPreferences,
  exportFormRatings,
  exportFormRawAnswers,
  exportFormSft,
  type FormProject,
} from "../../db/queries/exports.ts";
import { assignments, items, labels, type QuestionConsensus, type RatingConsensus } from "../../db/schema/index.ts";
import { readPairsFile } from "../../trainer/pairs-file.ts";
import { projectPreferencePairs } from "../../trainer/project-models.ts";
import { createTestDb } from "../support/db.ts";
import { makeUser } from "../support/fixtures.ts";
import { addFormItems, answerForms, makeFormProject, setQuestionConsensus } from "../support/form-exports.ts";
import { makeTempDir, writeFileIn } from "../support/temp-dir.ts";

let h: DbHandle;
let form: FormProject;
let labelers: string[] = [];

const collect = async <T>(gen: AsyncGenerator<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const rating = (value: number): RatingConsensus => ({
  value,
  estimate: value + 0.25,
  mean: value - 0.5,
  confidence: 0.75,
  scores: [0, 1, 2, 0, 0],
});

const CONVERSATION = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Name a prime." },
];
const rankConv: QuestionConsensus = { type: "ranking", order: [2, 0, 1], scores: [0.5, -1, 1.5], adjacent: [0.7, 0.8] };
const rankPlain: QuestionConsensus = { type: "ranking", order: [1, 0, 2], scores: [0, 0.75, 0], adjacent: [0.6, 0.5] };
const helpfulConv: QuestionConsensus = { type: "rating", values: [rating(4), rating(1), rating(5)] };
const helpfulPlain: QuestionConsensus = { type: "rating", values: [rating(3), rating(3), rating(2)] };
const overallConv: QuestionConsensus = { type: "rating", values: [rating(6)] };
const safeConv: QuestionConsensus = {
  type: "label",
  values: [{ label: "safe", confidence: 0.875, probability: { safe: 0.875, unsafe: 0.125 } }],
};

beforeAll(async () => {
  h = await createTestDb();
  const owner = await makeUser(h.db, "requester");
  const project = await makeFormProject(h.db, owner.id, [
    { name: "rank", type: "ranking", title: "Order the responses" },
    { name: "helpful", type: "rating", title: "How helpful", min: 1, max: 5, per: "response" },
    { name: "overall", type: "rating", title: "Overall", min: 1, max: 7 },
    { name: "safe", type: "label", title: "Is it safe?", categories: ["safe", "unsafe"] },
    { name: "rewrite", type: "text", title: "Improve the best one", prefill: "best", required: false },
    { name: "why", type: "text", title: "Why?", required: false },
  ]);
  form = { id: project.id, questions: project.questions! };
  const ids = await addFormItems(h.db, project.id, [
    {
      id: "conv",
      content: {
        messages: CONVERSATION,
        responses: [{ text: "2", model: "m-small" }, { text: "9", model: "m-large" }, { text: "7" }],
      },
    },
    {
      id: "plain",
      content: { prompt: "Say hi", responses: [{ text: "hi" }, { text: "hello", model: "m-large" }, { text: "yo" }] },
    },
    { id: "open", content: { prompt: "Nobody agreed yet", responses: [{ text: "x" }, { text: "y" }] } },
  ]);
  const base = (id: string) => ({
    rank: id === "open" ? [[0], [1]] : [[0], [1], [2]],
    helpful: id === "open" ? [3, 3] : [3, 3, 3],
    overall: 4,
    safe: "safe",
  });
  labelers = [(await makeUser(h.db, "labeler")).id, (await makeUser(h.db, "labeler")).id];
  await answerForms(h.db, {
    projectId: project.id,
    labelerId: labelers[0],
    answer: (id) => ({ ...base(id), rewrite: `better ${id}`, why: `because ${id}` }),
    rationale: "first",
  });
  await answerForms(h.db, {
    projectId: project.id,
    labelerId: labelers[1],
    answer: (id) => ({ ...base(id), rewrite: id === "plain" ? "Hello there!" : "  " }),
  });
  const conv = ids.get("conv")!;
  const plain = ids.get("plain")!;
  // Gold set after the answers: a gold item is only served once its commitment is on chain.
  await h.db
    .update(items)
    .set({ gold: JSON.stringify({ rank: [[0, 2], [1]], safe: "safe" }) })
    .where(eq(items.id, conv));
  await setQuestionConsensus(h.db, project.id, [
    { itemId: conv, question: "rank", result: rankConv, confidence: 0.75 },
    { itemId: conv, question: "helpful", result: helpfulConv, confidence: 0.5 },
    { itemId: conv, question: "overall", result: overallConv, confidence: 0.25 },
    { itemId: conv, question: "safe", result: safeConv, confidence: 0.875 },
    { itemId: plain, question: "rank", result: rankPlain, confidence: 0.5 },
    { itemId: plain, question: "helpful", result: helpfulPlain, confidence: 0.5 },
  ]);
});
afterAll(() => h.close());

describe("preferences export of a form project", () => {
  it("turns each consensus ranking into every pair of its order, in TRL's conversational form", async () => {
    const lines = await collect(exportFormPreferences(h.db, form, "all"));
    const user = [{ role: "user", content: "Say hi" }];
    const reply = (content: string) => [{ role: "assistant", content }];
    expect(lines).toEqual([
      {
        id: "conv",
        prompt: CONVERSATION,
        chosen: reply("7"),
        rejected: reply("2"),
        confidence: sigmoid(1),
        chosen_model: null,
        rejected_model: "m-small",
      },
      {
        id: "conv",
        prompt: CONVERSATION,
        chosen: reply("7"),
        rejected: reply("9"),
        confidence: sigmoid(2.5),
        chosen_model: null,
        rejected_model: "m-large",
      },
      {
        id: "conv",
        prompt: CONVERSATION,
        chosen: reply("2"),
        rejected: reply("9"),
        confidence: sigmoid(1.5),
        chosen_model: "m-small",
        rejected_model: "m-large",
      },
      // "hi" and "yo" have the same score: no preference between them
      {
        id: "plain",
        prompt: user,
        chosen: reply("hello"),
        rejected: reply("hi"),
        confidence: sigmoid(0.75),
        chosen_model: "m-large",
        rejected_model: null,
      },
      {
        id: "plain",
        prompt: user,
        chosen: reply("hello"),
        rejected: reply("yo"),
        confidence: sigmoid(0.75),
        chosen_model: "m-large",
        rejected_model: null,
      },
    ]);
  });

  it("pairs=best sets the best response against each of the others only", async () => {
    const lines = await collect(exportFormPreferences(h.db, form, "best"));
    expect(lines.map((l) => [l.id, l.chosen, l.rejected])).toEqual([
      ["conv", [{ role: "assistant", content: "7" }], [{ role: "assistant", content: "2" }]],
      ["conv", [{ role: "assistant", content: "7" }], [{ role: "assistant", content: "9" }]],
      ["plain", [{ role: "assistant", content: "hello" }], [{ role: "assistant", content: "hi" }]],
      ["plain", [{ role: "assistant", content: "hello" }], [{ role: "assistant", content: "yo" }]],
    ]);
  });

  it("writes a conversation line TRL loads as it is: the TRL keys, messages of exactly role and content", async () => {
    const [line] = await collect(exportFormPreferences(h.db, form, "all"));
    const parsed = JSON.parse(JSON.stringify(line)) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(
      ["chosen", "chosen_model", "confidence", "id", "prompt", "rejected", "rejected_model"].sort(),
    );
    for (const field of ["prompt", "chosen", "rejected"]) {
      const messages = parsed[field] as Record<string, unknown>[];
      expect(Array.isArray(messages)).toBe(true);
      for (const m of messages) expect(Object.keys(m).sort()).toEqual(["content", "role"]);
    }
    expect((parsed.chosen as { role: string }[]).map((m) => m.role)).toEqual(["assistant"]);
  });

  it("takes a preference question's consensus as plain strings, choosing by its label and leaving ties out", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeFormProject(h.db, owner.id, [{ name: "better", type: "preference", title: "Which?" }]);
    const ids = await addFormItems(
      h.db,
      project.id,
      ["a-wins", "b-wins", "level", "unanswered"].map((id) => ({
        id,
        content: { prompt: `p ${id}`, responses: [{ text: `A ${id}`, model: "left-model" }, { text: `B ${id}` }] },
      })),
    );
    const preference = (label: "a" | "b" | "tie", pA: number): QuestionConsensus => ({
      type: "preference",
      label,
      pA,
      votes: { [label]: 3 },
    });
    await setQuestionConsensus(h.db, project.id, [
      { itemId: ids.get("a-wins")!, question: "better", result: preference("a", 0.75), confidence: 0.75 },
      { itemId: ids.get("b-wins")!, question: "better", result: preference("b", 0.25), confidence: 0.75 },
      { itemId: ids.get("level")!, question: "better", result: preference("tie", 0.5), confidence: 0.5 },
    ]);
    const lines = await collect(exportFormPreferences(h.db, { id: project.id, questions: project.questions! }));
    expect(lines).toEqual([
      {
        id: "a-wins",
        prompt: "p a-wins",
        chosen: "A a-wins",
        rejected: "B a-wins",
        confidence: 0.75,
        chosen_model: "left-model",
        rejected_model: null,
      },
      {
        id: "b-wins",
        prompt: "p b-wins",
        chosen: "B b-wins",
        rejected: "A b-wins",
        confidence: 0.75,
        chosen_model: null,
        rejected_model: "left-model",
      },
    ]);
  });
});

describe("ratings export", () => {
  it("gives each item its responses with their consensus ratings, and its own ratings, null where there is none", async () => {
    const lines = await collect(exportFormRatings(h.db, form));
    expect(lines).toEqual([
      {
        id: "conv",
        prompt: null,
        messages: CONVERSATION,
        completions: [
          { text: "2", model: "m-small", ratings: { helpful: rating(4) } },
          { text: "9", model: "m-large", ratings: { helpful: rating(1) } },
          { text: "7", model: null, ratings: { helpful: rating(5) } },
        ],
        ratings: { overall: rating(6) },
      },
      {
        id: "plain",
        prompt: "Say hi",
        messages: null,
        completions: [
          { text: "hi", model: null, ratings: { helpful: rating(3) } },
          { text: "hello", model: "m-large", ratings: { helpful: rating(3) } },
          { text: "yo", model: null, ratings: { helpful: rating(2) } },
        ],
        ratings: { overall: null },
      },
    ]);
  });
});

describe("sft export", () => {
  const chat = (id: string) => (id === "conv" ? CONVERSATION : [{ role: "user", content: "Say hi" }]);
  const conversation = (id: string, reply: string) => [...chat(id), { role: "assistant", content: reply }];

  it("makes one line of each labeler's rewrite, leaving blank ones out, then the consensus best responses", async () => {
    const lines = await collect(exportFormSft(h.db, form, { rewrites: ["rewrite"], best: true }));
    const rewrites = lines.filter((l) => l.source === "rewrite");
    expect(rewrites.map((l) => [l.id, l.messages.at(-1)!.content]).sort()).toEqual(
      [
        ["conv", "better conv"],
        ["open", "better open"],
        ["plain", "Hello there!"],
        ["plain", "better plain"],
      ].sort(),
    );
    for (const l of rewrites) {
      expect(l.messages).toEqual(
        l.id === "open"
          ? [
              { role: "user", content: "Nobody agreed yet" },
              { role: "assistant", content: "better open" },
            ]
          : conversation(l.id, l.messages.at(-1)!.content),
      );
      expect(l).toMatchObject({ question: "rewrite", model: null });
    }
    expect(lines.slice(rewrites.length)).toEqual([
      { id: "conv", messages: conversation("conv", "7"), source: "best", question: "rank", model: null },
      { id: "plain", messages: conversation("plain", "hello"), source: "best", question: "rank", model: "m-large" },
    ]);
  });

  it("takes only the text questions named, and no best responses unless asked", async () => {
    const lines = await collect(exportFormSft(h.db, form, { rewrites: ["why"], best: false }));
    expect(lines.map((l) => [l.id, l.question, l.messages.at(-1)!.content]).sort()).toEqual([
      ["conv", "why", "because conv"],
      ["open", "why", "because open"],
      ["plain", "why", "because plain"],
    ]);
  });
});

describe("consensus export", () => {
  it("gives every non-text question's stored consensus and confidence with the gold answers, by item", async () => {
    const lines = await collect(exportFormConsensus(h.db, form));
    expect(lines).toEqual([
      {
        id: "conv",
        consensus: { rank: rankConv, helpful: helpfulConv, overall: overallConv, safe: safeConv },
        confidence: { rank: 0.75, helpful: 0.5, overall: 0.25, safe: 0.875 },
        gold: { rank: [[0, 2], [1]], helpful: null, overall: null, safe: "safe" },
      },
      {
        id: "plain",
        consensus: { rank: rankPlain, helpful: helpfulPlain, overall: null, safe: null },
        confidence: { rank: 0.5, helpful: 0.5, overall: null, safe: null },
        gold: null,
      },
    ]);
  });

  it("pages through projects larger than one page, in item order", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeFormProject(h.db, owner.id, [
      { name: "good", type: "rating", title: "Good?", min: 0, max: 1 },
    ]);
    await h.db.execute(sql`
      insert into items (project_id, external_id, content, labels_wanted)
      select ${project.id}, 'i' || lpad(g::text, 4, '0'), '{"kind":"form","prompt":"p","responses":[]}'::jsonb, 1
      from generate_series(1, 2345) g`);
    await h.db.execute(sql`
      insert into question_consensus (item_id, question, project_id, result, confidence)
      select id, 'good', project_id,
        jsonb_build_object('type', 'rating', 'values', jsonb_build_array(jsonb_build_object(
          'value', 1, 'estimate', 1, 'mean', 1, 'confidence', 1, 'scores', jsonb_build_array(0, 1)))), 1
      from items where project_id = ${project.id}`);
    const lines = await collect(exportFormConsensus(h.db, { id: project.id, questions: project.questions! }));
    expect(lines).toHaveLength(2345);
    expect(lines.map((l) => l.id)).toEqual(
      Array.from({ length: 2345 }, (_, i) => `i${String(i + 1).padStart(4, "0")}`),
    );
  });
});

describe("raw export", () => {
  it("gives every answer in the item's terms with every question, the order it was shown in and its timing", async () => {
    const lines = await collect(exportFormRawAnswers(h.db, form));
    expect(lines).toHaveLength(6);
    const shown = await h.db
      .select({ id: assignments.id, order: assignments.responseOrder })
      .from(assignments)
      .where(eq(assignments.projectId, form.id));
    const orders = new Map(shown.map((s) => [s.id, s.order]));
    const stored = await h.db.select({ id: labels.id }).from(labels).where(eq(labels.projectId, form.id));
    expect(stored).toHaveLength(6);
    for (const line of lines) {
      expect(Object.keys(line.answers)).toEqual(["rank", "helpful", "overall", "safe", "rewrite", "why"]);
      expect(line.shown_order).toEqual(orders.get(line.assignment_id));
      expect([...line.shown_order!].sort()).toEqual(line.item_id === "open" ? [0, 1] : [0, 1, 2]);
      expect(new Date(line.answered_at).toISOString()).toBe(line.answered_at);
      expect(line.time_spent_ms).toBeGreaterThanOrEqual(0);
      const first = line.labeler_id === labelers[0];
      expect(line.answers.rewrite).toBe(
        first ? `better ${line.item_id}` : line.item_id === "plain" ? "Hello there!" : "  ",
      );
      expect(line.answers.why).toBe(first ? `because ${line.item_id}` : null);
      expect(line.rationale).toBe(first ? "first" : null);
      expect(line.answers.rank).toEqual(line.item_id === "open" ? [[0], [1]] : [[0], [1], [2]]);
      expect(line.answers.overall).toBe(4);
    }
    expect(new Set(lines.map((l) => l.labeler_id))).toEqual(new Set(labelers));
  });
});

describe("training pairs of a form project", () => {
  it("come from every consensus ranking pair, a conversation rendered as the prompt, weighted by confidence", async () => {
    const pairs = await projectPreferencePairs(h.db, form.id);
    const rendered = "**System:** Be brief.\n\n**User:** Name a prime.";
    expect(pairs).toEqual([
      { prompt: rendered, chosen: "7", rejected: "2", weight: sigmoid(1) },
      { prompt: rendered, chosen: "7", rejected: "9", weight: sigmoid(2.5) },
      { prompt: rendered, chosen: "2", rejected: "9", weight: sigmoid(1.5) },
      { prompt: "Say hi", chosen: "hello", rejected: "hi", weight: sigmoid(0.75) },
      { prompt: "Say hi", chosen: "hello", rejected: "yo", weight: sigmoid(0.75) },
    ]);
  });

  it("are what the command-line trainer reads from the preferences export file, unconverted", async () => {
    const lines = await collect(exportFormPreferences(h.db, form, "all"));
    const file = await writeFileIn(
      makeTempDir("form-prefs"),
      "prefs.jsonl",
      lines.map((l) => JSON.stringify(l)).join("\n"),
    );
    expect(await readPairsFile(file)).toEqual(await projectPreferencePairs(h.db, form.id));
  });
});
