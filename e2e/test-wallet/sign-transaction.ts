// Signs a serialized Solana transaction (legacy or v0) the way a wallet does, without web3.js in the browser:
// wire = compact-u16 signature count, 64-byte signatures, message; signer i's signature goes in slot i, where the
// signers are the first `numRequiredSignatures` static account keys of the message.
import { ed25519 } from "@noble/curves/ed25519";

export class TransactionFormatError extends Error {
  override name = "TransactionFormatError";
}

const SIGNATURE_LENGTH = 64;
const KEY_LENGTH = 32;

export function signWireTransaction(wire: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const publicKey = ed25519.getPublicKey(secretKey);
  const signatures = readCompactU16(wire, 0);
  const messageStart = signatures.end + signatures.value * SIGNATURE_LENGTH;
  if (messageStart >= wire.length) throw new TransactionFormatError("transaction ends inside its signatures");
  const message = wire.subarray(messageStart);

  const versioned = (message[0] & 0x80) !== 0;
  if (versioned && (message[0] & 0x7f) !== 0)
    throw new TransactionFormatError(`unsupported transaction version ${message[0] & 0x7f}`);
  const headerStart = versioned ? 1 : 0;
  const requiredSignatures = message[headerStart];
  if (requiredSignatures !== signatures.value)
    throw new TransactionFormatError(
      `message needs ${requiredSignatures} signatures but the transaction has ${signatures.value} slots`,
    );

  const keys = readCompactU16(message, headerStart + 3);
  const slot = Array.from({ length: Math.min(requiredSignatures, keys.value) }, (_, i) =>
    message.subarray(keys.end + i * KEY_LENGTH, keys.end + (i + 1) * KEY_LENGTH),
  ).findIndex((key) => key.length === KEY_LENGTH && key.every((byte, j) => byte === publicKey[j]));
  if (slot < 0) throw new TransactionFormatError("the wallet's key is not a required signer of this transaction");

  const signed = wire.slice();
  signed.set(ed25519.sign(message, secretKey), signatures.end + slot * SIGNATURE_LENGTH);
  return signed;
}

/** Solana's "shortvec": 7 bits per byte, low bits first, high bit set on all but the last byte, at most 3 bytes. */
function readCompactU16(bytes: Uint8Array, offset: number): { value: number; end: number } {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    if (offset + i >= bytes.length) break;
    const byte = bytes[offset + i];
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { value, end: offset + i + 1 };
  }
  throw new TransactionFormatError("invalid compact-u16 length");
}
