import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { assignments, items, labels, questionsSchema, type TextInputSignals } from "../../db/schema/index.ts";
import { labelerPseudonym } from "~/utils/pseudonyms.server.ts";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

// Issue 15: how text answers were written (pastes, typing; never their content), stored with the answer, marked in
// the raw export, counted on the requester's dashboard and raised on the admins' abuse page.

const FORM = questionsSchema.parse([
  { type: "rating", name: "score", title: "Score", min: 1, max: 5 },
  { type: "text", name: "rewrite", title: "Rewrite the reply" },
  { type: "text", name: "notes", title: "Notes", required: false },
]);
const REWRITE = "A reply rewritten to be clearer and kinder";
const pasted: TextInputSignals = { pastes: 1, pastedChars: REWRITE.length, typedChars: 0, typingMs: 300 };
const typed: TextInputSignals = { pastes: 0, pastedChars: 0, typedChars: REWRITE.length + 4, typingMs: 20_000 };

let h: DbHandle;
let formProjectId = "";
let requesterKey = "";
let requesterCookie = "";
const people: Record<string, { id: string; name: string; key: string; cookie: string }> = {};

const tasksApi = () => import("~/routes/api.v1+/projects.$projectId.tasks.ts");
const workPage = () => import("~/routes/work+/$projectId.tsx");

async function apiPost(who: string, body: object, projectId = formProjectId) {
  const { action } = await tasksApi();
  return call(action as never, apiRequest(`/api/v1/projects/${projectId}/tasks`, people[who].key, body), {
    projectId,
  });
}

async function pagePost(who: string, fields: Record<string, string>, projectId = formProjectId) {
  const { action } = await workPage();
  const post = await csrfFormPost(`/work/${projectId}`, people[who].cookie, fields);
  return call(action as never, post, { projectId });
}

/** The labeler's live lease on the project (the page shows it as the held task). */
async function heldAssignment(labelerId: string, projectId = formProjectId) {
  const rows = await h.db.select().from(assignments).where(eq(assignments.labelerId, labelerId));
  return rows.find((a) => a.projectId === projectId && a.status === "leased")!;
}

const storedSignals = async (labelerId: string) =>
  (await h.db.select().from(labels).where(eq(labels.labelerId, labelerId))).map((l) => l.inputSignals);

/** Answers `n` form tasks through the API with `signals(i)` for the rewrite. */
async function answerThroughApi(who: string, n: number, signals: (i: number) => TextInputSignals) {
  let { task } = await (await apiPost(who, {})).json();
  for (let i = 0; i < n; i++) {
    const response = await apiPost(who, {
      intent: "answer",
      assignmentId: task.assignmentId,
      answers: { score: 3, rewrite: REWRITE },
      inputSignals: { rewrite: signals(i) },
      timeSpentMs: 30_000,
    });
    expect(response.status).toBe(200);
    task = (await response.json()).task;
  }
}

async function exportLines(projectId: string) {
  const { loader } = await import("~/routes/api.v1+/projects.$projectId.export.ts");
  const response = await call(
    loader as never,
    apiRequest(`/api/v1/projects/${projectId}/export?kind=raw`, requesterKey),
    { projectId },
  );
  expect(response.status).toBe(200);
  return (await response.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  h = await bootApp();
  const owner = await makeUser(h.db, "requester");
  requesterKey = await createApiKey(h.db, { userId: owner.id, name: "exports" });
  requesterCookie = await sessionCookie(owner.id);
  for (const name of ["paster", "typist", "page", "admin"]) {
    const user = await makeUser(h.db, name === "admin" ? "admin" : "labeler", name);
    people[name] = {
      id: user.id,
      name: user.name,
      key: name === "admin" ? "" : await createApiKey(h.db, { userId: user.id, name: "labeling" }),
      cookie: await sessionCookie(user.id),
    };
  }
  const project = await makeProject(h.db, owner.id, { taskType: "form", questions: FORM, title: "Rewrites" });
  formProjectId = project.id;
  await h.db.insert(items).values(
    Array.from({ length: 8 }, (_, i) => ({
      projectId: project.id,
      externalId: `item-${i}`,
      labelsWanted: 3,
      content: { kind: "form" as const, prompt: `Question ${i}`, responses: [{ text: `reply ${i}` }] },
    })),
  );
});
afterAll(() => h.close());

describe("input signals of text answers", () => {
  it("the API stores them with the answer; a bad one is a 400 naming the field, and nothing is stored", async () => {
    const { task } = await (await apiPost("paster", {})).json();
    const answer = { intent: "answer", assignmentId: task.assignmentId, answers: { score: 3, rewrite: REWRITE } };
    const refusals: [object, RegExp][] = [
      [
        { essay: pasted },
        /^inputSignals\.essay: the form has no text question "essay" \(its text questions: rewrite, notes\)$/,
      ],
      [
        { rewrite: { ...pasted, pastes: -1 } },
        /^inputSignals\.rewrite\.pastes must be a whole number from 0 to 10000$/,
      ],
      [{ rewrite: { ...pasted, keys: "abc" } }, /^inputSignals\.rewrite has no "keys"/],
      [{ rewrite: { ...pasted, typingMs: 1.5 } }, /^inputSignals\.rewrite\.typingMs must be a whole number/],
      [
        Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, pasted])),
        /^inputSignals: at most 20 fields$/,
      ],
      [[pasted], /^inputSignals must be an object keyed by question name$/],
    ];
    for (const [inputSignals, message] of refusals) {
      const response = await apiPost("paster", { ...answer, inputSignals });
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("invalid_answer");
      expect(error.message).toMatch(message);
    }
    expect(await storedSignals(people.paster.id)).toEqual([]);
    expect((await heldAssignment(people.paster.id)).id).toBe(task.assignmentId);

    // The optional notes were left empty: their signals are dropped, the rewrite's kept.
    const ok = await apiPost("paster", {
      ...answer,
      inputSignals: { rewrite: pasted, notes: { pastes: 0, pastedChars: 0, typedChars: 2, typingMs: 100 } },
    });
    expect(ok.status).toBe(200);
    expect(await storedSignals(people.paster.id)).toEqual([{ rewrite: pasted }]);
    // Five more, three of them pasted in whole: 4 of 6 in all.
    await answerThroughApi("paster", 5, (i) => (i < 3 ? pasted : typed));
    await answerThroughApi("typist", 6, () => typed);
  });

  it("the labeling page sends them as JSON text; the same refusals are a 400 with nothing stored", async () => {
    await pagePost("page", { intent: "next" });
    for (let n = 0; n < 2; n++) {
      const held = await heldAssignment(people.page.id);
      const fields = {
        intent: "answer",
        assignmentId: String(held.id),
        answers: JSON.stringify({ score: 4, rewrite: REWRITE }),
      };
      if (n === 0) {
        for (const [inputSignals, message] of [
          ["{not json", /^inputSignals must be an object keyed by question name$/],
          [JSON.stringify({ score: typed }), /^inputSignals\.score: the form has no text question "score"/],
          [JSON.stringify({ rewrite: { ...typed, typedChars: 2_000_000 } }), /typedChars must be a whole number/],
        ] as const) {
          const refused = await pagePost("page", { ...fields, inputSignals });
          expect(refused.status).toBe(400);
          expect((await refused.json()).error).toMatch(message);
        }
        expect(await storedSignals(people.page.id)).toEqual([]);
      }
      const saved = await pagePost("page", { ...fields, inputSignals: JSON.stringify({ rewrite: pasted }) });
      expect(saved.status).toBe(200);
    }
    expect(await storedSignals(people.page.id)).toEqual([{ rewrite: pasted }, { rewrite: pasted }]);
  });

  it("an answer sent without signals stores none", async () => {
    const before = (await storedSignals(people.typist.id)).length;
    const { task } = await (await apiPost("typist", {})).json();
    await apiPost("typist", {
      intent: "answer",
      assignmentId: task.assignmentId,
      answers: { score: 2, rewrite: "ok" },
    });
    const after = await storedSignals(people.typist.id);
    expect(after).toHaveLength(before + 1);
    expect(after[before]).toBeNull();
  });

  it("the raw export marks each text answer pasted in whole and carries the signals; its columns stay", async () => {
    const rows = await exportLines(formProjectId);
    const paster = labelerPseudonym(formProjectId, people.paster.id);
    const typist = labelerPseudonym(formProjectId, people.typist.id);
    const of = (labeler: string) => rows.filter((r) => r.labeler_id === labeler);
    expect(of(paster).map((r) => r.pasted)).toEqual([["rewrite"], ["rewrite"], ["rewrite"], ["rewrite"], [], []]);
    expect(of(paster)[0].input_signals).toEqual({ rewrite: pasted });
    expect(of(typist).every((r) => Array.isArray(r.pasted) && (r.pasted as string[]).length === 0)).toBe(true);
    expect(Object.keys(rows[0])).toEqual(
      expect.arrayContaining(["item_id", "labeler_id", "answers", "shown_order", "time_spent_ms", "answered_at"]),
    );
  });

  it("the raw export of a fixed shape marks a pasted rationale", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { title: "Pairs with reasons" });
    await uploadPairs(h.db, project, 2);
    requesterKey = await createApiKey(h.db, { userId: owner.id, name: "pairs" });
    const why = "A cites its source and B makes the numbers up.";
    await pagePost("page", { intent: "next" }, project.id);
    for (const [rationale, signals] of [
      [why, { pastes: 1, pastedChars: why.length, typedChars: 0, typingMs: 50 }],
      [why, { pastes: 0, pastedChars: 0, typedChars: why.length, typingMs: 9000 }],
    ] as const) {
      const held = await heldAssignment(people.page.id, project.id);
      const response = await pagePost(
        "page",
        {
          intent: "answer",
          assignmentId: String(held.id),
          choice: "left",
          rationale,
          inputSignals: JSON.stringify({ rationale: signals }),
        },
        project.id,
      );
      expect(response.status).toBe(200);
    }
    const refused = await pagePost(
      "page",
      { intent: "answer", assignmentId: "1", choice: "left", inputSignals: JSON.stringify({ rewrite: typed }) },
      project.id,
    );
    expect(refused.status).toBe(400);
    const rows = await exportLines(project.id);
    expect(rows.map((r) => r.pasted)).toEqual([["rationale"], []]);
    expect(rows[0].input_signals).toEqual({
      rationale: { pastes: 1, pastedChars: why.length, typedChars: 0, typingMs: 50 },
    });
  });

  it("the dashboard's Activity counts each labeler's text answers pasted in whole, with the median typing time", async () => {
    const { loader } = await import("~/routes/projects+/$projectId._index.tsx");
    const page = await (
      await call(loader as never, request(`/projects/${formProjectId}`, { cookie: requesterCookie }), {
        projectId: formProjectId,
      })
    ).json();
    type Row = { labeler: string; text_answers: number; pasted_whole: number; median_typing_ms: number | null };
    const row = (who: string) =>
      (page.labelers as Row[]).find((l) => l.labeler === labelerPseudonym(formProjectId, people[who].id));
    expect(row("paster")).toMatchObject({ text_answers: 6, pasted_whole: 4 });
    // Four answers at 0.3 s, two at 20 s.
    expect(row("paster")!.median_typing_ms).toBe(300);
    expect(row("typist")).toMatchObject({ text_answers: 6, pasted_whole: 0, median_typing_ms: 20_000 });
    expect(row("page")).toMatchObject({ text_answers: 2, pasted_whole: 2 });
  });

  it("the abuse page raises 'pastes whole text answers' for at least half of 5 or more text answers", async () => {
    const { loader } = await import("~/routes/admin+/abuse.tsx");
    const response = await call(loader as never, request("/admin/abuse", { cookie: people.admin.cookie }));
    expect(response.status).toBe(200);
    type Account = { name: string; evidence: { words: string }[]; suggestedReason: string };
    const accounts = ((await response.json()).cases as { accounts: Account[] }[]).flatMap((c) => c.accounts);
    // The page labeler pasted 3 of 4 (two form rewrites and a rationale): too few to say. The typist pasted none.
    expect(accounts.map((a) => a.name)).toEqual([people.paster.name]);
    expect(accounts[0].evidence.map((e) => e.words)).toEqual([
      "4 of 6 text answers pasted in whole (pastes brought in almost all of the text, little was typed), across projects.",
    ]);
    expect(accounts[0].suggestedReason).toMatch(/most of your text answers were pasted in whole/);
  });
});
