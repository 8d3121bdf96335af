import { Readable } from "node:stream";
import postgres from "postgres";
import type { Db } from "../db/client.ts";
import { ingestDataset } from "../datasets/index.ts";
import { createProject, setQualityThreshold } from "../db/queries/projects.ts";
import { createUser } from "../db/queries/identity.ts";
import { recordFunding } from "../db/queries/funds.ts";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Runs `body` on a new database `name` on BENCH_POSTGRES_URL's server, dropped afterwards. */
export async function withFreshDatabase<T>(name: string, body: (url: string) => Promise<T>): Promise<T> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    return await body(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/** A pairwise project with `items` items and `labelers` labeler accounts, for load benchmarks. */
export async function makeBenchProject(db: Db, params: { items: number; labelers: number }) {
  const owner = (await createUser(db, {
    email: "bench-owner@bench.test",
    name: "Bench",
    passwordHash: "x",
    role: "requester",
  }))!;
  const project = await createProject(db, {
    ownerId: owner.id,
    title: "Bench",
    instructions: "",
    taskType: "pairwise",
    labelsPerItem: 3,
    rewardPerLabel: 10n,
    budget: 10n ** 12n,
  });
  await recordFunding(db, { projectId: project.id, kind: "admin_credit", amount: 10n ** 12n, reason: "bench funding" });
  // The simulated labelers click at random; the product would rightly pause them, which is not what is measured.
  await setQualityThreshold(db, { projectId: project.id, threshold: null });
  const lines = function* () {
    for (let i = 0; i < params.items; i++) {
      yield (
        JSON.stringify({
          id: `b${i}`,
          prompt: `Prompt ${i} `.repeat(20),
          response_a: `Answer A ${i} `.repeat(40),
          response_b: `Answer B ${i} `.repeat(40),
        }) + "\n"
      );
    }
  };
  await ingestDataset(db, { project, input: Readable.from(lines()), filename: "bench.jsonl", format: "jsonl" });
  const labelerIds: string[] = [];
  for (let i = 0; i < params.labelers; i++) {
    const u = await createUser(db, {
      email: `bench-${i}@bench.test`,
      name: `L${i}`,
      passwordHash: "x",
      role: "labeler",
    });
    labelerIds.push(u!.id);
  }
  return { projectId: project.id, labelerIds };
}
