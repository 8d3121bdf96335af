// Gold answers committed before they are used: after an upload, each upload's gold list is hashed with a fresh salt
// (reward/consensus/gold-commitment.ts) and the hash posted in a treasury-signed memo (reward/tokens/gold/); the
// upload's gold items are leased only once that memo is finalized. Once revealed, anyone can redo the check.
import type { Keypair, PublicKey } from "@solana/web3.js";
import type { Db } from "../db/client.ts";
import {
  countGoldServedBeforeCommitment,
  hasUncommittedGold,
  insertGoldCommitment,
  listGoldCommitments,
  listProjectsWithUncommittedGold,
  listUnpostedGoldCommitments,
  listUploadGold,
  listUploadsWithUncommittedGold,
  recordGoldCommitmentPosted,
} from "../db/queries/gold.ts";
import { checkGoldCommitment, commitGold, type GoldCheck, type GoldPair } from "../reward/consensus/gold-commitment.ts";
import type { ChainAdapter } from "../reward/tokens/chain/types.ts";
import { postGoldCommitment, readGoldCommitment } from "../reward/tokens/gold/post-commitment.ts";
import { queueGoldCommitment } from "./queue.ts";
import type { Services } from "./services.ts";

export interface GoldChainContext {
  db: Db;
  chain: ChainAdapter;
  /** Signs and pays the commitment memos. */
  treasury: Keypair;
}

/**
 * Makes a commitment for every upload of the project whose gold no commitment covers yet, then posts every
 * commitment not yet finalized on chain and records its signature (which lets its items be leased). Safe to run
 * again at any point: a commitment is made once per upload, and a memo posted twice carries the same hash.
 */
export async function commitProjectGold(ctx: GoldChainContext, projectId: string) {
  let created = 0;
  for (const uploadId of await listUploadsWithUncommittedGold(ctx.db, projectId)) {
    const made = commitGold(await listUploadGold(ctx.db, uploadId));
    if (await insertGoldCommitment(ctx.db, { projectId, uploadId, ...made })) created++;
  }
  const signatures: string[] = [];
  for (const row of await listUnpostedGoldCommitments(ctx.db, projectId)) {
    const { signature } = await postGoldCommitment(ctx.chain, ctx.treasury, {
      projectId,
      commitment: row.commitment,
      items: row.items,
    });
    await recordGoldCommitmentPosted(ctx.db, { id: row.id, signature });
    signatures.push(signature);
  }
  return { created, posted: signatures.length, signatures };
}

/** commitProjectGold on the platform's chain, at once (the seed, whose demo labelers answer straight after). */
export async function commitGoldNow(services: Services, projectId: string) {
  const { chain, token } = await services.platform();
  return commitProjectGold({ db: services.db, chain, treasury: token.treasury }, projectId);
}

/** After an upload: queues the commitment of its gold, if it brought any. */
export async function commitGoldAfterUpload(db: Db, projectId: string): Promise<void> {
  if (await hasUncommittedGold(db, projectId)) await queueGoldCommitment(db, projectId);
}

/**
 * Queues the commitment of every project whose gold is not on chain yet; the worker runs it at start, so gold whose
 * job was never queued (the process died right after the upload) or never succeeded is committed after all.
 */
export async function queueUncommittedGold(db: Db): Promise<number> {
  const projectIds = await listProjectsWithUncommittedGold(db);
  for (const projectId of projectIds) await queueGoldCommitment(db, projectId);
  return projectIds.length;
}

const RETRY_FIRST_MS = 10_000;
const RETRY_MAX_MS = 3_600_000;

/** The 'gold-commit' job: commits the project's gold; on failure (chain down, no SOL) it queues itself again, backing off. */
export async function runGoldCommitJob(services: Services, db: Db, payload: Record<string, unknown>) {
  const projectId = String(payload.projectId);
  try {
    return await commitGoldNow({ ...services, db }, projectId);
  } catch (error) {
    const attempt = Number(payload.attempt ?? 0) + 1;
    const delayMs = Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
    await queueGoldCommitment(db, projectId, { attempt, delayMs });
    throw error;
  }
}

export interface GoldCommitmentReport {
  uploadId: string;
  commitment: string;
  items: number;
  signature: string | null;
  explorerUrl: string | null;
  createdAt: string;
  committedAt: string | null;
  revealedAt: string | null;
  /** The exact text hashed, and its pairs. */
  canonical: string;
  gold: GoldPair[];
  salt: string;
  /** pending: not on chain yet (its items are not served); otherwise the outcome of checkGoldCommitment. */
  status: GoldCheck["status"] | "pending";
  problems: string[];
}

export interface GoldReport {
  projectId: string;
  /** Every commitment listed is on chain and checks out (false when there is none). */
  verified: boolean;
  status: "verified" | "mismatch" | "unchecked" | "pending" | "none";
  commitments: GoldCommitmentReport[];
}

export interface GoldReadContext {
  db: Db;
  chain: ChainAdapter;
  /** The treasury's address: the memos must be signed by it. */
  treasury: PublicKey;
  explorerUrl?: (signature: string) => string | null;
}

function looseGoldList(text: string): GoldPair[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as GoldPair[]) : [];
  } catch {
    return [];
  }
}

/**
 * The project's gold commitments (only revealed ones with `revealedOnly`), each checked: the hash of the revealed
 * salt and list, the memo read back from the chain, the gold now stored for its items, and that none was served
 * before the commitment landed.
 */
export async function checkProjectGold(
  ctx: GoldReadContext,
  params: { projectId: string; revealedOnly: boolean },
): Promise<GoldReport> {
  const { projectId } = params;
  const rows = await listGoldCommitments(ctx.db, params);
  const commitments: GoldCommitmentReport[] = [];
  for (const row of rows) {
    let check: { status: GoldCommitmentReport["status"]; problems: string[] } = {
      status: "pending",
      problems: ["Waiting for the chain: these gold items are not served until the commitment is finalized."],
    };
    if (row.signature) {
      const [stored, onChain, servedBeforeCommitment] = await Promise.all([
        listUploadGold(ctx.db, row.uploadId),
        readGoldCommitment(ctx.chain, row.signature, ctx.treasury),
        countGoldServedBeforeCommitment(ctx.db, row.id),
      ]);
      check = checkGoldCommitment({ ...row, projectId, stored, onChain, servedBeforeCommitment });
    }
    commitments.push({
      uploadId: row.uploadId,
      commitment: row.commitment,
      items: row.items,
      signature: row.signature,
      explorerUrl: row.signature ? (ctx.explorerUrl?.(row.signature) ?? null) : null,
      createdAt: row.createdAt.toISOString(),
      committedAt: row.committedAt?.toISOString() ?? null,
      revealedAt: row.revealedAt?.toISOString() ?? null,
      canonical: row.canonical,
      gold: looseGoldList(row.canonical),
      salt: row.salt,
      ...check,
    });
  }
  const statuses = new Set(commitments.map((c) => c.status));
  const status: GoldReport["status"] =
    commitments.length === 0
      ? "none"
      : statuses.has("mismatch")
        ? "mismatch"
        : statuses.has("unchecked")
          ? "unchecked"
          : statuses.has("pending")
            ? "pending"
            : "verified";
  return { projectId, verified: status === "verified", status, commitments };
}
