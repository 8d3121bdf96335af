import type { AddressLookupTableAccount, PublicKey } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import bs58 from "bs58";
import { associatedTokenAccount } from "../chain/token-account-address.ts";
import { buildPayoutTransaction, type PayoutTransfer } from "./transactions.ts";
import { MAX_COMPUTE_UNIT_LIMIT, transactionFee } from "../chain/fees.ts";
import type { PlatformToken } from "../chain/setup.ts";
import { TransactionRejectedError, type ChainAdapter } from "../chain/types.ts";

/** Headroom over the simulated compute units: account states can change between simulation and execution. */
const COMPUTE_UNIT_MARGIN = 1.1;
const COMPUTE_UNIT_SLACK = 1000;

/** The owners among `owners` whose associated token account for `mint` does not exist yet. */
export async function ownersWithoutTokenAccount(
  chain: ChainAdapter,
  mint: PublicKey,
  owners: PublicKey[],
  tokenProgramId: PublicKey = TOKEN_PROGRAM_ID,
): Promise<Set<string>> {
  const accounts = owners.map((owner) => associatedTokenAccount(mint, owner, tokenProgramId));
  const states = await chain.getMultipleAccountsInfo(accounts);
  return new Set(owners.filter((_, i) => !states[i]).map((owner) => owner.toBase58()));
}

/** A signed payout transaction, ready to be recorded and sent (and, after a crash, sent again byte for byte). */
export interface PreparedPayout {
  wire: Uint8Array;
  signature: string;
  blockhash: string;
  /** Until this block height the bytes can land; after it, with no status for `signature`, they never will. */
  lastValidBlockHeight: bigint;
  computeUnitLimit: number;
  fee: bigint;
}

/**
 * Builds one batch's payout transaction on a fresh blockhash, simulates it to set its compute unit limit, and signs
 * it with the treasury key. Nothing is sent. Throws TransactionRejectedError("simulation-failed") when the batch
 * would fail (e.g. a token account assumed to exist does not).
 */
export async function preparePayoutTransaction(
  chain: ChainAdapter,
  params: {
    token: PlatformToken;
    recipients: PayoutTransfer[];
    memo: string;
    lookupTables?: AddressLookupTableAccount[];
    computeUnitPrice?: bigint;
  },
): Promise<PreparedPayout> {
  const { token } = params;
  const { blockhash, lastValidBlockHeight } = await chain.getLatestBlockhash();
  const build = (computeUnitLimit: number) =>
    buildPayoutTransaction({
      payer: token.treasury.publicKey,
      treasuryOwner: token.treasury.publicKey,
      mint: token.mint,
      decimals: token.decimals,
      tokenProgramId: token.tokenProgramId,
      recipients: params.recipients,
      memo: params.memo,
      recentBlockhash: blockhash,
      lookupTables: params.lookupTables,
      computeUnitLimit,
      computeUnitPrice: params.computeUnitPrice,
    });
  const simulation = await chain.simulateTransaction(build(MAX_COMPUTE_UNIT_LIMIT).serialize());
  if (simulation.err !== null) {
    throw new TransactionRejectedError(
      "simulation-failed",
      `payout ${params.memo} fails in simulation: ${JSON.stringify(simulation.err)}`,
      simulation.err,
      simulation.logs,
    );
  }
  const computeUnitLimit = Math.min(
    MAX_COMPUTE_UNIT_LIMIT,
    Math.ceil(simulation.unitsConsumed * COMPUTE_UNIT_MARGIN) + COMPUTE_UNIT_SLACK,
  );
  const tx = build(computeUnitLimit);
  tx.sign([token.treasury]);
  return {
    wire: tx.serialize(),
    signature: bs58.encode(tx.signatures[0]),
    blockhash,
    lastValidBlockHeight,
    computeUnitLimit,
    fee: transactionFee(tx.message),
  };
}
