/**
 * `npm run bench -- consensus`: aggregation speed at scale, against the floor of merely reading the file.
 * 1,000,000 labels (200,000 tasks, 2,000 labelers, 4 classes) and 1,000,000 pairwise answers
 * (50,000 items, 2,000 labelers) are written as CSV to the temp folder; each is timed once as a bare
 * read-and-split pass and once through the same path as `pairwise aggregate` (parse, aggregate, serialise),
 * best of three runs each.
 * `npm run bench -- consensus accuracy` prints the accuracy tables of reward/consensus/README.md instead.
 */
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { aggregateFile } from "../bin/commands/aggregate.ts";
import { accuracyTable, formatAccuracyTable } from "../test/support/accuracy-table.ts";
import { IMBALANCED_CROWDS } from "../test/support/named-crowds.ts";
import { Rng } from "../trainer/rng.ts";
import { makeTempDir, removeTempDirs } from "../test/support/temp-dir.ts";

async function writeLines(file: string, header: string, count: number, line: (i: number) => string) {
  const out = createWriteStream(file);
  let buffer = header + "\n";
  for (let i = 0; i < count; i++) {
    buffer += line(i) + "\n";
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
}

/** 200,000 tasks × 5 answers from 2,000 labelers of mixed skill (some random, some adversarial). */
export async function writeLabels(file: string) {
  const rng = new Rng(1);
  const tasks = 200_000;
  const workers = 2_000;
  const skill = Float64Array.from({ length: workers }, (_, w) =>
    w % 20 === 0 ? 0.25 : w % 50 === 1 ? 0.05 : 0.55 + 0.4 * rng.next(),
  );
  const truth = Int32Array.from({ length: tasks }, () => rng.int(4));
  await writeLines(file, "task,worker,label", tasks * 5, (i) => {
    const t = Math.floor(i / 5);
    const w = (t * 7 + (i % 5) * 401 + rng.int(300)) % workers;
    const y = truth[t];
    const answer = rng.next() < skill[w] ? y : (y + 1 + rng.int(3)) % 4;
    return `task${t},worker${w},class${answer}`;
  });
}

/** 1,000,000 comparisons of 50,000 items by 2,000 labelers (some random, some flipping, some left-biased). */
export async function writePairs(file: string) {
  const rng = new Rng(2);
  const items = 50_000;
  const workers = 2_000;
  const score = Float64Array.from({ length: items }, () => rng.normal());
  await writeLines(file, "worker,left,right,label", 1_000_000, () => {
    const w = rng.int(workers);
    const a = rng.int(items);
    const b = (a + 1 + rng.int(items - 1)) % items;
    const p = 1 / (1 + Math.exp(-(score[a] - score[b]) * 2));
    let left = rng.next() < p;
    if (w % 20 === 0) left = rng.next() < 0.5;
    else if (w % 50 === 1) left = !left;
    else if (w % 40 === 3 && rng.next() < 0.5) left = true;
    const label = Math.abs(score[a] - score[b]) < 0.02 ? "tie" : left ? "left" : "right";
    return `worker${w},item${a},item${b},${label}`;
  });
}

/** The floor: read the file and split it into lines and fields, touching every field. */
async function readAndSplit(file: string): Promise<number> {
  const text = await readFile(file, "utf8");
  let fields = 0;
  for (const line of text.split("\n")) fields += line.split(",").length;
  return fields;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e9, value];
}

async function speed() {
  const dir = makeTempDir("bench");
  try {
    const cases: [string, string, (f: string) => Promise<void>][] = [
      ["labels: 1,000,000 answers, 200,000 tasks, 2,000 labelers, 4 classes", "labels.csv", writeLabels],
      ["pairs:  1,000,000 answers, 50,000 items, 2,000 labelers", "pairs.csv", writePairs],
    ];
    for (const [name, fileName, write] of cases) {
      const file = path.join(dir, fileName);
      await write(file);
      await readAndSplit(file); // warm the file cache and the JIT
      // Best of three: the machine may be shared, and the minimum is the least disturbed run.
      let floor = Infinity;
      let full = Infinity;
      let json = "";
      for (let repeat = 0; repeat < 3; repeat++) {
        floor = Math.min(floor, (await time(() => readAndSplit(file)))[0]);
        const [seconds, output] = await time(() => aggregateFile(file));
        full = Math.min(full, seconds);
        json = output;
      }
      const summary = JSON.parse(json) as { iterations: number; converged: boolean };
      console.log(name);
      console.log(`  read + split       ${floor.toFixed(2)} s`);
      console.log(
        `  parse + aggregate  ${full.toFixed(2)} s  (${(full / floor).toFixed(1)}× the read floor; ${summary.iterations} iterations, converged: ${summary.converged})`,
      );
    }
  } finally {
    removeTempDirs();
  }
}

export async function run(args: string[] = process.argv.slice(3)): Promise<void> {
  if (args.includes("accuracy")) {
    const seeds = [1, 2, 3, 4, 5];
    console.log(formatAccuracyTable(accuracyTable(seeds)));
    console.log();
    console.log(formatAccuracyTable(accuracyTable([...seeds, 6, 7, 8, 9, 10], IMBALANCED_CROWDS)));
  } else await speed();
}
