import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { databaseName, DEFAULT_TEST_POSTGRES_URL, dropDatabase, ensureDatabase } from "../../scripts/test-database.ts";

const SERVER = process.env.TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL;
const SCRIPT = path.resolve(import.meta.dirname, "../../scripts/test-database.ts");
const made: string[] = [];

/** A URL on the test server naming a database that does not exist yet (dropped after the file). */
function freshUrl() {
  const name = `pairwise_scratch_${randomBytes(4).toString("hex")}`;
  made.push(name);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

async function exists(name: string): Promise<boolean> {
  const sql = postgres(SERVER, { max: 1, onnotice: () => {} });
  try {
    return (await sql`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await sql.end();
  }
}

function script(command: string, env: Record<string, string>) {
  return promisify(execFile)(process.execPath, ["--import", "tsx", SCRIPT, command], {
    env: { ...process.env, ...env },
  });
}

afterAll(async () => {
  for (const name of made) await dropDatabase(SERVER, name);
});

describe("scripts/test-database.ts", () => {
  it("creates the database of the URL once, and drops a database even while a client is connected to it", async () => {
    const url = freshUrl();
    const name = databaseName(url);
    expect(await ensureDatabase(url)).toBe(true);
    expect(await exists(name)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);

    const client = postgres(url, { max: 1 });
    await client`select 1`;
    await dropDatabase(url, name);
    expect(await exists(name)).toBe(false);
    await client.end().catch(() => {});
    await expect(dropDatabase(url, name)).resolves.toBeUndefined();
  });

  it("runs as `ensure` and `drop-e2e` from the shell, quiet when there is nothing to do", async () => {
    const url = freshUrl();
    const name = databaseName(url);
    expect((await script("ensure", { TEST_POSTGRES_URL: url })).stdout).toBe(`created the database ${name}\n`);
    expect((await script("ensure", { TEST_POSTGRES_URL: url })).stdout).toBe("");
    expect(await exists(name)).toBe(true);
    const dropped = await script("drop-e2e", { TEST_POSTGRES_URL: SERVER, E2E_DATABASE: name });
    expect(dropped).toMatchObject({ stdout: "", stderr: "" });
    expect(await exists(name)).toBe(false);
  });

  it("refuses a URL without a database name and an unknown command", async () => {
    expect(() => databaseName("postgres://postgres@127.0.0.1:5432/")).toThrow(/names no database/);
    await expect(script("create", {})).rejects.toMatchObject({
      code: 2,
      stderr: 'test-database: unknown command "create" (expected ensure or drop-e2e)\n',
    });
  });
});
