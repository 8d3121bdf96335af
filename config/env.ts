import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

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
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_ANSWERS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  SOLANA_RPC_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  PAIRWISE_MINT: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "must be a base58 address").optional(),
  TREASURY_KEYPAIR: z.string().optional(),
  TOKEN_DECIMALS: z.coerce.number().int().min(0).max(12).default(6),
  TREASURY_INITIAL_SUPPLY: z.string().regex(/^\d+$/, "must be a whole number of base units").optional(),
  CREDITS_PER_TOKEN: z.coerce.number().int().positive().default(100),
  /** An OpenAI-compatible endpoint (base URL, e.g. https://api.openai.com/v1) for best-of-n chat. */
  LLM_UPSTREAM_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  LLM_UPSTREAM_API_KEY: z.string().optional(),
  LLM_UPSTREAM_MODEL: z.string().default("gpt-4o-mini"),
  /** The host the browser shows, for Sign-In-With-Solana messages; defaults to the request's Host. */
  PUBLIC_HOST: z.string().optional(),
});

export type Env = z.infer<typeof schema> & { sessionSecret: string; cookieSecure: boolean };

/** Reads the secret from the environment, a file it names, or a generated file under DATA_DIR (never the database). */
function loadSessionSecret(env: z.infer<typeof schema>): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  const file = env.SESSION_SECRET_FILE ?? path.join(env.DATA_DIR, "session-secret");
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length < 32) throw new Error(`${file}: the session secret must be at least 32 characters, it has ${secret.length}`);
    return secret;
  }
  if (env.SESSION_SECRET_FILE) throw new Error(`SESSION_SECRET_FILE ${file} does not exist`);
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function loadEnv(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  const env = parsed.data;
  return {
    ...env,
    sessionSecret: loadSessionSecret(env),
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === "true" : env.NODE_ENV === "production",
  };
}

export const env = loadEnv();
