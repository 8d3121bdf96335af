import type { Db } from "../../db/client.ts";
import { commitProjectGold } from "../../jobs/gold-commitments.ts";
import type { PlatformToken } from "../../reward/tokens/chain/setup.ts";
import type { ChainAdapter } from "../../reward/tokens/chain/types.ts";
import { inMemoryChain } from "./chain.ts";

/**
 * Commits the project's uploaded gold on chain as the 'gold-commit' job does (on `on`, or a fresh in-memory chain),
 * so its gold items can be served.
 */
export async function commitGold(db: Db, projectId: string, on?: { chain: ChainAdapter; token: PlatformToken }) {
  const { chain, token } = on ?? (await inMemoryChain());
  try {
    return await commitProjectGold({ db, chain, treasury: token.treasury }, projectId);
  } finally {
    if (!on) await chain.close();
  }
}
