import { Readable } from "node:stream";
import { Keypair } from "@solana/web3.js";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "../../config/env.ts";
import type { DbHandle } from "../../db/client.ts";
import { ingestDataset } from "../../datasets/index.ts";
import { hasUncommittedGold, listGoldCommitments, revealGold } from "../../db/queries/gold.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import type { Project } from "../../db/queries/projects.ts";
import { goldCommitments, items, jobs } from "../../db/schema/index.ts";
import {
  checkProjectGold,
  commitGoldAfterUpload,
  commitProjectGold,
  queueUncommittedGold,
} from "../../jobs/gold-commitments.ts";
import { createServices } from "../../jobs/services.ts";
import { runDueJobs } from "../../jobs/worker.ts";
import { goldCommitmentHash } from "../../reward/consensus/gold-commitment.ts";
import type { LiteSvmChain } from "../../reward/tokens/chain/litesvm.ts";
import type { Platform } from "../../reward/tokens/chain/platform.ts";
import type { PlatformToken } from "../../reward/tokens/chain/setup.ts";
import { findGoldCommitment, parseGoldCommitmentMemo } from "../../reward/tokens/gold/commitment-memo.ts";
import { postGoldCommitment, readGoldCommitment } from "../../reward/tokens/gold/post-commitment.ts";
import { inMemoryChain } from "../support/chain.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let token: PlatformToken;
let platform: Platform;

beforeAll(async () => {
  h = await createTestDb();
  ({ chain, token } = await inMemoryChain());
  platform = { chain, token, kind: "embedded", explorerUrl: () => null, close: async () => {} };
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

async function upload(project: Project, rows: object[], filename = "items.jsonl") {
  return ingestDataset(h.db, {
    project,
    input: Readable.from([rows.map((r) => JSON.stringify(r)).join("\n")]),
    filename,
    format: "jsonl",
  });
}

const pair = (id: string, gold?: string) => ({
  id,
  prompt: `prompt ${id}`,
  response_a: `a ${id}`,
  response_b: `b ${id}`,
  ...(gold ? { gold } : {}),
});

/** Leases and answers (with "a") every task the labeler is offered; returns the external ids in order. */
async function answerAll(projectId: string, labelerId: string): Promise<string[]> {
  const served: string[] = [];
  for (;;) {
    const task = await leaseNextTask(h.db, { projectId, labelerId });
    if (!task) return served;
    const [item] = await h.db.select().from(items).where(eq(items.id, task.itemId));
    served.push(item.externalId);
    await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId, answer: { value: "a" } });
  }
}

describe("gold answers committed before they are used", () => {
  let project: Project;
  let labeler: string;
  const services = () => createServices(h.db, env, { platform: async () => platform });

  beforeAll(async () => {
    const owner = await makeUser(h.db, "requester");
    project = await makeProject(h.db, owner.id, { labelsPerItem: 2 });
    labeler = (await makeUser(h.db, "labeler")).id;
  });

  it("serves no gold item before its commitment is finalized on chain, and serves it after", async () => {
    await upload(project, [pair("p0"), pair("g1", "a"), pair("p2"), pair("g3", "b")]);
    expect(await hasUncommittedGold(h.db, project.id)).toBe(true);
    await commitGoldAfterUpload(h.db, project.id);
    expect(await latestJob(h.db, { kind: "gold-commit", key: project.id })).toMatchObject({
      status: "queued",
      payload: { projectId: project.id },
    });

    // Before the job ran: only the plain items, and then nothing, though the gold items are open.
    expect((await answerAll(project.id, labeler)).sort()).toEqual(["p0", "p2"]);
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler })).toBeNull();

    // The job makes the commitment, posts the memo, waits for finalized, records the signature.
    expect(await runDueJobs(services(), { kinds: ["gold-commit"] })).toBe(1);
    const job = await latestJob(h.db, { kind: "gold-commit", key: project.id });
    expect(job).toMatchObject({ status: "done", result: { created: 1, posted: 1 } });
    expect(await hasUncommittedGold(h.db, project.id)).toBe(false);
    const [row] = await listGoldCommitments(h.db, { projectId: project.id });
    expect(row).toMatchObject({ items: 2, canonical: '[["g1","a"],["g3","b"]]', revealedAt: null });
    expect(row.signature).toBeTruthy();
    expect(row.commitment).toBe(goldCommitmentHash(row.salt, row.canonical));
    const [status] = await chain.getSignatureStatuses([row.signature!]);
    expect(status).toMatchObject({ err: null, confirmationStatus: "finalized" });

    expect((await answerAll(project.id, labeler)).sort()).toEqual(["g1", "g3"]);
  });

  it("puts a memo on chain, signed by the treasury, that parses to the stored commitment", async () => {
    const [row] = await listGoldCommitments(h.db, { projectId: project.id });
    const tx = await chain.getTransaction(row.signature!);
    const memos = tx!.transaction.message.compiledInstructions.map((ix) => Buffer.from(ix.data).toString("utf8"));
    expect(memos).toEqual([`pairwise:gold-commit:v1:${project.id}:${row.commitment}:2`]);
    expect(parseGoldCommitmentMemo(memos[0])).toEqual({ projectId: project.id, commitment: row.commitment, items: 2 });
    expect(await readGoldCommitment(chain, row.signature!, token.treasury.publicKey)).toEqual({
      ok: true,
      slot: tx!.slot,
      projectId: project.id,
      commitment: row.commitment,
      items: 2,
    });
    // The same memo from any other key is not the treasury's commitment.
    const stranger = Keypair.generate();
    await chain.requestAirdrop!(stranger.publicKey, 1_000_000_000n);
    const forged = await postGoldCommitment(chain, stranger, {
      projectId: project.id,
      commitment: row.commitment,
      items: 2,
    });
    expect(await readGoldCommitment(chain, forged.signature, token.treasury.publicKey)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not signed by the treasury/),
    });
    expect(findGoldCommitment("nothing", null, token.treasury.publicKey)).toMatchObject({ ok: false });
  });

  it("commits each upload's gold on its own, once", async () => {
    const again = await commitProjectGold({ db: h.db, chain, treasury: token.treasury }, project.id);
    expect(again).toMatchObject({ created: 0, posted: 0 });
    // A re-upload adds nothing and needs no commitment; a new gold item needs a new one.
    await upload(project, [pair("g1", "a")], "again.jsonl");
    expect(await hasUncommittedGold(h.db, project.id)).toBe(false);
    await upload(project, [pair("g5", "tie"), pair("p6")], "more.jsonl");
    expect(await hasUncommittedGold(h.db, project.id)).toBe(true);
    const other = (await makeUser(h.db, "labeler")).id;
    expect((await answerAll(project.id, other)).sort()).toEqual(["g1", "g3", "p0", "p2", "p6"]);
    const made = await commitProjectGold({ db: h.db, chain, treasury: token.treasury }, project.id);
    expect(made).toMatchObject({ created: 1, posted: 1 });
    expect((await answerAll(project.id, other)).sort()).toEqual(["g5"]);
    const rows = await listGoldCommitments(h.db, { projectId: project.id });
    expect(rows.map((r) => r.canonical)).toEqual(['[["g1","a"],["g3","b"]]', '[["g5","tie"]]']);
  });

  it("verifies the gold that was used, and reports a gold answer changed after the commitment", async () => {
    const ctx = { db: h.db, chain, treasury: token.treasury.publicKey };
    expect(await checkProjectGold(ctx, { projectId: project.id, revealedOnly: true })).toMatchObject({
      status: "none",
      verified: false,
      commitments: [],
    });
    expect(await revealGold(h.db, project.id)).toBe(2);
    expect(await revealGold(h.db, project.id)).toBe(0);
    const report = await checkProjectGold(ctx, { projectId: project.id, revealedOnly: true });
    expect(report).toMatchObject({ status: "verified", verified: true });
    expect(report.commitments.map((c) => c.gold)).toEqual([
      [
        ["g1", "a"],
        ["g3", "b"],
      ],
      [["g5", "tie"]],
    ]);

    await h.db
      .update(items)
      .set({ gold: "a" })
      .where(and(eq(items.projectId, project.id), eq(items.externalId, "g3")));
    const tampered = await checkProjectGold(ctx, { projectId: project.id, revealedOnly: true });
    expect(tampered).toMatchObject({ status: "mismatch", verified: false });
    expect(tampered.commitments[0]).toMatchObject({
      status: "mismatch",
      problems: ['The gold answer of item "g3" is now "a"; the commitment says "b".'],
    });
    expect(tampered.commitments[1].status).toBe("verified");

    // Changing the stored commitment to match the new gold does not help: the chain holds the old one.
    const [first] = await listGoldCommitments(h.db, { projectId: project.id });
    const canonical = '[["g1","a"],["g3","a"]]';
    await h.db
      .update(goldCommitments)
      .set({ canonical, commitment: goldCommitmentHash(first.salt, canonical) })
      .where(eq(goldCommitments.id, first.id));
    const rewritten = await checkProjectGold(ctx, { projectId: project.id, revealedOnly: true });
    expect(rewritten.commitments[0].status).toBe("mismatch");
    expect(rewritten.commitments[0].problems).toEqual([
      `The memo on chain commits to ${first.commitment}, not ${goldCommitmentHash(first.salt, canonical)}.`,
    ]);
  });

  it("queues itself again, later, when the chain fails", async () => {
    const owner = await makeUser(h.db, "requester");
    const other = await makeProject(h.db, owner.id);
    await upload(other, [pair("g", "b")]);
    await commitGoldAfterUpload(h.db, other.id);
    const broken = createServices(h.db, env, {
      platform: async () => {
        throw new Error("chain down");
      },
    });
    expect(await runDueJobs(broken, { kinds: ["gold-commit"] })).toBe(1);
    const rows = await h.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.kind, "gold-commit"), eq(jobs.key, other.id)))
      .orderBy(jobs.id);
    expect(rows.map((r) => r.status)).toEqual(["failed", "queued"]);
    expect(rows[0].error).toBe("chain down");
    expect(rows[1].payload).toMatchObject({ attempt: 1 });
    expect(rows[1].runAt.getTime()).toBeGreaterThan(Date.now() + 5_000);
    await h.db.execute(sql`update jobs set run_at = now() where id = ${rows[1].id}`);
    expect(await runDueJobs(services(), { kinds: ["gold-commit"] })).toBe(1);
    expect(await hasUncommittedGold(h.db, other.id)).toBe(false);
  });

  it("queues at start the gold of uploads whose commitment was never queued", async () => {
    const owner = await makeUser(h.db, "requester");
    const lost = await makeProject(h.db, owner.id);
    await upload(lost, [pair("g", "a")]); // as if the process died before queueing
    expect(await queueUncommittedGold(h.db)).toBe(1);
    expect(await latestJob(h.db, { kind: "gold-commit", key: lost.id })).toMatchObject({ status: "queued" });
    expect(await runDueJobs(services(), { kinds: ["gold-commit"] })).toBe(1);
    expect(await queueUncommittedGold(h.db)).toBe(0);
  });
});
