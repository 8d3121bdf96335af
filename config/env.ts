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
  /** The address the server listens on: loopback by default; 0.0.0.0 (or ::) to serve other machines. */
  HOST: z.string().min(1).default("localhost"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().default("./data"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** App processes to run (see appProcesses); default one per core where the database and chain allow it. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  SESSION_SECRET_FILE: z.string().optional(),
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024),
  /** Longest line of a JSONL upload (and CSV record), in characters; refused as soon as it is passed. */
  MAX_LINE_CHARS: z.coerce.number().int().positive().default(4_000_000),
  /** Largest request body other than an upload (JSON, forms), in bytes; refused (413) while it is read. */
  MAX_JSON_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Uploads one user may have in progress at once in this process (429 beyond). */
  MAX_UPLOADS_PER_USER: z.coerce.number().int().positive().default(2),
  /** Uploads in progress at once in this process, all users together (429 beyond). */
  MAX_UPLOADS_TOTAL: z.coerce.number().int().positive().default(8),
  /** Uploads written to the database at once (each holds one connection); default half of DB_POOL_SIZE. */
  MAX_UPLOAD_STORES: z.coerce.number().int().positive().optional(),
  /**
   * Seconds an API key's account and a project's settings are reused within one process before they are read again
   * (0: read on every request). The bound on staleness: a revoked key or a paused account is refused by every process
   * within it (at once by the process that revoked it).
   */
  LOOKUP_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_ANSWERS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  SOLANA_RPC_URL: optionalUrl,
  PAIRWISE_MINT: z
    .string()
    .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "must be a base58 address")
    .optional(),
  TREASURY_KEYPAIR: z.string().optional(),
  TOKEN_DECIMALS: z.coerce.number().int().min(0).max(12).default(6),
  /** What people read beside an amount (the mint has no name of its own on chain). */
  TOKEN_SYMBOL: z
    .string()
    .regex(/^[A-Za-z0-9$]{1,10}$/, "must be 1–10 letters or digits")
    .default("PWT"),
  TREASURY_INITIAL_SUPPLY: z.string().regex(/^\d+$/, "must be a whole number of base units").optional(),
  CREDITS_PER_TOKEN: z.coerce.number().int().positive().default(100),
  /** An OpenAI-compatible endpoint (base URL, e.g. https://api.openai.com/v1) for best-of-n chat. */
  LLM_UPSTREAM_URL: optionalUrl,
  LLM_UPSTREAM_API_KEY: z.string().optional(),
  LLM_UPSTREAM_MODEL: z.string().default("gpt-4o-mini"),
  /**
   * The host (and port) users see, e.g. pairwise.example.com: Sign-In-With-Solana messages name it and redirects
   * are kept on it. Required in production; elsewhere it defaults to the listening address, localhost:PORT. Never
   * taken from a request's Host header, which a phishing proxy chooses.
   */
  PUBLIC_HOST: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/,
      "must be a host name with an optional port, e.g. pairwise.example.com",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** How many reverse proxies in front of the app append to X-Forwarded-For (0: use the socket's peer address). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Where `pairwise seed` reads the real datasets (default ../shared/datasets beside the repository). */
  PAIRWISE_DATASETS: z.string().optional(),
  /** Fault injection for the payout crash test: `step[:n]` kills the CLI the n-th time it reaches that step. */
  PAIRWISE_CRASH_AT: z.string().optional(),
});

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Whether the server only listens on this machine (then only local users can reach it, by localhost). */
export const listensOnLoopback = (e: { HOST: string }) => LOOPBACK.test(e.HOST);

const refined = schema
  .refine((e) => e.NODE_ENV !== "production" || e.PUBLIC_HOST !== undefined || listensOnLoopback(e), {
    path: ["PUBLIC_HOST"],
    message:
      "is required in production when the server listens beyond this machine (HOST): the host users reach the site at, e.g. PUBLIC_HOST=pairwise.example.com",
  })
  .transform((e) => ({ ...e, PUBLIC_HOST: e.PUBLIC_HOST ?? `localhost:${e.PORT}` }));

export type Env = z.infer<typeof refined>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Validates `source` (default: this process's environment); a bad value fails with every variable it names. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = refined.safeParse(source);
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

/** The site's own origin: https on PUBLIC_HOST, or http when it is a loopback address (a local trial). */
export function publicOrigin(e: Env = env): string {
  const loopback = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i.test(e.PUBLIC_HOST);
  return `${loopback ? "http" : "https"}://${e.PUBLIC_HOST}`;
}

/**
 * How many app processes `npm start` runs, and why: WEB_CONCURRENCY (default one per core) on PostgreSQL with an RPC
 * chain, since every process shares them, plus one process of its own for the background jobs (a consensus fit or a
 * training run then never stalls a process serving labelers); one process doing both with PGlite (an embedded
 * database belongs to one process) or with the embedded chain (its state lives in the process that opened it).
 */
export function appProcesses(e: Env = env, cores: number): { count: number; separateJobs: boolean; reason: string } {
  const asked = e.WEB_CONCURRENCY;
  const ignored = asked !== undefined && asked > 1 ? ` (WEB_CONCURRENCY=${asked} is ignored)` : "";
  if (!e.DATABASE_URL)
    return { count: 1, separateJobs: false, reason: `one process: PGlite is an embedded database${ignored}` };
  if (!e.SOLANA_RPC_URL)
    return {
      count: 1,
      separateJobs: false,
      reason: `one process: the embedded chain lives in one process; set SOLANA_RPC_URL${ignored}`,
    };
  const count = asked ?? cores;
  return {
    count,
    separateJobs: true,
    reason: `${count} web process${count === 1 ? "" : "es"} on PostgreSQL (${asked === undefined ? "one per core" : "WEB_CONCURRENCY"}) and one for background jobs`,
  };
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
