import type { Env } from "../config/env.ts";
import { chainConfig, modelsDir } from "../config/env.ts";
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../db/errors.ts";
import { getModel } from "../db/queries/models.ts";
import { openPlatform, type Platform } from "../reward/tokens/chain/platform.ts";
import type { PayoutContext } from "../reward/tokens/payouts/executor.ts";
import type { RedeemContext } from "../reward/tokens/redemptions/service.ts";
import { loadScorer, type Scorer } from "../trainer/index.ts";
import { ScorerCache } from "../trainer/scorer-cache.ts";
import { ensureFreshConsensus } from "../reward/consensus/project-run.ts";

/** What background work (and the routes that start it) needs besides the database: the chain and the models. */
export interface Services {
  db: Db;
  env: Env;
  /** The platform's chain and token, opened on first use (the embedded chain creates its mint then). */
  platform(): Promise<Platform>;
  /** Runs `work` with a trained model version's scorer, kept open for later calls. */
  withScorer<T>(modelId: string, work: (scorer: Scorer) => Promise<T>): Promise<T>;
  modelsDir: string;
  close(): Promise<void>;
}

const MAX_CACHED_SCORERS = 8;

/**
 * Services over `db`. The chain is opened lazily from the environment unless `platform` is given (the app keeps
 * its own handle across dev-server reloads; tests pass an in-memory chain).
 */
export function createServices(db: Db, env: Env, options: { platform?: () => Promise<Platform> } = {}): Services {
  let opened: Promise<Platform> | undefined;
  const platform =
    options.platform ??
    (() =>
      (opened ??= openPlatform(chainConfig(env)).catch((error) => {
        opened = undefined;
        throw error;
      })));
  const scorers = new ScorerCache(MAX_CACHED_SCORERS, async (modelId) => {
    const model = await getModel(db, modelId);
    if (!model?.dir || model.status !== "ready") throw new NotFoundError("Trained model");
    return loadScorer(model.dir);
  });
  return {
    db,
    env,
    platform,
    withScorer: (modelId, work) => scorers.use(modelId, work),
    modelsDir: modelsDir(env),
    async close() {
      if (opened) await (await opened.catch(() => null))?.close();
      opened = undefined;
    },
  };
}

/** The payout executor's context: the chain, the token, and a consensus refresh before an epoch is planned. */
export async function payoutContext(services: Services): Promise<PayoutContext> {
  const { chain, token } = await services.platform();
  return {
    db: services.db,
    chain,
    token,
    refreshConsensus: (projectId) => ensureFreshConsensus(services.db, projectId),
  };
}

export async function redeemContext(services: Services): Promise<RedeemContext> {
  const { chain, token } = await services.platform();
  return { db: services.db, chain, token, creditsPerToken: BigInt(services.env.CREDITS_PER_TOKEN) };
}
