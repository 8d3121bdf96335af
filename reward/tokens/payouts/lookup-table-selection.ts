import type { AddressLookupTableAccount, PublicKey } from "@solana/web3.js";

const membership = new WeakMap<AddressLookupTableAccount, Set<string>>();
const base58 = new WeakMap<PublicKey, string>();

/** The key's base58 form, remembered per object: planning compares the same keys many times. */
export function keyString(key: PublicKey): string {
  let text = base58.get(key);
  if (text === undefined) base58.set(key, (text = key.toBase58()));
  return text;
}

export function tableAddresses(table: AddressLookupTableAccount): Set<string> {
  let set = membership.get(table);
  if (!set) {
    set = new Set(table.state.addresses.map(keyString));
    membership.set(table, set);
  }
  return set;
}

/**
 * The few tables that hold most of `keys`, best first. A table is only worth referencing for two or more keys:
 * a lookup costs 34 bytes plus one per key, a key written out costs 32.
 */
export function selectLookupTables(
  keys: PublicKey[],
  tables: AddressLookupTableAccount[],
): AddressLookupTableAccount[] {
  const uncovered = new Set(keys.map(keyString));
  const chosen: AddressLookupTableAccount[] = [];
  for (;;) {
    let best: AddressLookupTableAccount | undefined;
    let bestCount = 1;
    for (const table of tables) {
      if (chosen.includes(table)) continue;
      const members = tableAddresses(table);
      let count = 0;
      for (const key of uncovered) if (members.has(key)) count++;
      if (count > bestCount) {
        best = table;
        bestCount = count;
      }
    }
    if (!best) return chosen;
    chosen.push(best);
    const members = tableAddresses(best);
    for (const key of [...uncovered]) if (members.has(key)) uncovered.delete(key);
  }
}
