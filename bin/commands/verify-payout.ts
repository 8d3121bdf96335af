import { existsSync } from "node:fs";
import path from "node:path";
import { PublicKey } from "@solana/web3.js";
import { z } from "zod";
import { env } from "../../config/env.ts";
import { KeypairFileError, loadKeypairFile } from "../../reward/tokens/chain/keypair-file.ts";
import { LiteSvmChain } from "../../reward/tokens/chain/litesvm.ts";
import { RpcChain } from "../../reward/tokens/chain/rpc.ts";
import { ChainError, type ChainAdapter } from "../../reward/tokens/chain/types.ts";
import { isEpochId, type PayoutProof } from "../../reward/tokens/payouts/merkle.ts";
import { rootedPayoutProof, verifyProofOnChain } from "../../reward/tokens/payouts/proofs.ts";
import type { Command } from "../command.ts";
import { CliError } from "../cli-error.ts";
import { openConfiguredDb } from "../open-db.ts";
import { requiredString, writeJson, type OptionValues } from "../options.ts";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
/** The proof endpoint's answer (GET /api/v1/payouts/{epoch}/proof). */
const ProofResponse = z.object({
  epoch: z.string(),
  wallet: z.string(),
  amount: z.string().regex(/^(0|[1-9][0-9]*)$/),
  leaf: hex64,
  proof: z.array(hex64).max(64),
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  root: hex64,
  rootSignature: z.string().min(1),
});

interface Fetched {
  proof: PayoutProof;
  rootSignature: string | null;
}

/** Not verified, and why: printed like a verified result, exit status 1. */
class NotVerified extends Error {}

async function fetchFromApi(base: string, apiKey: string, epoch: string): Promise<Fetched> {
  let url: URL;
  try {
    url = new URL(`api/v1/payouts/${encodeURIComponent(epoch)}/proof`, base.endsWith("/") ? base : `${base}/`);
  } catch {
    throw new CliError(`--url must be the app's base URL, e.g. http://localhost:3000, got "${base}"`);
  }
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${apiKey}` } });
  } catch (error) {
    throw new CliError(`cannot reach ${url.origin}: ${(error as Error).message}`);
  }
  if (response.status === 401) throw new CliError("the API refused the key (--api-key): unknown or revoked");
  if (response.status === 404) throw new NotVerified(`the API has no payout of yours in ${epoch} committed on chain`);
  if (!response.ok) throw new CliError(`the API answered ${response.status} for ${url.pathname}`);
  const parsed = ProofResponse.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new CliError(`the API's proof is malformed: ${parsed.error.issues[0]?.message}`);
  const body = parsed.data;
  return { proof: { ...body, amount: BigInt(body.amount) }, rootSignature: body.rootSignature };
}

async function fetchFromDb(epoch: string, wallet: string): Promise<Fetched> {
  const handle = await openConfiguredDb();
  try {
    const rooted = await rootedPayoutProof(handle.db, { epochId: epoch, wallet });
    if (!rooted) throw new NotVerified(`no payout to ${wallet} in ${epoch} is committed in a root`);
    return { proof: rooted.proof, rootSignature: rooted.root.signature };
  } finally {
    await handle.close();
  }
}

/**
 * The chain the root is read from, and the treasury that must have signed it: SOLANA_RPC_URL (with --treasury, or
 * the public key of TREASURY_KEYPAIR), or the embedded chain under DATA_DIR/chain and its treasury.
 */
async function openChain(values: OptionValues): Promise<{ chain: ChainAdapter; treasury: PublicKey }> {
  const given = typeof values.treasury === "string" ? parseAddress(values.treasury, "--treasury") : null;
  const treasuryFrom = async (file: string) => given ?? (await loadKeypairFile(file)).publicKey;
  if (env.SOLANA_RPC_URL) {
    if (!given && !env.TREASURY_KEYPAIR)
      throw new CliError("--treasury ADDR (the treasury's public address) is required with SOLANA_RPC_URL");
    return { chain: new RpcChain({ url: env.SOLANA_RPC_URL }), treasury: await treasuryFrom(env.TREASURY_KEYPAIR!) };
  }
  const dir = path.join(env.DATA_DIR, "chain");
  const snapshotPath = path.join(dir, "litesvm.json");
  if (!existsSync(snapshotPath))
    throw new CliError(`no embedded chain under ${dir} (set SOLANA_RPC_URL to read a cluster)`);
  const treasury = await treasuryFrom(env.TREASURY_KEYPAIR ?? path.join(dir, "treasury.json"));
  return { chain: LiteSvmChain.open({ snapshotPath }), treasury };
}

function parseAddress(text: string, what: string): PublicKey {
  try {
    const key = new PublicKey(text);
    if (key.toBase58() === text) return key;
  } catch {
    // reported below
  }
  throw new CliError(`${what} must be a base58 Solana address, got "${text}"`);
}

export const command: Command = {
  name: "verify-payout",
  summary: "check a payout against the epoch's Merkle root on chain",
  usage: `usage: pairwise verify-payout --epoch DAY --wallet ADDR [--url BASE --api-key KEY] [--treasury ADDR]

Fetches the Merkle inclusion proof of the payout to ADDR in the epoch, reads the epoch's root memo from the
chain (the transaction must be finalized and signed by the treasury), and checks that the proof leads from
"pairwise-payout-v1|<epoch>|<wallet>|<amount>" to that root for the memo's leaf count (MERKLE.md).

  --epoch ID        the epoch: a UTC day like 2026-11-23, or refund-<project id>
  --wallet ADDR     the wallet paid
  --url BASE        the app, e.g. https://pairwise.example; the proof comes from its API (GET
                    /api/v1/payouts/{epoch}/proof, your own payout); without it, from the database
  --api-key KEY     your API key, with --url
  --treasury ADDR   the treasury's public address (default: TREASURY_KEYPAIR's, or the embedded chain's)

Output (JSON): {"verified","epoch","wallet","amount","root","rootSignature","reason"?}; exit status 1 when not verified.
Chain: SOLANA_RPC_URL, or the embedded LiteSVM chain under DATA_DIR/chain (single-process: stop the app first).`,
  options: {
    epoch: { type: "string" },
    wallet: { type: "string" },
    url: { type: "string" },
    "api-key": { type: "string" },
    treasury: { type: "string" },
  },
  async run(values) {
    const epoch = requiredString(values, "epoch", "ID");
    if (!isEpochId(epoch))
      throw new CliError(`--epoch must be a UTC day like 2026-11-23 or refund-<project id>, got "${epoch}"`);
    const wallet = parseAddress(requiredString(values, "wallet", "ADDR"), "--wallet").toBase58();
    const url = typeof values.url === "string" ? values.url : undefined;
    const apiKey = typeof values["api-key"] === "string" ? values["api-key"] : undefined;
    if (url && !apiKey) throw new CliError("--api-key KEY is required with --url");
    if (apiKey && !url) throw new CliError("--api-key goes with --url BASE");

    const result = { verified: false, epoch, wallet, amount: null as string | null, root: null as string | null };
    const report = async (fields: { rootSignature: string | null; reason?: string }) => {
      await writeJson({ ...result, ...fields });
      return result.verified ? 0 : 1;
    };
    let fetched: Fetched;
    try {
      fetched = url ? await fetchFromApi(url, apiKey!, epoch) : await fetchFromDb(epoch, wallet);
    } catch (error) {
      if (error instanceof NotVerified) return report({ rootSignature: null, reason: error.message });
      throw error;
    }
    const { proof, rootSignature } = fetched;
    result.amount = proof.amount.toString();
    result.root = proof.root;
    if (proof.wallet !== wallet || proof.epoch !== epoch)
      return report({ rootSignature, reason: `the proof is for ${proof.wallet} in ${proof.epoch}` });
    if (!rootSignature) return report({ rootSignature, reason: "the root committing this payout is not on chain yet" });

    let opened;
    try {
      opened = await openChain(values);
    } catch (error) {
      if (error instanceof ChainError || error instanceof KeypairFileError) throw new CliError(error.message);
      throw error;
    }
    try {
      const checked = await verifyProofOnChain(opened.chain, { proof, rootSignature, treasury: opened.treasury });
      result.verified = checked.verified;
      return report({ rootSignature, ...(checked.reason ? { reason: checked.reason } : {}) });
    } finally {
      await opened.chain.close();
    }
  },
};
