import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Keypair } from "@solana/web3.js";

/** A keypair file that is missing or not in solana-keygen's format. Messages never include the file's contents. */
export class KeypairFileError extends Error {
  override name = "KeypairFileError";
}

/** Reads a keypair file as solana-keygen writes it: a JSON array of the 64 secret key bytes. */
export async function loadKeypairFile(file: string): Promise<Keypair> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new KeypairFileError(`cannot read keypair file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let bytes: unknown;
  try {
    bytes = JSON.parse(text);
  } catch {
    throw new KeypairFileError(`keypair file ${file} is not JSON`);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new KeypairFileError(`keypair file ${file} is not an array of 64 bytes`);
  }
  try {
    return Keypair.fromSecretKey(Uint8Array.from(bytes));
  } catch {
    throw new KeypairFileError(`keypair file ${file} holds an inconsistent secret key`);
  }
}

/** Loads the keypair at `file`, or generates one and writes it there readable by this user only (0600). */
export async function loadOrCreateKeypairFile(file: string): Promise<{ keypair: Keypair; created: boolean }> {
  const keypair = Keypair.generate();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, JSON.stringify([...keypair.secretKey]), { flag: "wx", mode: 0o600 });
    return { keypair, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new KeypairFileError(
        `cannot write keypair file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      );
    }
    return { keypair: await loadKeypairFile(file), created: false };
  }
}
