// The one parse of the environment, for the app, the command line, the chain and the background jobs.
import path from "node:path";
import { z } from "zod";

const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal("").transform(() => undefined));

const schema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  PORT: z.coerce.number().int().positive().default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().default("./data"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_SECRET_FILE: z.string().optional(),
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_ANSWERS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  SOLANA_RPC_URL: optionalUrl,
  PAIRWISE_MINT: z
    .string()
    .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "must be a base58 address")
    .optional(),
  TREASURY_KEYPAIR: z.string().optional(),
  TOKEN_DECIMALS: z.coerce.number().int().min(0).max(12).default(6),
  TREASURY_INITIAL_SUPPLY: z.string().regex(/^\d+$/, "must be a whole number of base units").optional(),
  CREDITS_PER_TOKEN: z.coerce.number().int().positive().default(100),
  /** An OpenAI-compatible endpoint (base URL, e.g. https://api.openai.com/v1) for best-of-n chat. */
  LLM_UPSTREAM_URL: optionalUrl,
  LLM_UPSTREAM_API_KEY: z.string().optional(),
  LLM_UPSTREAM_MODEL: z.string().default("gpt-4o-mini"),
  /** The host the browser shows, for Sign-In-With-Solana messages; defaults to the request's Host. */
  PUBLIC_HOST: z.string().optional(),
  /** Where `pairwise seed` reads the real datasets (default ../shared/datasets beside the repository). */
  PAIRWISE_DATASETS: z.string().optional(),
  /** Fault injection for the payout crash test: `step[:n]` kills the CLI the n-th time it reaches that step. */
  PAIRWISE_CRASH_AT: z.string().optional(),
});

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Validates `source` (default: this process's environment); a bad value fails with every variable it names. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new EnvError(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv();

/** Whether cookies are marked Secure: COOKIE_SECURE, or in production. */
export function cookieSecure(e: Env = env): boolean {
  return e.COOKIE_SECURE ? e.COOKIE_SECURE === "true" : e.NODE_ENV === "production";
}

/** The database: PostgreSQL at DATABASE_URL, or PGlite under DATA_DIR/pglite. */
export function databaseConfig(e: Env = env, maxConnections = e.DB_POOL_SIZE) {
  return { databaseUrl: e.DATABASE_URL, dataDir: path.join(e.DATA_DIR, "pglite"), maxConnections };
}

/** The chain: an RPC endpoint with an existing mint and treasury key, or the embedded chain under DATA_DIR/chain. */
export function chainConfig(e: Env = env) {
  return {
    dataDir: e.DATA_DIR,
    rpcUrl: e.SOLANA_RPC_URL,
    mint: e.PAIRWISE_MINT,
    treasuryKeypairPath: e.TREASURY_KEYPAIR,
    decimals: e.TOKEN_DECIMALS,
    initialSupply: BigInt(e.TREASURY_INITIAL_SUPPLY ?? (10n ** BigInt(9 + e.TOKEN_DECIMALS)).toString()),
  };
}

export const modelsDir = (e: Env = env) => path.join(e.DATA_DIR, "models");
