import { setTimeout as sleep } from "node:timers/promises";
import {
  AddressLookupTableAccount,
  AddressLookupTableProgram,
  type Keypair,
  type PublicKey,
  type TransactionInstruction,
} from "@solana/web3.js";
import {
  ADDRESSES_WITH_CREATE,
  buildCreateLookupTableInstruction,
  buildExtendLookupTableInstructions,
  planLookupTables,
} from "./lookup-tables.ts";
import { sendInstructions } from "../chain/confirm.ts";
import { ChainError, type ChainAdapter } from "../chain/types.ts";

const POLL_MS = 400;

export async function fetchLookupTable(
  chain: ChainAdapter,
  address: PublicKey,
): Promise<AddressLookupTableAccount | null> {
  const state = await chain.getAccountInfo(address);
  if (!state) return null;
  if (!state.owner.equals(AddressLookupTableProgram.programId))
    throw new ChainError(`${address.toBase58()} is not an address lookup table`);
  return new AddressLookupTableAccount({ key: address, state: AddressLookupTableAccount.deserialize(state.data) });
}

export interface EnsureLookupTablesParams {
  /** Owns the tables and pays for them. */
  authority: Keypair;
  /** Tables made before (their addresses are kept by the caller, e.g. in the database). */
  tables: AddressLookupTableAccount[];
  addresses: PublicKey[];
  /** Put first into every new table (see commonPayoutAddresses). */
  common: PublicKey[];
  /** Called as soon as a new table exists on chain, before it is filled: the moment to record its address. */
  onTableCreated?: (table: PublicKey) => Promise<void>;
}

export interface EnsuredLookupTables {
  /** All tables, refreshed, ready to use: the ones given and the new ones. */
  tables: AddressLookupTableAccount[];
  created: PublicKey[];
  signatures: string[];
}

/**
 * Adds every address not yet in a table, filling the given tables before creating new ones, and returns once the
 * additions are usable (a slot after the last extension). Each transaction is confirmed before the next is sent.
 */
export async function ensureLookupTables(
  chain: ChainAdapter,
  params: EnsureLookupTablesParams,
): Promise<EnsuredLookupTables> {
  const { authority } = params;
  const plan = planLookupTables(params.addresses, params.tables, params.common);
  const signatures: string[] = [];
  let lastSlot = -1n;
  const send = async (instructions: TransactionInstruction[]) => {
    const { signature, slot } = await sendInstructions(chain, authority, instructions);
    if (slot > lastSlot) lastSlot = slot;
    signatures.push(signature);
  };
  const owner = { authority: authority.publicKey, payer: authority.publicKey };

  for (const { table, addresses } of plan.extend) {
    for (const instruction of buildExtendLookupTableInstructions({ ...owner, table, addresses }))
      await send([instruction]);
  }
  const created: PublicKey[] = [];
  let lastRecentSlot = -1n;
  for (const addresses of plan.create) {
    // The table address derives from (authority, recent slot): two tables need two slots.
    let recentSlot = (await chain.getSlot()) - 1n;
    while (recentSlot <= lastRecentSlot) {
      await sleep(POLL_MS);
      recentSlot = (await chain.getSlot()) - 1n;
    }
    lastRecentSlot = recentSlot;
    const { instruction, table } = buildCreateLookupTableInstruction({ ...owner, recentSlot });
    const [first, ...rest] = [
      ...buildExtendLookupTableInstructions({
        ...owner,
        table,
        addresses: addresses.slice(0, ADDRESSES_WITH_CREATE),
        chunk: ADDRESSES_WITH_CREATE,
      }),
      ...buildExtendLookupTableInstructions({ ...owner, table, addresses: addresses.slice(ADDRESSES_WITH_CREATE) }),
    ];
    await send([instruction, first]);
    created.push(table);
    await params.onTableCreated?.(table);
    for (const extend of rest) await send([extend]);
  }
  // Addresses added in a slot can be looked up from the next one on.
  while (lastSlot >= 0n && (await chain.getSlot()) <= lastSlot) await sleep(POLL_MS);

  const tables: AddressLookupTableAccount[] = [];
  for (const key of [...params.tables.map((t) => t.key), ...created]) {
    const table = await fetchLookupTable(chain, key);
    if (!table) throw new ChainError(`lookup table ${key.toBase58()} disappeared`);
    tables.push(table);
  }
  return { tables, created, signatures };
}
