import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Keypair } from "@solana/web3.js";
import {
  KeypairFileError,
  loadKeypairFile,
  loadOrCreateKeypairFile,
} from "../../../../reward/tokens/chain/keypair-file.ts";
import { makeTempDir, removeTempDirs } from "../../../support/temp-dir.ts";

let dir: string;
beforeEach(() => (dir = makeTempDir("chain")));
afterEach(removeTempDirs);

describe("keypair files", () => {
  it("creates a solana-keygen style file readable by its owner only, and loads the same key afterwards", async () => {
    const file = path.join(dir, "keys", "treasury.json");
    const { keypair, created } = await loadOrCreateKeypairFile(file);
    expect(created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([...keypair.secretKey]);
    const again = await loadOrCreateKeypairFile(file);
    expect(again.created).toBe(false);
    expect(again.keypair.publicKey.equals(keypair.publicKey)).toBe(true);
  });

  it("loads a key written by another tool and refuses broken files without echoing their content", async () => {
    const known = Keypair.generate();
    const file = path.join(dir, "id.json");
    writeFileSync(file, JSON.stringify(Array.from(known.secretKey)));
    expect((await loadKeypairFile(file)).publicKey.equals(known.publicKey)).toBe(true);

    const secret = Array.from(known.secretKey);
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify(secret.slice(0, 32)), /not an array of 64 bytes/],
      [`[${secret.join(",")}`, /not JSON/],
      [JSON.stringify([...secret.slice(0, 32), ...Keypair.generate().publicKey.toBytes()]), /inconsistent/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(file, content);
      const error = await loadKeypairFile(file).catch((e) => e);
      expect(error).toBeInstanceOf(KeypairFileError);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(String(secret[0]) + "," + String(secret[1]));
    }
    await expect(loadKeypairFile(path.join(dir, "missing.json"))).rejects.toThrow(/ENOENT/);
    mkdirSync(path.join(dir, "dir.json"));
    await expect(loadKeypairFile(path.join(dir, "dir.json"))).rejects.toThrow(KeypairFileError);
  });
});
