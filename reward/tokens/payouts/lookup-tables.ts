import {
  AddressLookupTableProgram,
  SystemProgram,
  type AddressLookupTableAccount,
  type PublicKey,
  type TransactionInstruction,
} from "@solana/web3.js";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { keyString, tableAddresses } from "./lookup-table-selection.ts";
import { associatedTokenAccount } from "../chain/token-account-address.ts";
import type { PayoutTransfer } from "./transactions.ts";

export const LOOKUP_TABLE_CAPACITY = 256;
/** Addresses one extend transaction carries within 1232 bytes (one signature, payer = authority). */
export const ADDRESSES_PER_EXTEND = 30;
/** Addresses that fit beside the create instruction in a table's first transaction (exactly as many). */
export const ADDRESSES_WITH_CREATE = 30;

/** Accounts every payout transaction uses; each table starts with them so that one table serves a whole batch. */
export function commonPayoutAddresses(params: {
  mint: PublicKey;
  treasuryOwner: PublicKey;
  tokenProgramId?: PublicKey;
}): PublicKey[] {
  const tokenProgramId = params.tokenProgramId ?? TOKEN_PROGRAM_ID;
  return [
    params.mint,
    associatedTokenAccount(params.mint, params.treasuryOwner, tokenProgramId),
    SystemProgram.programId,
  ];
}

/**
 * What a payout to these recipients wants in tables: their token accounts. Owners stay out: they only appear where an
 * account is created, and such batches are held to a handful of recipients by the instruction trace, not by bytes.
 */
export function recipientLookupAddresses(
  mint: PublicKey,
  recipients: PayoutTransfer[],
  tokenProgramId: PublicKey = TOKEN_PROGRAM_ID,
): PublicKey[] {
  return recipients.map((r) => associatedTokenAccount(mint, r.owner, tokenProgramId));
}

export interface LookupTablePlan {
  /** Addresses to append to existing tables that have room. */
  extend: Array<{ table: PublicKey; addresses: PublicKey[] }>;
  /** New tables, each with its full list of addresses (the common ones first). */
  create: PublicKey[][];
}

/** Places every address that no table holds yet: first into the room left in existing tables, then into new ones. */
export function planLookupTables(
  addresses: PublicKey[],
  tables: AddressLookupTableAccount[],
  common: PublicKey[],
): LookupTablePlan {
  const present = new Set(tables.flatMap((t) => [...tableAddresses(t)]));
  const missing: PublicKey[] = [];
  for (const address of addresses) {
    const key = keyString(address);
    if (present.has(key)) continue;
    present.add(key);
    missing.push(address);
  }
  const plan: LookupTablePlan = { extend: [], create: [] };
  let next = 0;
  for (const table of tables) {
    const room = LOOKUP_TABLE_CAPACITY - table.state.addresses.length;
    if (room <= 0 || next >= missing.length || !table.isActive()) continue;
    plan.extend.push({ table: table.key, addresses: missing.slice(next, next + room) });
    next += room;
  }
  const perTable = LOOKUP_TABLE_CAPACITY - common.length;
  for (; next < missing.length; next += perTable)
    plan.create.push([...common, ...missing.slice(next, next + perTable)]);
  return plan;
}

/** The instruction creating a table owned by `authority`; `recentSlot` must be a recent slot, distinct per table. */
export function buildCreateLookupTableInstruction(params: {
  authority: PublicKey;
  payer: PublicKey;
  recentSlot: bigint;
}): {
  instruction: TransactionInstruction;
  table: PublicKey;
} {
  const [instruction, table] = AddressLookupTableProgram.createLookupTable(params);
  return { instruction, table };
}

/** Instructions appending `addresses` in chunks, one instruction per transaction. */
export function buildExtendLookupTableInstructions(params: {
  table: PublicKey;
  authority: PublicKey;
  payer: PublicKey;
  addresses: PublicKey[];
  chunk?: number;
}): TransactionInstruction[] {
  const chunk = params.chunk ?? ADDRESSES_PER_EXTEND;
  const instructions: TransactionInstruction[] = [];
  for (let i = 0; i < params.addresses.length; i += chunk) {
    instructions.push(
      AddressLookupTableProgram.extendLookupTable({
        lookupTable: params.table,
        authority: params.authority,
        payer: params.payer,
        addresses: params.addresses.slice(i, i + chunk),
      }),
    );
  }
  return instructions;
}
