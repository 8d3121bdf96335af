// Sign-In-With-Solana (CAIP-122 / EIP-4361 text format) messages: build, parse strictly, verify.
// Pure: no I/O. Single use of nonces is the caller's job (issue with createSiwsChallenge, store the nonce,
// pass it back as `expected.nonce`, mark it used after verifySiws succeeds).
import { ed25519 } from "@noble/curves/ed25519";
import bs58 from "bs58";
import { SOLANA_CLUSTERS, type SolanaCluster } from "../chain/clusters.ts";

export type SiwsFailure =
  "malformed" | "bad-signature" | "wrong-domain" | "wrong-address" | "nonce-mismatch" | "expired";

export class SiwsError extends Error {
  override name = "SiwsError";
  constructor(
    readonly reason: SiwsFailure,
    message: string,
  ) {
    super(message);
  }
}

export type SiwsChainId = SolanaCluster;

export interface SiwsMessage {
  /** host[:port] of the site asking for the signature, as the browser shows it. */
  domain: string;
  /** base58 ed25519 public key of the signing wallet. */
  address: string;
  statement?: string;
  uri: string;
  chainId: SiwsChainId;
  nonce: string;
  issuedAt: Date;
  expirationTime: Date;
}

export interface SiwsChallenge {
  message: string;
  nonce: string;
  expiresAt: Date;
}

const HEADER_SUFFIX = " wants you to sign in with your Solana account:";
const MAX_MESSAGE_LENGTH = 4096;
const DOMAIN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const NONCE = /^[A-Za-z0-9]{8,128}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const NONCE_BYTES = 16;

/** 128 random bits as base58: alphanumeric, as CAIP-122 requires of a nonce. */
export function createNonce(): string {
  return bs58.encode(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** A fresh nonce and the message for `address` to sign, valid for `ttlMs` from `now`. */
export function createSiwsChallenge(input: {
  domain: string;
  address: string;
  statement?: string;
  uri: string;
  chainId: SiwsChainId;
  now: Date;
  ttlMs: number;
}): SiwsChallenge {
  const nonce = createNonce();
  const expiresAt = new Date(input.now.getTime() + input.ttlMs);
  const message = buildSiwsMessage({
    domain: input.domain,
    address: input.address,
    statement: input.statement,
    uri: input.uri,
    chainId: input.chainId,
    nonce,
    issuedAt: input.now,
    expirationTime: expiresAt,
  });
  return { message, nonce, expiresAt };
}

/** The message text; throws SiwsError("malformed") for fields the strict parser would reject. */
export function buildSiwsMessage(fields: SiwsMessage): string {
  if (fields.statement?.includes("\n")) throw malformed("has a statement of more than one line");
  const lines = [`${fields.domain}${HEADER_SUFFIX}`, fields.address, ""];
  if (fields.statement) lines.push(fields.statement, "");
  lines.push(
    `URI: ${fields.uri}`,
    "Version: 1",
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${isoTime(fields.issuedAt)}`,
    `Expiration Time: ${isoTime(fields.expirationTime)}`,
  );
  const text = lines.join("\n");
  parseSiwsMessage(text);
  return text;
}

/** Parses exactly the format buildSiwsMessage writes; anything else throws SiwsError("malformed"). */
export function parseSiwsMessage(text: string): SiwsMessage {
  if (text.length > MAX_MESSAGE_LENGTH) throw malformed(`is longer than ${MAX_MESSAGE_LENGTH} characters`);
  const lines = text.split("\n");
  const header = lines[0] ?? "";
  if (!header.endsWith(HEADER_SUFFIX)) throw malformed("does not start with the Sign-In-With-Solana header");
  const domain = header.slice(0, -HEADER_SUFFIX.length);
  if (!DOMAIN.test(domain)) throw malformed(`has an invalid domain "${domain}"`);

  const address = lines[1] ?? "";
  if (!isPublicKey(address)) throw malformed("has an invalid Solana address");
  if (lines[2] !== "") throw malformed("needs a blank line after the address");

  let next = 3;
  let statement: string | undefined;
  if (!lines[next]?.startsWith("URI: ")) {
    statement = lines[next];
    if (!statement) throw malformed("has an empty statement");
    if (lines[next + 1] !== "") throw malformed("needs a blank line after the statement");
    next += 2;
  }

  const fieldLines = lines.slice(next);
  const names = ["URI", "Version", "Chain ID", "Nonce", "Issued At", "Expiration Time"] as const;
  if (fieldLines.length !== names.length) throw malformed(`must end with exactly the fields ${names.join(", ")}`);
  const [uri, version, chainId, nonce, issuedAt, expirationTime] = names.map((name, i) => {
    const prefix = `${name}: `;
    if (!fieldLines[i].startsWith(prefix)) throw malformed(`expected "${prefix}" on line ${next + i + 1}`);
    return fieldLines[i].slice(prefix.length);
  });

  if (!isAbsoluteUri(uri)) throw malformed(`has an invalid URI "${uri}"`);
  if (version !== "1") throw malformed(`has unsupported version "${version}"`);
  if (!isChainId(chainId)) throw malformed(`has unknown chain ID "${chainId}"`);
  if (!NONCE.test(nonce)) throw malformed("has a nonce that is not 8–128 letters and digits");
  const issued = parseTime(issuedAt, "Issued At");
  const expires = parseTime(expirationTime, "Expiration Time");
  if (expires <= issued) throw malformed("expires before it was issued");

  return { domain, address, statement, uri, chainId, nonce, issuedAt: issued, expirationTime: expires };
}

/**
 * Checks that `message` is a well-formed SIWS message for this site (`expected.domain`), carries the nonce the
 * server issued, has not expired at `expected.now`, names `expected.address` when one is given, and is signed
 * by the key of the address it names. Returns that address; throws SiwsError otherwise.
 */
export function verifySiws(input: {
  message: string;
  signature: Uint8Array | string;
  expected: { domain: string; address?: string; nonce: string; now: Date };
}): { address: string; fields: SiwsMessage } {
  const { expected } = input;
  const fields = parseSiwsMessage(input.message);
  const signature = decodeSignature(input.signature);
  if (fields.domain !== expected.domain)
    throw new SiwsError("wrong-domain", `The message is for ${fields.domain}, not ${expected.domain}.`);
  if (expected.address !== undefined && fields.address !== expected.address)
    throw new SiwsError(
      "wrong-address",
      `The message names wallet ${fields.address}, but wallet ${expected.address} signed in.`,
    );
  if (fields.nonce !== expected.nonce)
    throw new SiwsError("nonce-mismatch", "The message was not issued for this sign-in attempt; start again.");
  if (expected.now >= fields.expirationTime)
    throw new SiwsError("expired", "The sign-in message has expired; start again.");
  if (!verifyEd25519(signature, new TextEncoder().encode(input.message), bs58.decode(fields.address)))
    throw new SiwsError("bad-signature", `The signature was not made by wallet ${fields.address} over this message.`);
  return { address: fields.address, fields };
}

function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    // noble throws, rather than returning false, for keys or signatures that are not valid curve encodings
    return false;
  }
}

function decodeSignature(signature: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (typeof signature !== "string") bytes = signature;
  else {
    try {
      bytes = bs58.decode(signature);
    } catch {
      bytes = undefined;
    }
  }
  if (bytes?.length !== 64) throw new SiwsError("bad-signature", "The signature is not a 64-byte ed25519 signature.");
  return bytes;
}

function isPublicKey(address: string): boolean {
  try {
    return bs58.decode(address).length === 32;
  } catch {
    return false;
  }
}

function isAbsoluteUri(uri: string): boolean {
  if (/\s/.test(uri)) return false;
  try {
    new URL(uri);
    return true;
  } catch {
    return false;
  }
}

function isChainId(value: string): value is SiwsChainId {
  return (SOLANA_CLUSTERS as readonly string[]).includes(value);
}

function parseTime(value: string, field: string): Date {
  const time = RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw malformed(`has an invalid ${field} time "${value}"`);
  return new Date(time);
}

function isoTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw malformed("has an invalid date");
  return date.toISOString();
}

function malformed(detail: string): SiwsError {
  return new SiwsError("malformed", `The sign-in message ${detail}.`);
}
