import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { PublicKey } from "@solana/web3.js";
import bs58 from "bs58";
import { decodeMint, decodeTokenAccount } from "../../reward/tokens/chain/token-accounts.ts";
import {
  AccountNotFoundError,
  ChainError,
  TransactionRejectedError,
  type AccountState,
  type ChainAdapter,
  type ChainTransaction,
  type TransactionErrorJson,
} from "../../reward/tokens/chain/types.ts";

/** A JSON-RPC error as Agave sends it (codes from solana-rpc-client-api). */
class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const PARSE_ERROR = -32700;
const SEND_TRANSACTION_PREFLIGHT_FAILURE = -32002;
const SIGNATURE_VERIFICATION_FAILURE = -32003;
const UNSUPPORTED_TRANSACTION_VERSION = -32015;

const ERROR_TEXT: Record<string, string> = {
  AlreadyProcessed: "This transaction has already been processed",
  BlockhashNotFound: "Blockhash not found",
  AccountNotFound: "Attempt to debit an account but found no record of a prior credit.",
  InsufficientFundsForFee: "Insufficient funds for fee",
  SignatureFailure: "Transaction did not pass signature verification",
};

/** The sentence Agave prints for a transaction error, which is all that web3.js passes on to its caller. */
function describeError(err: TransactionErrorJson | null): string {
  if (err === null) return "unknown error";
  if (typeof err === "string") return ERROR_TEXT[err] ?? err;
  const instruction = err.InstructionError as [number, unknown] | undefined;
  if (instruction) {
    const [index, cause] = instruction;
    const custom = (cause as { Custom?: number }).Custom;
    const text = typeof custom === "number" ? `custom program error: 0x${custom.toString(16)}` : JSON.stringify(cause);
    return `Error processing Instruction ${index}: ${text}`;
  }
  return JSON.stringify(err);
}

function formatUnits(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, "0");
  const fraction = digits.slice(-decimals).replace(/0+$/, "");
  return fraction ? `${digits.slice(0, -decimals)}.${fraction}` : digits.slice(0, -decimals);
}

function accountJson(state: AccountState | null) {
  return (
    state && {
      data: [Buffer.from(state.data).toString("base64"), "base64"],
      executable: state.executable,
      lamports: Number(state.lamports),
      owner: state.owner.toBase58(),
      rentEpoch: 0,
      space: state.data.length,
    }
  );
}

function transactionJson(tx: ChainTransaction, encoding: string) {
  const { message, signatures } = tx.transaction;
  const err = tx.err;
  return {
    slot: Number(tx.slot),
    blockTime: null,
    version: message.version,
    transaction:
      encoding === "base64"
        ? [Buffer.from(tx.transaction.serialize()).toString("base64"), "base64"]
        : {
            signatures: signatures.map((s) => bs58.encode(s)),
            message: {
              header: message.header,
              accountKeys: message.staticAccountKeys.map((k) => k.toBase58()),
              recentBlockhash: message.recentBlockhash,
              instructions: message.compiledInstructions.map((ix) => ({
                programIdIndex: ix.programIdIndex,
                accounts: ix.accountKeyIndexes,
                data: bs58.encode(ix.data),
                stackHeight: null,
              })),
              ...(message.version === 0 && {
                addressTableLookups: message.addressTableLookups.map((l) => ({
                  accountKey: l.accountKey.toBase58(),
                  writableIndexes: l.writableIndexes,
                  readonlyIndexes: l.readonlyIndexes,
                })),
              }),
            },
          },
    // Balances, logs and inner instructions are not recorded by the embedded chain.
    meta: {
      err,
      status: err === null ? { Ok: null } : { Err: err },
      fee: Number(tx.fee),
      preBalances: [],
      postBalances: [],
      innerInstructions: [],
      logMessages: [],
      preTokenBalances: [],
      postTokenBalances: [],
      rewards: [],
      loadedAddresses: {
        writable: tx.loadedAddresses.writable.map((k) => k.toBase58()),
        readonly: tx.loadedAddresses.readonly.map((k) => k.toBase58()),
      },
    },
  };
}

function decodeWire(encoded: unknown, encoding: unknown): Uint8Array {
  if (typeof encoded !== "string")
    throw new RpcError(INVALID_PARAMS, "Invalid params: expected an encoded transaction");
  return encoding === "base64" ? new Uint8Array(Buffer.from(encoded, "base64")) : bs58.decode(encoded);
}

function publicKey(value: unknown): PublicKey {
  try {
    return new PublicKey(value as string);
  } catch {
    throw new RpcError(INVALID_PARAMS, `Invalid param: Invalid pubkey ${String(value)}`);
  }
}

type Handler = (params: unknown[]) => Promise<unknown>;

function handlers(chain: ChainAdapter): Record<string, Handler> {
  const context = async () => ({ slot: Number(await chain.getSlot()) });
  const withContext = async (value: unknown) => ({ context: await context(), value });
  return {
    getHealth: async () => "ok",
    getVersion: async () => ({ "solana-core": "litesvm-facade", "feature-set": 0 }),
    getSlot: async () => Number(await chain.getSlot()),
    getBlockHeight: async () => Number(await chain.getBlockHeight()),
    getLatestBlockhash: async () => {
      const { blockhash, lastValidBlockHeight } = await chain.getLatestBlockhash();
      return withContext({ blockhash, lastValidBlockHeight: Number(lastValidBlockHeight) });
    },
    getMinimumBalanceForRentExemption: async ([size]) =>
      Number(await chain.getMinimumBalanceForRentExemption(Number(size))),
    getBalance: async ([address]) => withContext(Number(await chain.getBalance(publicKey(address)))),
    getAccountInfo: async ([address]) => withContext(accountJson(await chain.getAccountInfo(publicKey(address)))),
    getMultipleAccounts: async ([addresses]) =>
      withContext((await chain.getMultipleAccountsInfo((addresses as unknown[]).map(publicKey))).map(accountJson)),
    getTokenAccountBalance: async ([address]) => {
      const key = publicKey(address);
      const state = await chain.getAccountInfo(key);
      if (!state) throw new RpcError(INVALID_PARAMS, "Invalid param: could not find account");
      let account;
      try {
        account = decodeTokenAccount(key, state, state.owner);
      } catch {
        throw new RpcError(INVALID_PARAMS, "Invalid param: not a Token account");
      }
      const mintState = await chain.getAccountInfo(account.mint);
      if (!mintState) throw new RpcError(INVALID_PARAMS, "Invalid param: could not find mint");
      const { decimals } = decodeMint(account.mint, mintState, state.owner);
      const uiAmountString = formatUnits(account.amount, decimals);
      return withContext({
        amount: account.amount.toString(),
        decimals,
        uiAmount: Number(uiAmountString),
        uiAmountString,
      });
    },
    sendTransaction: async ([encoded, config]) => {
      const { encoding, skipPreflight } = (config ?? {}) as { encoding?: string; skipPreflight?: boolean };
      try {
        const { signature, alreadyProcessed } = await chain.sendRawTransaction(decodeWire(encoded, encoding), {
          skipPreflight,
        });
        if (alreadyProcessed && !skipPreflight)
          throw new TransactionRejectedError("invalid", "already processed", "AlreadyProcessed");
        return signature;
      } catch (error) {
        if (!(error instanceof TransactionRejectedError)) throw error;
        if (error.reason === "signature-invalid")
          throw new RpcError(SIGNATURE_VERIFICATION_FAILURE, "Transaction signature verification failure");
        if (error.reason === "too-large" || error.reason === "malformed")
          throw new RpcError(INVALID_PARAMS, `Invalid params: ${error.message}`);
        throw new RpcError(
          SEND_TRANSACTION_PREFLIGHT_FAILURE,
          `Transaction simulation failed: ${describeError(error.transactionError)}`,
          {
            err: error.transactionError,
            logs: error.logs,
            accounts: null,
            unitsConsumed: 0,
          },
        );
      }
    },
    simulateTransaction: async ([encoded, config]) => {
      const { encoding } = (config ?? {}) as { encoding?: string };
      const result = await chain.simulateTransaction(decodeWire(encoded, encoding));
      return withContext({
        err: result.err,
        logs: result.logs,
        accounts: null,
        unitsConsumed: result.unitsConsumed,
        returnData: null,
      });
    },
    getSignatureStatuses: async ([signatures]) => {
      const slot = await chain.getSlot();
      const statuses = await chain.getSignatureStatuses(signatures as string[]);
      return withContext(
        statuses.map(
          (s) =>
            s && {
              slot: Number(s.slot),
              confirmations: s.confirmationStatus === "finalized" ? null : Number(slot - s.slot),
              err: s.err,
              status: s.err === null ? { Ok: null } : { Err: s.err },
              confirmationStatus: s.confirmationStatus,
            },
        ),
      );
    },
    getTransaction: async ([signature, config]) => {
      const {
        encoding = "json",
        commitment,
        maxSupportedTransactionVersion,
      } = (config ?? {}) as {
        encoding?: string;
        commitment?: string;
        maxSupportedTransactionVersion?: number;
      };
      const tx = await chain.getTransaction(signature as string);
      if (!tx || (commitment === "finalized" && tx.confirmationStatus !== "finalized")) return null;
      if (tx.transaction.version === 0 && maxSupportedTransactionVersion === undefined) {
        throw new RpcError(
          UNSUPPORTED_TRANSACTION_VERSION,
          'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
        );
      }
      return transactionJson(tx, encoding);
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export interface RpcFacade {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a chain over the Solana JSON-RPC methods that web3.js's Connection (and so RpcChain) uses, so the RPC
 * adapter can be tested against the embedded chain. It differs from a real node in that it reports refusals even with
 * skipPreflight (a node drops such transactions silently) and records no balances, logs or inner instructions.
 */
export async function startRpcFacade(
  chain: ChainAdapter,
  options: { host?: string; port?: number } = {},
): Promise<RpcFacade> {
  const methods = handlers(chain);
  const answer = async (request: { id?: unknown; method?: string; params?: unknown[] }) => {
    const id = request.id ?? null;
    try {
      const handler = request.method ? methods[request.method] : undefined;
      if (!handler) throw new RpcError(METHOD_NOT_FOUND, "Method not found");
      return { jsonrpc: "2.0", id, result: await handler(request.params ?? []) };
    } catch (error) {
      const rpcError =
        error instanceof RpcError
          ? error
          : error instanceof AccountNotFoundError
            ? new RpcError(INVALID_PARAMS, `Invalid param: ${error.message}`)
            : new RpcError(error instanceof ChainError ? -32000 : -32603, (error as Error).message);
      return { jsonrpc: "2.0", id, error: { code: rpcError.code, message: rpcError.message, data: rpcError.data } };
    }
  };
  const server = createServer(async (request, response) => {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: PARSE_ERROR, message: "Parse error" } }));
      return;
    }
    const reply = Array.isArray(body)
      ? await Promise.all(body.map(answer))
      : await answer(body as Parameters<typeof answer>[0]);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(reply));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
