import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { VersionedTransaction } from "@solana/web3.js";
import { createAssociatedTokenAccountIdempotentInstruction, createMintToCheckedInstruction } from "@solana/spl-token";
import { ingestDataset } from "../../datasets/index.ts";
import { readLlmbarPairs, readOasstPairs, type PublicPreference } from "../../datasets/public.ts";
import { env } from "../../config/env.ts";
import { getFundsSummary, recordFunding } from "../../db/queries/funds.ts";
import { createUser, findUserByEmail } from "../../db/queries/identity.ts";
import { leaseNextTask, spreadAnswerTimes, submitAnswer } from "../../db/queries/labeling.ts";
import {
  createProject,
  findOwnedProjectByTitle,
  getItemExternalId,
  getProjectProgress,
  type Project,
} from "../../db/queries/projects.ts";
import { getLinkedWallet, linkWallet } from "../../db/queries/wallets.ts";
import type { Role } from "../../db/schema/index.ts";
import { commitGoldNow } from "../../jobs/gold-commitments.ts";
import { runConsensusPipeline } from "../../jobs/handlers.ts";
import type { Services } from "../../jobs/services.ts";
import { hashPassword } from "../../accounts/passwords.ts";
import { sendInstructions } from "../../reward/tokens/chain/confirm.ts";
import { loadOrCreateKeypairFile } from "../../reward/tokens/chain/keypair-file.ts";
import { associatedTokenAccount } from "../../reward/tokens/chain/token-account-address.ts";
import { completeDeposit, createDepositOrder } from "../../reward/tokens/deposits/service.ts";
import type { Command } from "../command.ts";
import { CliError } from "../cli-error.ts";
import { openConfiguredServices } from "../open-db.ts";

export const DEMO_PASSWORD = "pairwise-demo";
export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: "requester@pairwise.test", name: "Demo Requester", role: "requester" },
  { email: "labeler1@pairwise.test", name: "Demo Labeler 1", role: "labeler" },
  { email: "labeler2@pairwise.test", name: "Demo Labeler 2", role: "labeler" },
  { email: "labeler3@pairwise.test", name: "Demo Labeler 3", role: "labeler" },
  { email: "admin@pairwise.test", name: "Demo Admin", role: "admin" },
];
const PROJECT_TITLE = "Demo: which assistant answer is better?";
const INSTRUCTIONS = `Read the prompt, then both answers. Pick the answer that is **more helpful, honest and harmless**.

- Prefer correct over confident; check facts and code where you can.
- Choose *Tie* only when they are equally good, *Both bad* when neither is acceptable.
- Keyboard: \`1\` A, \`2\` B, \`3\` tie, \`4\` both bad, \`s\` skip, \`Enter\` submit.

Data: Open-Assistant (Apache-2.0) and LLMBar / MT-Bench (MIT).`;

/** A stable pseudo-random bit per id, so the seed is reproducible. */
const bit = (id: string, salt: string) =>
  createHash("sha256")
    .update(salt + id)
    .digest()[0];

function toItem(p: PublicPreference) {
  const swap = bit(p.id, "order") & 1;
  const gold = bit(p.id, "gold") % 10 === 0 ? (swap ? "b" : "a") : undefined;
  return {
    id: p.id,
    prompt: p.prompt,
    response_a: swap ? p.rejected : p.chosen,
    response_b: swap ? p.chosen : p.rejected,
    metadata: { source: p.source },
    ...(gold ? { gold } : {}),
  };
}

/** The public sets the demo is made of, under the datasets folder, each with what it should hold. */
const DEMO_SOURCES = [
  { file: "oasst/en_100_tree.jsonl", holds: "the Open-Assistant trees", read: readOasstPairs },
  {
    file: "llmbar/mt_bench_human.json",
    holds: "the MT-Bench human judgements in LLMBar's format",
    read: (file: string) => readLlmbarPairs(file, "mt_bench"),
  },
  {
    file: "llmbar/natural.json",
    holds: "the LLMBar Natural set",
    read: (file: string) => readLlmbarPairs(file, "llmbar_natural"),
  },
];

/** The demo's preference pairs, read from `datasets` before anything is written; a missing or bad file is a CliError. */
export function readDemoPairs(datasets: string): PublicPreference[] {
  return DEMO_SOURCES.flatMap(({ file, holds, read }) => {
    const full = path.join(datasets, file);
    if (!existsSync(full)) throw new CliError(`${full} does not exist (expected ${holds} there)`);
    try {
      return read(full);
    } catch (error) {
      throw new CliError(`${full}: cannot be read as ${holds} (${(error as Error).message})`);
    }
  });
}

export function datasetsDir(): string {
  return (
    env.PAIRWISE_DATASETS ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/datasets")
  );
}

export async function seedDemo(services: Services, pairs = readDemoPairs(datasetsDir())) {
  const { db } = services;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const existing = await findUserByEmail(db, u.email);
    users[u.email] = existing?.id ?? (await createUser(db, { ...u, passwordHash }))!.id;
  }
  const ownerId = users[DEMO_USERS[0].email];
  const existing = await findOwnedProjectByTitle(db, { ownerId, title: PROJECT_TITLE });
  const project =
    existing ??
    (await createProject(db, {
      ownerId,
      title: PROJECT_TITLE,
      instructions: INSTRUCTIONS,
      taskType: "pairwise",
      labelsPerItem: 3,
      rewardPerLabel: 1_000_000n,
      budget: 10_000_000_000n,
    }));
  // Funded first: a project serves tasks only while its funds can pay for the answers.
  const funding = await fundDemoProject(services, project, ownerId, users["admin@pairwise.test"]);
  const jsonl = pairs.map((p) => JSON.stringify(toItem(p))).join("\n");
  const result = await ingestDataset(db, {
    project,
    input: Readable.from([jsonl]),
    filename: "demo-seed.jsonl",
    format: "jsonl",
  });
  // The demo's gold goes on chain first: gold items are served only once committed.
  await commitGoldNow(services, project.id);
  const answered = await answerAsDemoLabelers(services, project.id, [
    users["labeler1@pairwise.test"],
    users["labeler2@pairwise.test"],
    users["labeler3@pairwise.test"],
  ]);
  return { projectId: project.id, ...result, demoAnswers: answered, funding };
}

/**
 * Funds the demo project up to its budget the way a requester does, by a deposit. On the embedded chain the demo
 * requester gets a wallet (a keypair file under DATA_DIR/chain, 0600, like the treasury's) linked to the account,
 * the treasury (the mint authority there) mints it the tokens, and the wallet signs the deposit order's transaction.
 * On an RPC cluster the seed cannot mint, so the demo admin records the funding with a reason instead. A re-seed
 * of a funded project adds nothing.
 */
async function fundDemoProject(services: Services, project: Project, requesterId: string, adminId: string) {
  const { db } = services;
  const missing = project.budget - (await getFundsSummary(db, project.id)).funded;
  if (missing <= 0n) return null;
  const { chain, token, kind } = await services.platform();
  if (kind !== "embedded") {
    const reason = "demo seed on an RPC cluster, where it cannot mint the demo requester's tokens";
    await recordFunding(db, { projectId: project.id, kind: "admin_credit", amount: missing, reason, actorId: adminId });
    return { kind: "admin_credit", amount: missing.toString(), signature: null };
  }
  const { keypair } = await loadOrCreateKeypairFile(path.join(services.env.DATA_DIR, "chain", "demo-requester.json"));
  const address = keypair.publicKey.toBase58();
  if ((await getLinkedWallet(db, requesterId)) !== address) await linkWallet(db, { userId: requesterId, address });
  const account = associatedTokenAccount(token.mint, keypair.publicKey, token.tokenProgramId);
  const payer = token.treasury.publicKey;
  await sendInstructions(chain, token.treasury, [
    createAssociatedTokenAccountIdempotentInstruction(
      payer,
      account,
      keypair.publicKey,
      token.mint,
      token.tokenProgramId,
    ),
    createMintToCheckedInstruction(token.mint, account, payer, missing, token.decimals, [], token.tokenProgramId),
  ]);
  const ctx = { db, chain, token };
  const { order, transaction } = await createDepositOrder(ctx, {
    projectId: project.id,
    userId: requesterId,
    amount: missing,
  });
  const signed = VersionedTransaction.deserialize(Buffer.from(transaction, "base64"));
  signed.sign([keypair]);
  const done = await completeDeposit(ctx, {
    userId: requesterId,
    orderId: order.id,
    signedTransaction: signed.serialize(),
  });
  return { kind: "deposit", amount: missing.toString(), signature: done.signature };
}

/** How often each demo labeler picks the response the humans preferred: careful, good, careless. */
const DEMO_ACCURACY = [0.92, 0.8, 0.55];
const DEMO_ANSWERS_EACH = 60;

/**
 * Gives the demo project a start: the three demo labelers answer the same first items (once; a re-seed adds
 * nothing), with realistic reading times, and consensus runs, so the dashboard has agreement, confidence and
 * quality to show and a reward model can be trained at once. Consensus runs as the background job runs it, model
 * follow-up included.
 */
async function answerAsDemoLabelers(services: Services, projectId: string, labelerIds: string[]): Promise<number> {
  const { db } = services;
  if ((await getProjectProgress(db, projectId)).answers > 0) return 0;
  let answered = 0;
  for (const [k, labelerId] of labelerIds.entries()) {
    for (let i = 0; i < DEMO_ANSWERS_EACH; i++) {
      const task = await leaseNextTask(db, { projectId, labelerId });
      if (!task || task.content.kind !== "pairwise") break;
      const externalId = (await getItemExternalId(db, task.itemId))!;
      const preferred = bit(externalId, "order") & 1 ? "b" : "a";
      const right = bit(externalId, `labeler${k}`) / 256 < DEMO_ACCURACY[k];
      await submitAnswer(db, {
        assignmentId: task.assignmentId,
        labelerId,
        answer: { value: right ? preferred : preferred === "a" ? "b" : "a" },
      });
      answered++;
    }
  }
  await spreadAnswerTimes(db, { projectId, minMs: 8000, spanMs: 25000 });
  await runConsensusPipeline(services, db, projectId);
  return answered;
}

export const command: Command = {
  name: "seed",
  summary: "create a demo requester, labelers and a pairwise project from ../shared/datasets",
  usage: `usage: pairwise seed [--datasets DIR]

Creates (or tops up) a demo pairwise project from the Open-Assistant and LLMBar preference data, funded
by a deposit from the demo requester's wallet (DATA_DIR/chain/demo-requester.json on the embedded chain).
Sign in as ${DEMO_USERS.map((u) => u.email).join(", ")} with password "${DEMO_PASSWORD}".
Uses DATABASE_URL, or the embedded database under DATA_DIR (default ./data) when the app is stopped.

  --datasets DIR  where the public sets are (default PAIRWISE_DATASETS, else ../shared/datasets):
                  ${DEMO_SOURCES.map((s) => s.file).join(", ")}`,
  options: { datasets: { type: "string" } },
  async run(values) {
    const pairs = readDemoPairs((values.datasets as string | undefined) ?? datasetsDir());
    const opened = await openConfiguredServices();
    try {
      const result = await seedDemo(opened.services, pairs);
      console.log(
        JSON.stringify({ ...result, users: DEMO_USERS.map((u) => u.email), password: DEMO_PASSWORD }, null, 2),
      );
    } finally {
      await opened.close();
    }
  },
};
