import { Readable } from "node:stream";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DatasetError, ingestDataset, MAX_FIELD_CHARS, type DatasetFormat } from "../../datasets/index.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items, questionsSchema, uploads, type QuestionInput } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let owner: string;
/** A preference with a per-response rating, a per-item label and a free-text rationale: exactly 2 responses. */
let preference: Project;
/** A ranking of 2–9 responses and a per-item rating. */
let ranking: Project;

const PREFERENCE_FORM: QuestionInput[] = [
  { type: "preference", name: "better", title: "Which is better?" },
  { type: "rating", name: "quality", title: "Quality", min: 1, max: 5, per: "response" },
  { type: "label", name: "topic", title: "Topic", categories: ["code", "chat"] },
  { type: "text", name: "why", title: "Why?", required: false },
];
const RANKING_FORM: QuestionInput[] = [
  { type: "ranking", name: "order", title: "Rank the answers" },
  { type: "rating", name: "overall", title: "Overall", min: 1, max: 7 },
];

const formProject = (questions: QuestionInput[]) =>
  makeProject(h.db, owner, { taskType: "form", questions: questionsSchema.parse(questions) });

beforeAll(async () => {
  h = await createTestDb();
  owner = (await makeUser(h.db, "requester")).id;
  preference = await formProject(PREFERENCE_FORM);
  ranking = await formProject(RANKING_FORM);
});
afterAll(() => h.close());

const ingest = (project: Project, text: string, format: DatasetFormat = "jsonl") =>
  ingestDataset(h.db, { project, input: Readable.from([text]), filename: `f.${format}`, format });
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n");
const stored = (project: Project) => h.db.select().from(items).where(eq(items.projectId, project.id)).orderBy(items.id);

async function counts(project: Project) {
  const [i] = await h.db.select({ n: count() }).from(items).where(eq(items.projectId, project.id));
  const [u] = await h.db.select({ n: count() }).from(uploads).where(eq(uploads.projectId, project.id));
  return { items: i.n, uploads: u.n };
}

const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });

describe("form uploads: accepted shapes", () => {
  it("stores prompts with responses as texts or {text, model}, in the file's order, with metadata and gold", async () => {
    const project = await formProject(RANKING_FORM);
    const result = await ingest(
      project,
      jsonl([
        {
          id: "r1",
          prompt: "Sort these",
          responses: ["first", { text: "second", model: "m-2" }, { text: "" }],
          metadata: { batch: 7 },
          gold: { order: [2, [1, 3]], overall: 6 },
        },
        { prompt: "Two only", responses: [{ text: "x", model: "m-1" }, "y"] },
      ]),
    );
    expect(result).toMatchObject({ rows: 2, inserted: 2 });
    const [first, second] = await stored(project);
    expect(first).toMatchObject({ externalId: "r1", metadata: { batch: 7 }, awaitingResponses: false });
    expect(first.content).toEqual({
      kind: "form",
      prompt: "Sort these",
      responses: [{ text: "first" }, { text: "second", model: "m-2" }, { text: "" }],
    });
    // Ranking gold is numbered from 1 in the file and stored as 0-based groups, in the form's question order.
    expect(first.gold).toBe(JSON.stringify({ order: [[1], [0, 2]], overall: 6 }));
    expect(second.externalId).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(second.gold).toBeNull();
    expect(second.content).toEqual({
      kind: "form",
      prompt: "Two only",
      responses: [{ text: "x", model: "m-1" }, { text: "y" }],
    });
  });

  it("stores a whole conversation as messages, not rendered to text, and normalises preference gold", async () => {
    const project = await formProject(PREFERENCE_FORM);
    const messages = [
      { role: "system", content: "Be brief." },
      user("Name a prime."),
      assistant("2."),
      user("Another?"),
    ];
    await ingest(
      project,
      jsonl([
        {
          messages,
          responses: ["3.", "4."],
          gold: { better: { choice: "a", strength: 3 }, quality: [5, null], topic: "chat" },
        },
        { messages: [assistant("Hi, how can I help?")], responses: ["a", "b"], gold: { better: "tie" } },
      ]),
    );
    const [conversation, assistantFirst] = await stored(project);
    expect(conversation.content).toEqual({ kind: "form", messages, responses: [{ text: "3." }, { text: "4." }] });
    expect(conversation.gold).toBe(
      JSON.stringify({ better: { choice: "a", strength: 3 }, quality: [5, null], topic: "chat" }),
    );
    expect(assistantFirst.content).toMatchObject({ messages: [assistant("Hi, how can I help?")] });
    expect(assistantFirst.gold).toBe(JSON.stringify({ better: { choice: "tie" } }));
  });

  it("reads UltraFeedback rows: the instruction, each completion with its model, the other fields in metadata", async () => {
    const project = await formProject(RANKING_FORM);
    const row = {
      source: "evol_instruct",
      instruction: "Explain recursion.",
      models: ["alpaca-7b", "gpt-4"],
      completions: [
        {
          model: "alpaca-7b",
          response: "It calls itself.",
          overall_score: 6,
          annotations: { honesty: { Rating: "4" } },
        },
        { model: "gpt-4", response: "A function defined in terms of itself.", overall_score: 8.5 },
      ],
      correct_answers: ["None"],
    };
    await ingest(project, JSON.stringify(row));
    const [item] = await stored(project);
    expect(item.content).toEqual({
      kind: "form",
      prompt: "Explain recursion.",
      responses: [
        { text: "It calls itself.", model: "alpaca-7b" },
        { text: "A function defined in terms of itself.", model: "gpt-4" },
      ],
    });
    expect(item.metadata).toEqual({
      source: "evol_instruct",
      models: ["alpaca-7b", "gpt-4"],
      correct_answers: ["None"],
      completions: [{ overall_score: 6, annotations: { honesty: { Rating: "4" } } }, { overall_score: 8.5 }],
    });
  });

  it("turns every pairwise shape into a 2-response item, HH transcripts into messages, an empty reply kept", async () => {
    const project = await formProject(PREFERENCE_FORM);
    const before = "\n\nHuman: How do I boil an egg?\n\nAssistant: In water.\n\nHuman: For how long?\n\nAssistant:";
    const shared = [user("Capital of France?"), assistant("Paris."), user("And of Italy?")];
    await ingest(
      project,
      jsonl([
        { prompt: "p1", response_a: "a1", response_b: "b1", gold: { better: "b" } },
        { prompt: [user("hello")], chosen: [assistant("hi!")], rejected: [assistant("go away")] },
        { prompt: "p3", chosen: "c3", rejected: "" },
        { chosen: `${before} About nine minutes.`, rejected: before },
        { chosen: [...shared, assistant("Rome.")], rejected: [...shared, assistant("Milan.")] },
        { chosen: "Context first.\n\nAssistant: yes", rejected: "Context first.\n\nAssistant: no" },
      ]),
    );
    const rows = await stored(project);
    expect(rows.map((r) => r.content)).toEqual([
      { kind: "form", prompt: "p1", responses: [{ text: "a1" }, { text: "b1" }] },
      { kind: "form", messages: [user("hello")], responses: [{ text: "hi!" }, { text: "go away" }] },
      { kind: "form", prompt: "p3", responses: [{ text: "c3" }, { text: "" }] },
      {
        kind: "form",
        messages: [user("How do I boil an egg?"), assistant("In water."), user("For how long?")],
        responses: [{ text: "About nine minutes." }, { text: "" }],
      },
      { kind: "form", messages: shared, responses: [{ text: "Rome." }, { text: "Milan." }] },
      { kind: "form", prompt: "Context first.", responses: [{ text: "yes" }, { text: "no" }] },
    ]);
    expect(rows[0].gold).toBe(JSON.stringify({ better: { choice: "b" } }));
  });

  it("stores items without responses as awaiting them, unless the form asks nothing about responses", async () => {
    const project = await formProject(RANKING_FORM);
    await ingest(
      project,
      jsonl([
        { prompt: "later", gold: { overall: 2 } },
        { messages: [user("hi")], responses: [] },
      ]),
    );
    const rows = await stored(project);
    expect(rows.map((r) => [r.content, r.awaitingResponses, r.gold])).toEqual([
      [{ kind: "form", prompt: "later", responses: [] }, true, JSON.stringify({ overall: 2 })],
      [{ kind: "form", messages: [user("hi")], responses: [] }, true, null],
    ]);

    const promptsOnly = await formProject([
      { type: "label", name: "safe", title: "Is the prompt safe?", categories: ["yes", "no"] },
    ]);
    await ingest(promptsOnly, jsonl([{ prompt: "classify me", gold: { safe: "yes" } }]));
    const [item] = await stored(promptsOnly);
    expect(item).toMatchObject({ awaitingResponses: false, content: { kind: "form", responses: [] } });
  });

  it("reads CSV: prompt with numbered response and model columns, an empty cell being no response", async () => {
    const project = await formProject(RANKING_FORM);
    const csv = [
      "id,prompt,response_1,model_1,response_2,model_2,response_3,gold",
      'c1,"Rank, please",one,m-a,two,,three,"{""order"": [3, 1, 2]}"',
      "c2,Just two,x,,y,m-b,,",
      "c3,None yet,,,,,,",
    ].join("\n");
    expect(await ingest(project, csv, "csv")).toMatchObject({ rows: 3, inserted: 3 });
    const rows = await stored(project);
    expect(rows.map((r) => [r.externalId, r.content, r.awaitingResponses, r.gold])).toEqual([
      [
        "c1",
        {
          kind: "form",
          prompt: "Rank, please",
          responses: [{ text: "one", model: "m-a" }, { text: "two" }, { text: "three" }],
        },
        false,
        JSON.stringify({ order: [[2], [0], [1]] }),
      ],
      [
        "c2",
        { kind: "form", prompt: "Just two", responses: [{ text: "x" }, { text: "y", model: "m-b" }] },
        false,
        null,
      ],
      ["c3", { kind: "form", prompt: "None yet", responses: [] }, true, null],
    ]);

    const pairs = await formProject(PREFERENCE_FORM);
    await ingest(pairs, "prompt,chosen,rejected\nQ,good,bad", "csv");
    const [pair] = await stored(pairs);
    expect(pair.content).toEqual({ kind: "form", prompt: "Q", responses: [{ text: "good" }, { text: "bad" }] });
  });

  it("identifies items without an id by their content, so a re-upload adds nothing", async () => {
    const project = await formProject(PREFERENCE_FORM);
    const text = jsonl([
      { prompt: "p", responses: ["a", "b"] },
      { prompt: "p", responses: ["a", { text: "b", model: "m" }] },
    ]);
    expect(await ingest(project, text)).toMatchObject({ rows: 2, inserted: 2 });
    expect(await ingest(project, text)).toMatchObject({ rows: 2, inserted: 0, duplicates: 2 });
    // The pairwise shape of the same texts is the same item.
    expect(await ingest(project, jsonl([{ prompt: "p", response_a: "a", response_b: "b" }]))).toMatchObject({
      inserted: 0,
    });
  });
});

describe("form uploads: bad rows are refused with their line and column, and nothing is stored", () => {
  const good = (i: number) => JSON.stringify({ id: `g${i}`, prompt: `p${i}`, responses: ["a", "b"] });
  /** `at`: where the reported column points in the bad line (its first occurrence); none: no column. */
  const cases: { name: string; project: () => Project; bad: unknown; at?: string; message: RegExp }[] = [
    {
      name: "three responses for a preference form",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "b", "c"] },
      at: '["a"',
      message: /this form needs exactly 2 responses per item \(or none yet\), got 3/,
    },
    {
      name: "one response for a ranking",
      project: () => ranking,
      bad: { prompt: "p", responses: ["only"] },
      at: '["only"',
      message: /needs 2 to 9 responses per item \(or none yet\), got 1/,
    },
    {
      name: "more than nine responses",
      project: () => ranking,
      bad: { prompt: "p", responses: Array.from({ length: 10 }, (_, i) => `r${i}`) },
      at: '["r0"',
      message: /"responses" has 10 responses; an item has at most 9/,
    },
    {
      name: "a response that is not a string",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", 5] },
      at: "5]",
      message: /"responses" item 2 must be a text or a \{text, model\} object, got number 5/,
    },
    {
      name: "a response object without text",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", { model: "m" }] },
      at: '{"model"',
      message: /"responses" item 2 has no "text"/,
    },
    {
      name: "a response object with an unknown field",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", { text: "b", score: 3 }] },
      at: "3}",
      message: /"responses" item 2 has "score"; a response is \{text, model\}/,
    },
    {
      name: "responses not a list",
      project: () => preference,
      bad: { prompt: "p", responses: "a and b" },
      at: '"a and b"',
      message: /"responses" must be a list of responses, got string/,
    },
    {
      name: "an over-long response",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "x".repeat(MAX_FIELD_CHARS + 1)] },
      at: '"xxx',
      message: /"responses" item 2 is 200001 characters; the limit is 200000/,
    },
    {
      name: "a lone surrogate in a response",
      project: () => preference,
      bad: '{"prompt":"p","responses":["a","bad \\ud800"]}',
      at: "\\ud800",
      message: /lone UTF-16 surrogate/,
    },
    {
      name: "an empty prompt",
      project: () => preference,
      bad: { prompt: " ", responses: ["a", "b"] },
      at: '" "',
      message: /"prompt" is empty/,
    },
    {
      name: "messages not a list",
      project: () => preference,
      bad: { messages: "hello", responses: ["a", "b"] },
      at: '"hello"',
      message: /"messages" must be a list of \{role, content\} messages, got string/,
    },
    {
      name: "a message without content",
      project: () => preference,
      bad: { messages: [user("hi"), { role: "assistant" }], responses: ["a", "b"] },
      at: '{"role":"assistant"}',
      message: /"messages" message 2 has no "content"/,
    },
    {
      name: "a message whose content is not a string",
      project: () => preference,
      bad: { messages: [{ role: "user", content: [{ type: "text" }] }], responses: ["a", "b"] },
      at: '[{"type"',
      message: /"messages" message 1: "content" must be a string, got a list/,
    },
    {
      name: "a message with an empty role",
      project: () => preference,
      bad: { messages: [{ role: "", content: "hi" }], responses: ["a", "b"] },
      at: '"","content"',
      message: /"messages" message 1: "role" is empty/,
    },
    {
      name: "a conversation with no text",
      project: () => preference,
      bad: { messages: [user(" ")], responses: ["a", "b"] },
      at: "[{",
      message: /"messages" has no text/,
    },
    {
      name: "a conversation over the limit of one text",
      project: () => preference,
      bad: {
        messages: [user("x".repeat(MAX_FIELD_CHARS / 2)), user("y".repeat(MAX_FIELD_CHARS / 2 + 1))],
        responses: ["a", "b"],
      },
      at: "[{",
      message: /the conversation in "messages" is 200001 characters; the limit is 200000/,
    },
    {
      name: "a misspelt field",
      project: () => preference,
      bad: { prompt: "p", respones: ["a", "b"] },
      at: '["a"',
      message: /unexpected "respones" \(a form item is \{prompt, responses\}/,
    },
    {
      name: "completions without a response",
      project: () => ranking,
      bad: {
        instruction: "i",
        completions: [
          { model: "m", response: "r" },
          { model: "m2", text: "r2" },
        ],
      },
      at: '{"model":"m2"',
      message: /"completions" item 2 has no "response"/,
    },
    {
      name: "completions not a list",
      project: () => ranking,
      bad: { instruction: "i", completions: { model: "m" } },
      at: '{"model"',
      message: /"completions" must be a list of responses, got an object/,
    },
    {
      name: "an instruction without completions",
      project: () => ranking,
      bad: { instruction: "i" },
      message: /missing "completions"/,
    },
    {
      name: "UltraFeedback metadata that clashes with a kept field",
      project: () => ranking,
      bad: { instruction: "i", completions: [], source: "x", metadata: { source: "y" } },
      at: '"y"',
      message: /"metadata" has "source", which the row also has/,
    },
    {
      name: "HH conversations that differ before their last message",
      project: () => preference,
      bad: { chosen: [user("a"), assistant("b")], rejected: [user("c"), assistant("d")] },
      at: '[{"role":"user","content":"c"',
      message: /chosen and rejected must share the conversation before the last message/,
    },
    {
      name: "an HH transcript without an assistant turn",
      project: () => preference,
      bad: { chosen: "\n\nHuman: hi", rejected: "\n\nHuman: hi" },
      at: '"\\n\\nHuman: hi","rejected"',
      message: /transcript has no "\\n\\nAssistant:" turn/,
    },
    {
      name: "gold that is not an object",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "b"], gold: "a" },
      at: '"a"}',
      message: /"gold" must be an object of gold answers by question name \(better, quality, topic, why\), got string/,
    },
    {
      name: "an unknown gold question",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "b"], gold: { best: "a" } },
      at: '"a"}',
      message: /"gold" has "best", which is not a question of this form \(better, quality, topic, why\)/,
    },
    {
      name: "gold for a text question",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "b"], gold: { why: "because" } },
      at: '"because"',
      message: /"gold" cannot hold an answer to the text question "why"/,
    },
    {
      name: "a preference gold that is not a choice",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "b"], gold: { better: "c" } },
      at: '"c"',
      message: /gold for "better" must be "a", "b", "tie" or "both_bad", got "c"/,
    },
    {
      name: "a ranking gold that misses a response",
      project: () => ranking,
      bad: { prompt: "p", responses: ["a", "b", "c"], gold: { order: [2, 1] } },
      at: "[2,1]",
      message: /gold for "order" must be groups of response numbers covering all 3 responses once.*numbered from 1/,
    },
    {
      name: "a ranking gold numbered from 0",
      project: () => ranking,
      bad: { prompt: "p", responses: ["a", "b"], gold: { order: [0, 1] } },
      at: "[0,1]",
      message: /gold for "order" must be groups of response numbers/,
    },
    {
      name: "a rating gold off the scale",
      project: () => ranking,
      bad: { prompt: "p", responses: ["a", "b"], gold: { overall: 9 } },
      at: "9}",
      message: /gold for "overall" must be an integer from 1 to 7, got 9/,
    },
    {
      name: "a per-response rating gold of the wrong length",
      project: () => preference,
      bad: { prompt: "p", responses: ["a", "b"], gold: { quality: [3] } },
      at: "[3]",
      message: /gold for "quality" must be a list with one entry per response \(2\)/,
    },
    {
      name: "gold about responses on an item that has none yet",
      project: () => preference,
      bad: { prompt: "p", gold: { better: "a" } },
      at: '"a"}',
      message: /gold for "better" needs the item's responses, and it has none yet/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const badLine = typeof c.bad === "string" ? c.bad : JSON.stringify(c.bad);
      const project = c.project();
      const error = await ingest(project, [good(1), badLine, good(2)].join("\n")).catch((e) => e);
      expect(error).toBeInstanceOf(DatasetError);
      const [problem] = (error as DatasetError).problems;
      expect(problem.message).toMatch(c.message);
      expect(problem.line).toBe(2);
      expect(problem.column).toBe(c.at === undefined ? undefined : badLine.indexOf(c.at) + 1);
      expect(await counts(project)).toEqual({ items: 0, uploads: 0 });
    });
  }

  const csvCases: { name: string; csv: string; line: number; column?: number; message: RegExp }[] = [
    {
      name: "a gap in the numbered responses",
      csv: "prompt,response_1,response_2,response_3\np,a,b,c\np,a,,c",
      line: 3,
      column: 3,
      message: /"response_2" is empty but "response_3" is not; number the responses from 1 without gaps/,
    },
    {
      name: "a model without its response",
      csv: "prompt,response_1,model_1,response_2,model_2\np,a,,,m",
      line: 2,
      column: 5,
      message: /"model_2" names a model but "response_2" is empty/,
    },
    {
      name: "gold that is not JSON",
      csv: 'prompt,response_1,response_2,gold\np,a,b,"{order: 1}"',
      line: 2,
      column: 4,
      message: /"gold" must hold an object of gold answers by question name/,
    },
    {
      name: "a response column past nine",
      csv: "prompt,response_1,response_10\np,a,b",
      line: 2,
      column: 3,
      message: /unexpected "response_10" \(a form item's columns are prompt and response_1/,
    },
  ];
  for (const c of csvCases) {
    it(`CSV: ${c.name}`, async () => {
      const error = (await ingest(ranking, c.csv, "csv").catch((e) => e)) as DatasetError;
      expect(error).toBeInstanceOf(DatasetError);
      expect(error.problems[0]).toEqual({ line: c.line, column: c.column, message: expect.stringMatching(c.message) });
      expect(await counts(ranking)).toEqual({ items: 0, uploads: 0 });
    });
  }

  it("refuses a whole large file when only its last line is bad", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => good(i));
    lines.push(JSON.stringify({ prompt: "p", responses: ["a"] }));
    const error = (await ingest(preference, lines.join("\n")).catch((e) => e)) as DatasetError;
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].line).toBe(2001);
    expect(await counts(preference)).toEqual({ items: 0, uploads: 0 });
  });

  it("refuses an upload to a form project that has no questions", async () => {
    const project = await makeProject(h.db, owner, { taskType: "form" });
    const error = (await ingest(project, good(1)).catch((e) => e)) as DatasetError;
    expect(error.problems).toEqual([{ line: 0, message: expect.stringMatching(/has no questions/) }]);
    expect(await counts(project)).toEqual({ items: 0, uploads: 0 });
  });
});
