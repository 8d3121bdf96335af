import { runCli } from "../support/cli.ts";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { ingestDataset } from "../../datasets/index.ts";
import { listAbuseSignals } from "../../db/queries/abuse.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import {
  getItemConsensus,
  getQuestionConsensus,
  listConsensusRuns,
  listLabelerQuality,
  raiseLabelsWanted,
} from "../../db/queries/consensus.ts";
import { exportConsensus, exportPreferences, exportRawAnswers } from "../../db/queries/exports.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items, labels, type QuestionConsensus } from "../../db/schema/index.ts";
import { runProjectConsensus, screenSide } from "../../reward/consensus/project-run.ts";
import { Rng } from "../../trainer/rng.ts";
import { createTestDb } from "../support/db.ts";
import {
  FORM_QUESTIONS,
  formAnswer,
  formGold,
  formTruth,
  RESPONSES,
  type FormItemTruth,
  type FormLabelerKind,
} from "../support/form-crowds.ts";
import { answerTasks, makeProject, makeUser } from "../support/fixtures.ts";
import { commitGold } from "../support/gold.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let h: DbHandle;
let dir: string;

beforeAll(async () => {
  h = await createTestDb();
  dir = makeTempDir("consensus");
});
afterAll(() => h.close());

async function upload(project: Project, lines: object[]) {
  await ingestDataset(h.db, {
    project,
    input: Readable.from([lines.map((l) => JSON.stringify(l)).join("\n")]),
    filename: "items.jsonl",
    format: "jsonl",
  });
  // Gold items are served only once their commitment is on chain.
  await commitGold(h.db, project.id);
}

const labelAll = (project: Project, labelerId: string, answer: (i: number, swapped: boolean) => string) =>
  answerTasks(h.db, { projectId: project.id, labelerId, answer });

async function setTimes(labelerId: string, ms: number) {
  await h.db.update(labels).set({ timeSpentMs: ms }).where(eq(labels.labelerId, labelerId));
}

async function cli(args: string[]) {
  const { code, stdout, stderr } = await runCli(["aggregate", ...args]);
  if (code !== 0) throw new Error(stderr);
  return JSON.parse(stdout);
}

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const CLASSES = ["cat", "dog", "bird"];
const truth = (i: number) => CLASSES[i % 3];

describe("project consensus (labels)", () => {
  let project: Project;
  const who: Record<string, string> = {};

  beforeAll(async () => {
    const owner = await makeUser(h.db, "requester");
    project = await makeProject(h.db, owner.id, { taskType: "label", categories: CLASSES, labelsPerItem: 4 });
    await upload(
      project,
      Array.from({ length: 30 }, (_, i) => ({
        id: `t${i}`,
        text: `item ${i}`,
        ...(i % 5 === 0 ? { gold: truth(i) } : {}),
      })),
    );
    for (const name of ["careful", "steady", "sloppy", "adversary"])
      who[name] = (await makeUser(h.db, "labeler", name)).id;
    await labelAll(project, who.careful, truth);
    await labelAll(project, who.steady, (i) => (i % 10 === 3 ? truth(i + 1) : truth(i)));
    await labelAll(project, who.sloppy, (i) => (i % 4 === 1 ? truth(i + 2) : truth(i)));
    await labelAll(project, who.adversary, (i) => truth(i + 1));
    for (const name of ["careful", "steady", "sloppy"]) await setTimes(who[name], 20_000);
    await setTimes(who.adversary, 200);
  });

  it("recovers the truth, scores the adversary near 0, pauses them and reports gold accuracy", async () => {
    const outcome = await runProjectConsensus(h.db, project.id);
    expect(outcome.status).toBe("done");
    const consensus = await getItemConsensus(h.db, project.id);
    const externalOf = new Map(
      (await h.db.select().from(items).where(eq(items.projectId, project.id))).map((i) => [i.id, i.externalId]),
    );
    expect(consensus).toHaveLength(30);
    for (const c of consensus) expect(c.label).toBe(truth(Number(externalOf.get(c.itemId)!.slice(1))));

    const quality = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    expect(quality.get(who.careful)!.quality).toBeGreaterThan(0.7);
    expect(quality.get(who.careful)!.quality).toBeGreaterThan(quality.get(who.sloppy)!.quality);
    expect(quality.get(who.adversary)!.quality).toBeLessThan(0.1);
    expect(quality.get(who.adversary)!.flags).toContain("adversarial");
    expect(quality.get(who.careful)).toMatchObject({ goldAnswered: 6, goldCorrect: 6, pausedAt: null });
    expect(quality.get(who.adversary)!.goldCorrect).toBe(0);
    expect(quality.get(who.adversary)!.pausedReason).toMatch(
      /below this project's minimum of 0\.30 after 30 answers, and confidently so/,
    );
    expect(quality.get(who.careful)!.medianMs).toBe(20_000);
  });

  it("keeps the score a labeler's quality is compared with when a rerun brings no new answers", async () => {
    const before = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    // Pretend the careful labeler's last score was lower, as if they had just improved.
    await h.db.execute(sql`update labeler_quality set previous_quality = 0.5 where labeler_id = ${who.careful}`);
    expect((await runProjectConsensus(h.db, project.id)).status).toBe("done");
    const after = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    expect(after.get(who.careful)!.previousQuality).toBe(0.5);
    expect(after.get(who.careful)!.quality).toBeCloseTo(before.get(who.careful)!.quality, 6);
  });

  it("refuses new tasks to a labeler paused on the project, with the reason", async () => {
    await h.db.execute(sql`update items set labels_wanted = 5, done = false where project_id = ${project.id}`);
    await expect(leaseNextTask(h.db, { projectId: project.id, labelerId: who.adversary })).rejects.toMatchObject({
      code: "paused_on_project",
      message: expect.stringMatching(/You are paused on this project\. Your quality score 0\.\d\d is below/),
    });
    await h.db.execute(sql`update items set labels_wanted = 4, done = true where project_id = ${project.id}`);
  });

  it("flags the too-fast labeler to admins and nobody else", async () => {
    const signals = (await listAbuseSignals(h.db)).filter((s) => s.projectId === project.id);
    expect(signals.filter((s) => s.kind === "too_fast").map((s) => s.userId)).toEqual([who.adversary]);
  });

  it("matches the CLI on the same answers", async () => {
    const raw = await collect(exportRawAnswers(h.db, project.id));
    const input = path.join(dir, "labels.csv");
    await writeFile(
      input,
      "task,worker,label\n" + raw.map((r) => `${r.item_id},${r.labeler_id},${r.answer}`).join("\n") + "\n",
    );
    const goldFile = path.join(dir, "gold.csv");
    await writeFile(
      goldFile,
      "task,label\n" + Array.from({ length: 6 }, (_, j) => `t${j * 5},${truth(j * 5)}`).join("\n") + "\n",
    );
    const out = await cli(["--input", input, "--gold", goldFile]);

    const exported = new Map((await collect(exportConsensus(h.db, project.id))).map((r) => [r.id, r]));
    expect(out.tasks).toHaveLength(exported.size);
    for (const t of out.tasks) {
      expect(exported.get(t.task)!.label).toBe(t.label);
      expect(exported.get(t.task)!.confidence).toBeCloseTo(t.confidence, 5);
    }
    const quality = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    for (const w of out.workers) expect(quality.get(w.worker)!.quality).toBeCloseTo(w.quality, 5);
  });

  it("sends low-confidence items out for more answers", async () => {
    const consensus = await getItemConsensus(h.db, project.id);
    const unsure = consensus
      .filter((c) => c.confidence < 0.999)
      .map((c) => c.itemId)
      .sort();
    expect(unsure.length).toBeGreaterThan(0);
    expect(unsure.length).toBeLessThan(30);
    expect(await raiseLabelsWanted(h.db, { projectId: project.id, below: 0.999, extra: 2 })).toBe(unsure.length);
    const reopened = await h.db
      .select()
      .from(items)
      .where(sql`${items.projectId} = ${project.id} and not ${items.done}`);
    expect(reopened.map((i) => i.id).sort()).toEqual(unsure);
    for (const i of reopened) expect(i.labelsWanted).toBe(6);
  });
});

describe("project consensus (pairwise)", () => {
  let project: Project;
  const who: Record<string, string> = {};
  // Item i's better response is A when i is even.
  const better = (i: number) => (i % 2 === 0 ? "a" : "b");

  beforeAll(async () => {
    const owner = await makeUser(h.db, "requester");
    project = await makeProject(h.db, owner.id, { labelsPerItem: 3 });
    await upload(
      project,
      Array.from({ length: 24 }, (_, i) => ({
        id: `p${i}`,
        prompt: `prompt ${i}`,
        response_a: `answer A to ${i}`,
        response_b: `answer B to ${i}`,
        ...(i < 4 ? { gold: better(i) } : {}),
      })),
    );
    for (const name of ["careful", "steady", "leftie"]) who[name] = (await makeUser(h.db, "labeler", name)).id;
    await labelAll(project, who.careful, better);
    await labelAll(project, who.steady, (i) => (i === 5 ? "tie" : better(i)));
    // Always clicks the left-hand response, whichever it is.
    await labelAll(project, who.leftie, (_, swapped) => (swapped ? "b" : "a"));
    await setTimes(who.careful, 30_000);
    await setTimes(who.steady, 30_000);
    await setTimes(who.leftie, 30_000);
  });

  it("prefers the better response with a confidence, exports it, and flags the left-clicker", async () => {
    const outcome = await runProjectConsensus(h.db, project.id);
    expect(outcome.status).toBe("done");
    const prefs = await collect(exportPreferences(h.db, project.id));
    expect(prefs).toHaveLength(24);
    for (const p of prefs) {
      const i = Number(p.id.slice(1));
      expect(p.chosen).toBe(`answer ${better(i).toUpperCase()} to ${i}`);
      expect(p.confidence).toBeGreaterThan(0.5);
      expect(Object.values(p.votes).reduce((x, y) => x + y, 0)).toBe(3);
    }
    const quality = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    expect(quality.get(who.leftie)!.leftShare).toBe(1);
    expect(quality.get(who.leftie)!.quality).toBeLessThan(quality.get(who.careful)!.quality);
    expect(quality.get(who.careful)).toMatchObject({ goldAnswered: 4, goldCorrect: 4 });
    const streaks = (await listAbuseSignals(h.db)).filter(
      (s) => s.projectId === project.id && s.kind === "one_sided_streak",
    );
    expect(streaks.map((s) => s.userId)).toEqual([who.leftie]);
  });

  it("matches the CLI on the same answers", async () => {
    const raw = await collect(exportRawAnswers(h.db, project.id));
    const input = path.join(dir, "pairs.csv");
    const rows = raw.map((r) => {
      const swapped = r.shown_order === "ba";
      const [left, right] = swapped ? [`${r.item_id}:b`, `${r.item_id}:a`] : [`${r.item_id}:a`, `${r.item_id}:b`];
      const side = screenSide(r.answer, swapped);
      return `${r.labeler_id},${left},${right},${side === "left" || side === "right" ? side : "tie"}`;
    });
    await writeFile(input, "worker,left,right,label\n" + rows.join("\n") + "\n");
    const goldFile = path.join(dir, "pairs-gold.csv");
    const goldRows = [0, 1, 2, 3].map((i) => `p${i}:a,p${i}:b,${better(i) === "a" ? "left" : "right"}`);
    await writeFile(goldFile, "left,right,label\n" + goldRows.join("\n") + "\n");
    const out = await cli(["--input", input, "--gold", goldFile]);
    const score = new Map<string, number>(out.items.map((i: { item: string; score: number }) => [i.item, i.score]));
    for (const c of await collect(exportConsensus(h.db, project.id))) {
      const pA = 1 / (1 + Math.exp(-(score.get(`${c.id}:a`)! - score.get(`${c.id}:b`)!)));
      expect(c.posterior.pA).toBeCloseTo(pA, 4);
    }
    const quality = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    for (const w of out.workers) expect(quality.get(w.worker)!.quality).toBeCloseTo(w.quality, 5);
  });
});

describe("project consensus (form)", () => {
  let project: Project;
  const who = new Map<string, FormLabelerKind>();
  const rng = new Rng(17);
  const truth: FormItemTruth[] = Array.from({ length: 24 }, () => formTruth(rng));
  const isGold = (i: number) => i % 6 === 0;
  const byName = (name: string) => [...who].find(([, kind]) => kind === name)![0];

  beforeAll(async () => {
    const owner = await makeUser(h.db, "requester");
    project = await makeProject(h.db, owner.id, { taskType: "form", questions: FORM_QUESTIONS, labelsPerItem: 5 });
    await upload(
      project,
      truth.map((t, i) => {
        const gold = formGold(t);
        // Uploads number responses from 1.
        const rank = (gold.rank as number[][]).map((g) => g.map((r) => r + 1));
        return {
          id: `f${i}`,
          prompt: `prompt ${i}`,
          responses: Array.from({ length: RESPONSES }, (_, r) => `response ${r} to ${i}`),
          ...(isGold(i) ? { gold: { ...gold, rank } } : {}),
        };
      }),
    );
    for (const kind of ["good", "good", "good", "adversary", "clicker"] as const)
      who.set((await makeUser(h.db, "labeler", kind)).id, kind);
    for (const [labelerId, kind] of who) {
      for (;;) {
        const task = await leaseNextTask(h.db, { projectId: project.id, labelerId });
        if (!task) break;
        const i = Number(/prompt (\d+)/.exec(task.content.kind === "form" ? (task.content.prompt ?? "") : "")![1]);
        await submitAnswer(h.db, {
          assignmentId: task.assignmentId,
          labelerId,
          answer: { value: "form", answers: ({ responseOrder }) => formAnswer(kind, truth[i], responseOrder!, rng) },
        });
      }
      await setTimes(labelerId, 30_000);
    }
  });

  it("stores each question's consensus per item, and one item row per item", async () => {
    const outcome = await runProjectConsensus(h.db, project.id);
    expect(outcome).toMatchObject({ status: "done", items: 24, labelers: 5 });
    const externalOf = new Map(
      (await h.db.select().from(items).where(eq(items.projectId, project.id))).map((i) => [i.id, i.externalId]),
    );
    const rows = await getQuestionConsensus(h.db, project.id);
    expect(rows).toHaveLength(24 * 4);
    expect(new Set(rows.map((r) => r.question))).toEqual(new Set(["rank", "helpful", "topic", "issues"]));
    let pairsRight = 0;
    for (const r of rows.filter((r) => r.question === "rank")) {
      const result = r.result as Extract<QuestionConsensus, { type: "ranking" }>;
      const i = Number(externalOf.get(r.itemId)!.slice(1));
      const y = truth[i].scores;
      if (isGold(i)) expect(result.order).toEqual([0, 1, 2].sort((a, b) => y[b] - y[a]));
      for (const [a, b] of [
        [0, 1],
        [0, 2],
        [1, 2],
      ])
        if ((result.scores[a] - result.scores[b]) * (y[a] - y[b]) > 0) pairsRight++;
      expect(r.confidence).toBeCloseTo(result.adjacent.reduce((x, z) => x + z, 0) / 2, 5);
    }
    expect(pairsRight / (24 * 3)).toBeGreaterThan(0.8);
    const topics = rows.filter((r) => r.question === "topic");
    const topicRight = topics.filter((r) => {
      const result = r.result as Extract<QuestionConsensus, { type: "label" }>;
      return result.values[0].label === truth[Number(externalOf.get(r.itemId)!.slice(1))].topic;
    });
    expect(topicRight.length).toBeGreaterThanOrEqual(22);

    const consensus = await getItemConsensus(h.db, project.id);
    expect(consensus).toHaveLength(24);
    for (const c of consensus) {
      const own = rows.filter((r) => r.itemId === c.itemId);
      expect(c.label).toBe("form");
      expect(c.answers).toBe(5);
      expect(c.confidence).toBeCloseTo(own.reduce((x, r) => x + r.confidence, 0) / own.length, 5);
      expect(Object.keys(c.detail).sort()).toEqual(["helpful", "issues", "rank", "topic"]);
    }
    const [run] = (await listConsensusRuns(h.db, project.id)).slice(-1);
    expect(run).toMatchObject({ method: "form", answers: 120, items: 24, labelers: 5 });
  });

  it("scores each labeler over the whole form, pausing the adversary and flagging the clicker", async () => {
    const quality = new Map((await listLabelerQuality(h.db, project.id)).map((q) => [q.labelerId, q]));
    for (const [labelerId, kind] of who) {
      const q = quality.get(labelerId)!;
      expect(q.answers).toBe(24);
      // 4 gold items, each with gold for the 4 questions.
      expect(q.goldAnswered).toBe(16);
      expect(q.medianMs).toBe(30_000);
      if (kind === "good") {
        expect(q.quality).toBeGreaterThan(0.5);
        expect(q).toMatchObject({ flags: [], pausedAt: null });
      }
    }
    const adversary = quality.get(byName("adversary"))!;
    expect(adversary.quality).toBeLessThan(0.05);
    expect(adversary.flags).toContain("adversarial");
    expect(adversary.pausedReason).toMatch(
      /below this project's minimum of 0\.30 after 24 answers, and confidently so/,
    );
    const clicker = quality.get(byName("clicker"))!;
    expect(clicker.quality).toBeLessThan(0.1);
    expect(clicker.flags).toContain("constant");
    expect(clicker.leftShare).toBe(1);
  });

  it("flags the labeler who answers the same by screen position every time", async () => {
    const streaks = (await listAbuseSignals(h.db)).filter(
      (s) => s.projectId === project.id && s.kind === "one_sided_streak",
    );
    expect(streaks.map((s) => s.userId)).toEqual([byName("clicker")]);
  });

  it("replaces the question consensus on a rerun instead of adding to it", async () => {
    const before = await getQuestionConsensus(h.db, project.id);
    expect((await runProjectConsensus(h.db, project.id)).status).toBe("done");
    const after = await getQuestionConsensus(h.db, project.id);
    expect(after.map((r) => [r.itemId, r.question, r.confidence])).toEqual(
      before.map((r) => [r.itemId, r.question, r.confidence]),
    );
  });
});
