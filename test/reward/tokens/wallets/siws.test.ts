import { ed25519 } from "@noble/curves/ed25519";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import {
  buildSiwsMessage,
  createNonce,
  createSiwsChallenge,
  parseSiwsMessage,
  SiwsError,
  verifySiws,
  type SiwsFailure,
  type SiwsMessage,
} from "../../../../reward/tokens/wallets/siws.ts";

const DOMAIN = "pairwise.example:3210";
const NOW = new Date("2025-03-01T12:00:00.000Z");
const TEN_MINUTES = 10 * 60_000;

function keypair(fill: number) {
  const secret = new Uint8Array(32).fill(fill);
  return { secret, address: bs58.encode(ed25519.getPublicKey(secret)) };
}
const alice = keypair(1);
const mallory = keypair(2);

function sign(message: string, secret: Uint8Array): Uint8Array {
  return ed25519.sign(new TextEncoder().encode(message), secret);
}

function fieldsFor(address: string, overrides: Partial<SiwsMessage> = {}): SiwsMessage {
  return {
    domain: DOMAIN,
    address,
    statement: "Link this wallet to your Pairwise account to receive payouts.",
    uri: "https://pairwise.example:3210/wallet",
    chainId: "localnet",
    nonce: "n0nce1234abcdXYZ",
    issuedAt: NOW,
    expirationTime: new Date(NOW.getTime() + TEN_MINUTES),
    ...overrides,
  };
}

function siwsError(run: () => unknown): SiwsError {
  try {
    run();
  } catch (error) {
    if (error instanceof SiwsError) return error;
    throw error;
  }
  throw new Error("expected a SiwsError");
}

function failure(run: () => unknown): SiwsFailure {
  return siwsError(run).reason;
}

describe("SIWS message text", () => {
  it("follows the CAIP-122 layout line by line", () => {
    expect(buildSiwsMessage(fieldsFor(alice.address))).toBe(
      [
        `${DOMAIN} wants you to sign in with your Solana account:`,
        alice.address,
        "",
        "Link this wallet to your Pairwise account to receive payouts.",
        "",
        "URI: https://pairwise.example:3210/wallet",
        "Version: 1",
        "Chain ID: localnet",
        "Nonce: n0nce1234abcdXYZ",
        "Issued At: 2025-03-01T12:00:00.000Z",
        "Expiration Time: 2025-03-01T12:10:00.000Z",
      ].join("\n"),
    );
  });

  it("parses back what it builds, with and without a statement", () => {
    const withStatement = fieldsFor(alice.address);
    expect(parseSiwsMessage(buildSiwsMessage(withStatement))).toEqual(withStatement);
    const without = fieldsFor(alice.address, { statement: undefined });
    const text = buildSiwsMessage(without);
    expect(text).toContain(`${alice.address}\n\nURI: `);
    expect(parseSiwsMessage(text)).toEqual(without);
  });

  it("refuses to build what it could not parse", () => {
    expect(failure(() => buildSiwsMessage(fieldsFor(alice.address, { statement: "two\nlines" })))).toBe("malformed");
    expect(failure(() => buildSiwsMessage(fieldsFor(alice.address, { nonce: "short" })))).toBe("malformed");
    expect(failure(() => buildSiwsMessage(fieldsFor("not-an-address")))).toBe("malformed");
    expect(failure(() => buildSiwsMessage(fieldsFor(alice.address, { domain: "evil.example/path" })))).toBe(
      "malformed",
    );
  });

  it.each([
    ["an empty string", () => ""],
    [
      "another header",
      (t: string) => t.replace("wants you to sign in with your Solana account", "wants your Ethereum account"),
    ],
    ["a missing field", (t: string) => t.replace("Version: 1\n", "")],
    [
      "fields out of order",
      (t: string) => t.replace("Version: 1\nChain ID: localnet", "Chain ID: localnet\nVersion: 1"),
    ],
    ["an extra trailing line", (t: string) => `${t}\nRequest ID: 7`],
    ["version 2", (t: string) => t.replace("Version: 1", "Version: 2")],
    ["an unknown chain", (t: string) => t.replace("Chain ID: localnet", "Chain ID: ethereum")],
    ["a non-alphanumeric nonce", (t: string) => t.replace("Nonce: n0nce1234abcdXYZ", "Nonce: n0nce-1234-abcd")],
    ["a relative URI", (t: string) => t.replace("URI: https://pairwise.example:3210/wallet", "URI: /wallet")],
    ["a non-RFC 3339 time", (t: string) => t.replace("2025-03-01T12:10:00.000Z", "March 1, 2025")],
    ["an expiry before issue", (t: string) => t.replace("2025-03-01T12:10:00.000Z", "2025-03-01T11:00:00.000Z")],
    ["CRLF line ends", (t: string) => t.replaceAll("\n", "\r\n")],
    ["a truncated address", (t: string) => t.replace(alice.address, alice.address.slice(0, 20))],
  ])("rejects %s as malformed", (_, mutate) => {
    const text = mutate(buildSiwsMessage(fieldsFor(alice.address)));
    expect(failure(() => parseSiwsMessage(text))).toBe("malformed");
  });
});

describe("verifySiws", () => {
  const expected = { domain: DOMAIN, nonce: "n0nce1234abcdXYZ", now: new Date(NOW.getTime() + 60_000) };

  it("accepts a message signed by the address it names, with the signature as bytes or base58", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address));
    const signature = sign(message, alice.secret);
    expect(verifySiws({ message, signature, expected }).address).toBe(alice.address);
    const viaBase58 = verifySiws({
      message,
      signature: bs58.encode(signature),
      expected: { ...expected, address: alice.address },
    });
    expect(viaBase58.address).toBe(alice.address);
    expect(viaBase58.fields.nonce).toBe(expected.nonce);
  });

  it("round-trips a challenge issued with a fresh nonce", () => {
    const challenge = createSiwsChallenge({
      domain: DOMAIN,
      address: alice.address,
      uri: "https://pairwise.example:3210/wallet",
      chainId: "devnet",
      now: NOW,
      ttlMs: TEN_MINUTES,
    });
    expect(challenge.expiresAt).toEqual(new Date(NOW.getTime() + TEN_MINUTES));
    const verified = verifySiws({
      message: challenge.message,
      signature: sign(challenge.message, alice.secret),
      expected: { domain: DOMAIN, address: alice.address, nonce: challenge.nonce, now: NOW },
    });
    expect(verified.fields.expirationTime).toEqual(challenge.expiresAt);
  });

  it("rejects a message changed after signing", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address));
    const signature = sign(message, alice.secret);
    const tampered = message.replace("receive payouts", "send all tokens");
    expect(failure(() => verifySiws({ message: tampered, signature, expected }))).toBe("bad-signature");
  });

  it("rejects a signature made by another key", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address));
    expect(failure(() => verifySiws({ message, signature: sign(message, mallory.secret), expected }))).toBe(
      "bad-signature",
    );
  });

  it("rejects signatures that are not 64 bytes or not base58", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address));
    const signature = sign(message, alice.secret);
    expect(failure(() => verifySiws({ message, signature: signature.slice(1), expected }))).toBe("bad-signature");
    expect(failure(() => verifySiws({ message, signature: "0OIl", expected }))).toBe("bad-signature");
  });

  it("rejects a message for another domain, even when validly signed", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address, { domain: "pairwise.evil" }));
    expect(failure(() => verifySiws({ message, signature: sign(message, alice.secret), expected }))).toBe(
      "wrong-domain",
    );
  });

  it("rejects a message at or after its expiration time", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address));
    const signature = sign(message, alice.secret);
    const atExpiry = { ...expected, now: new Date(NOW.getTime() + TEN_MINUTES) };
    expect(failure(() => verifySiws({ message, signature, expected: atExpiry }))).toBe("expired");
    const justBefore = { ...expected, now: new Date(NOW.getTime() + TEN_MINUTES - 1) };
    expect(verifySiws({ message, signature, expected: justBefore }).address).toBe(alice.address);
  });

  it("rejects a nonce other than the one the server issued", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address, { nonce: "someOtherNonce42" }));
    expect(failure(() => verifySiws({ message, signature: sign(message, alice.secret), expected }))).toBe(
      "nonce-mismatch",
    );
  });

  it("rejects malformed text before looking at the signature", () => {
    const message = "pairwise.example wants you to sign in\nplease";
    const error = siwsError(() => verifySiws({ message, signature: sign(message, alice.secret), expected }));
    expect(error.reason).toBe("malformed");
    expect(error.message).toMatch(/Sign-In-With-Solana header/);
  });

  it("rejects a message naming one address but signed by another key", () => {
    const message = buildSiwsMessage(fieldsFor(alice.address));
    const signature = sign(message, mallory.secret);
    // The wallet that connected (mallory) is not the one the message names.
    expect(failure(() => verifySiws({ message, signature, expected: { ...expected, address: mallory.address } }))).toBe(
      "wrong-address",
    );
    // Without the connected address to compare, the signature still fails against the named key.
    expect(failure(() => verifySiws({ message, signature, expected }))).toBe("bad-signature");
  });
});

describe("createNonce", () => {
  it("makes distinct alphanumeric nonces of at least 96 bits", () => {
    const nonces = Array.from({ length: 200 }, createNonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9]{8,}$/);
      expect(bs58.decode(nonce).length * 8).toBeGreaterThanOrEqual(96);
    }
  });
});
