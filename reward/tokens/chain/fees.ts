import { ComputeBudgetProgram, type VersionedMessage } from "@solana/web3.js";

export const LAMPORTS_PER_SIGNATURE = 5000n;
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;
const DEFAULT_UNITS_PER_INSTRUCTION = 200_000;

const SET_COMPUTE_UNIT_LIMIT = 2;
const SET_COMPUTE_UNIT_PRICE = 3;

/**
 * The fee a message pays: 5000 lamports per signature plus the priority fee, compute unit price (micro-lamports)
 * × compute unit limit, rounded up. Without an explicit limit the runtime assumes 200,000 units per instruction.
 */
export function transactionFee(message: VersionedMessage): bigint {
  const keys = message.staticAccountKeys;
  let limit: number | undefined;
  let microLamportsPerUnit = 0n;
  let otherInstructions = 0;
  for (const ix of message.compiledInstructions) {
    if (!keys[ix.programIdIndex]?.equals(ComputeBudgetProgram.programId)) {
      otherInstructions++;
      continue;
    }
    const data = Buffer.from(ix.data);
    if (data[0] === SET_COMPUTE_UNIT_LIMIT && data.length >= 5) limit = data.readUInt32LE(1);
    if (data[0] === SET_COMPUTE_UNIT_PRICE && data.length >= 9) microLamportsPerUnit = data.readBigUInt64LE(1);
  }
  const units = BigInt(Math.min(limit ?? DEFAULT_UNITS_PER_INSTRUCTION * otherInstructions, MAX_COMPUTE_UNIT_LIMIT));
  const priority = (microLamportsPerUnit * units + 999_999n) / 1_000_000n;
  return LAMPORTS_PER_SIGNATURE * BigInt(message.header.numRequiredSignatures) + priority;
}
