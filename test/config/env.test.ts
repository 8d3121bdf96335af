import { describe, expect, it } from "vitest";
import { appProcesses, EnvError, parseEnv, publicOrigin } from "../../config/env.ts";

describe("the environment", () => {
  it("requires PUBLIC_HOST in production once the server listens beyond this machine, saying what to set", () => {
    const exposed = { NODE_ENV: "production" as const, HOST: "0.0.0.0" };
    expect(() => parseEnv(exposed)).toThrow(EnvError);
    expect(() => parseEnv(exposed)).toThrow(/PUBLIC_HOST.*required in production/);
    expect(parseEnv({ ...exposed, PUBLIC_HOST: "pairwise.example.com" }).PUBLIC_HOST).toBe("pairwise.example.com");
  });

  it("listens on loopback by default, so `npm start` needs no PUBLIC_HOST (only local users can reach it)", () => {
    const local = parseEnv({ NODE_ENV: "production", PORT: "3100" });
    expect(local.HOST).toBe("localhost");
    expect(local.PUBLIC_HOST).toBe("localhost:3100");
    expect(parseEnv({ NODE_ENV: "production", HOST: "127.0.0.1" }).PUBLIC_HOST).toBe("localhost:3000");
  });

  it("defaults the public host to the listening address outside production", () => {
    expect(parseEnv({ NODE_ENV: "development", PORT: "4000" }).PUBLIC_HOST).toBe("localhost:4000");
    expect(parseEnv({ NODE_ENV: "test" }).PUBLIC_HOST).toBe("localhost:3000");
  });

  it("refuses a PUBLIC_HOST that is not a host", () => {
    for (const bad of ["https://pairwise.example.com", "pairwise.example.com/path", "a b", "evil@host"]) {
      expect(() => parseEnv({ NODE_ENV: "test", PUBLIC_HOST: bad }), bad).toThrow(/PUBLIC_HOST/);
    }
  });

  it("serves https on a public host and http on loopback", () => {
    expect(publicOrigin(parseEnv({ NODE_ENV: "production", PUBLIC_HOST: "pairwise.example.com" }))).toBe(
      "https://pairwise.example.com",
    );
    expect(publicOrigin(parseEnv({ NODE_ENV: "production", PUBLIC_HOST: "localhost:3210" }))).toBe(
      "http://localhost:3210",
    );
  });

  it("reads TRUST_PROXY as a number of proxies, 0 by default", () => {
    expect(parseEnv({ NODE_ENV: "test" }).TRUST_PROXY).toBe(0);
    expect(parseEnv({ NODE_ENV: "test", TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(() => parseEnv({ NODE_ENV: "test", TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY/);
    expect(() => parseEnv({ NODE_ENV: "test", TRUST_PROXY: "-1" })).toThrow(/TRUST_PROXY/);
  });
});

describe("appProcesses", () => {
  const pg = { NODE_ENV: "test" as const, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/app" };
  const rpc = { SOLANA_RPC_URL: "https://rpc.example.test" };
  it("runs one PGlite process, saying so, whatever WEB_CONCURRENCY asks", () => {
    expect(appProcesses(parseEnv({ NODE_ENV: "test", WEB_CONCURRENCY: "4" }), 8)).toEqual({
      count: 1,
      separateJobs: false,
      reason: "one process: PGlite is an embedded database (WEB_CONCURRENCY=4 is ignored)",
    });
  });
  it("runs one process with the embedded chain, even on PostgreSQL", () => {
    expect(appProcesses(parseEnv({ ...pg }), 8)).toMatchObject({
      count: 1,
      separateJobs: false,
      reason: expect.stringMatching(/embedded chain/),
    });
  });
  it("runs one web process per core on PostgreSQL with an RPC chain, or WEB_CONCURRENCY, and one for jobs", () => {
    expect(appProcesses(parseEnv({ ...pg, ...rpc }), 8)).toEqual({
      count: 8,
      separateJobs: true,
      reason: "8 web processes on PostgreSQL (one per core) and one for background jobs",
    });
    expect(appProcesses(parseEnv({ ...pg, ...rpc, WEB_CONCURRENCY: "2" }), 8).count).toBe(2);
    expect(appProcesses(parseEnv({ ...pg, ...rpc, WEB_CONCURRENCY: "1" }), 8)).toMatchObject({
      count: 1,
      separateJobs: true,
    });
    expect(() => parseEnv({ NODE_ENV: "test", WEB_CONCURRENCY: "0" })).toThrow(/WEB_CONCURRENCY/);
  });
});
