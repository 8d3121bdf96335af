// *My quality* for a new labeler and for a paused one: no alarm and no bare score before a score can mean anything,
// flags in plain words, and the same rounding as every other page.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { labelerQuality } from "../../db/schema/index.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { setQualityThreshold } from "../../db/queries/projects.ts";
import { bootApp, call, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

interface ShownStanding {
  title: string;
  score: string;
  enoughAnswers: boolean;
  answers: number;
  warning: string | null;
  pause: string | null;
  explanation: string[];
  updated: string;
}

async function myQuality(labelerId: string): Promise<ShownStanding[]> {
  const { loader } = await import("~/routes/work+/quality.tsx");
  const response = await call(loader as never, request("/work/quality", { cookie: await sessionCookie(labelerId) }));
  expect(response.status).toBe(200);
  return (await response.json()).standing;
}

/** The right answer of item n: the item's A for even n, its B for odd n. */
const truth = (n: number) => (n % 2 === 0 ? "a" : "b");
const wrong = (n: number) => (n % 2 === 0 ? "b" : "a");

describe("My quality", () => {
  it("tells a labeler with 4 answers that there are not enough answers yet, with no warning, after a real run", async () => {
    const owner = await makeUser(h.db, "requester");
    // A minimum of 0.45: the warning margin (0.1) then starts at 0.55, clear of where four answers with one wrong
    // land (0.3–0.45, by how the sides happened to be shown).
    const project = await makeProject(h.db, owner.id, { title: "Helpfulness", labelsPerItem: 3 });
    await setQualityThreshold(h.db, { projectId: project.id, threshold: 0.45 });
    await uploadPairs(h.db, project, 12);
    for (const name of ["steady", "sure"]) {
      const peer = await makeUser(h.db, "labeler", name);
      await answerTasks(h.db, { projectId: project.id, labelerId: peer.id, answer: truth });
    }
    const newcomer = await makeUser(h.db, "labeler", "newcomer");
    let answered = 0;
    // Three of four right, as in the report: 75% agreement, a score held low by the few answers.
    await answerTasks(h.db, {
      projectId: project.id,
      labelerId: newcomer.id,
      limit: 4,
      answer: (n) => (answered++ === 0 ? wrong(n) : truth(n)),
    });
    expect((await runProjectConsensus(h.db, project.id)).status).toBe("done");

    const [row] = await h.db.select().from(labelerQuality).where(eq(labelerQuality.labelerId, newcomer.id));
    expect(row.answers).toBe(4);
    // The score itself is low, and under the project's minimum plus the warning margin: it would have warned.
    expect(row.quality).toBeLessThan(0.55);

    const [shown] = await myQuality(newcomer.id);
    expect(shown).toMatchObject({ title: "Helpfulness", enoughAnswers: false, answers: 4, warning: null, pause: null });
    expect(shown.score).toBe(row.quality.toFixed(2));
    expect(shown.explanation[0]).toMatch(/^Not enough answers yet: 4 of yours have been scored/);
    expect(shown.explanation[0]).toContain(`so far it is ${shown.score} out of 1`);
    expect(shown.updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    // The labelers with 12 answers each get their score as a number, without the caveat.
    const peers = await h.db.select().from(labelerQuality).where(eq(labelerQuality.projectId, project.id));
    const steady = peers.find((p) => p.labelerId !== newcomer.id)!;
    const [settled] = await myQuality(steady.labelerId);
    expect(settled.enoughAnswers).toBe(true);
    expect(settled.explanation[0].startsWith(`Your quality score is ${settled.score} out of 1.`)).toBe(true);
  });

  it("warns a labeler whose many answers put them near the minimum, rounded like every other page", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { title: "Close call" });
    const labeler = await makeUser(h.db, "labeler");
    await h.db.insert(labelerQuality).values({
      projectId: project.id,
      labelerId: labeler.id,
      quality: 0.3333,
      previousQuality: 0.35,
      answers: 400,
      agreement: 0.66,
      chance: 0.5,
    });
    const [shown] = await myQuality(labeler.id);
    expect(shown.score).toBe("0.33");
    expect(shown.warning).toBe(
      "Your quality on Close call (0.33) is close to the project's minimum of 0.30; if your answers go on like this, you will be paused on this project.",
    );
  });

  it("does not warn a labeler whose score is near the minimum only through a few unlucky answers", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { title: "Unlucky start" });
    const labeler = await makeUser(h.db, "labeler");
    // 12 answers, 70% matching: the score reads 0.33, yet a 90%-right labeler starts like this often.
    await h.db.insert(labelerQuality).values({
      projectId: project.id,
      labelerId: labeler.id,
      quality: 0.3333,
      previousQuality: 0.35,
      answers: 12,
      agreement: 0.7,
      chance: 0.5,
    });
    const [shown] = await myQuality(labeler.id);
    expect(shown).toMatchObject({ score: "0.33", enoughAnswers: true, warning: null, pause: null });
    expect(shown.explanation.join("\n")).toContain("A few unlucky answers do not pause anyone.");
  });

  it("says in plain words why a labeler is paused, never the flag's code name", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { title: "Same answer" });
    const labeler = await makeUser(h.db, "labeler");
    await h.db.insert(labelerQuality).values({
      projectId: project.id,
      labelerId: labeler.id,
      quality: 0.0125,
      answers: 14,
      agreement: 0.5,
      chance: 0.5,
      flags: ["constant"],
      pausedAt: new Date(),
      pausedReason: "Your quality score 0.01 is below this project's minimum of 0.30 after 14 answers (constant).",
    });
    const [shown] = await myQuality(labeler.id);
    expect(shown.pause).toBe(
      "You are paused on this project: your quality score 0.01 is below its minimum of 0.30 after 14 answers, and confidently so, not through a few unlucky answers. What lowered it is explained below. Once a later score is no longer confidently below the minimum, you can label here again.",
    );
    expect(shown.warning).toBeNull();
    const everything = [shown.pause, ...shown.explanation].join("\n");
    expect(everything).toContain("You give the same answer almost every time, whatever the item.");
    expect(everything).not.toMatch(/\(constant\)|\bconstant\b|0\.013/);
  });
});
