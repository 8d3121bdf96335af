// One transaction driven to a final state exactly once, whatever crashes in between: the state machine shared by
// payout batches and payout roots (money rule 3, see ../README.md "Rule for a payout executor").
import { setTimeout as sleep } from "node:timers/promises";
import { ChainUnavailableError, TransactionRejectedError, type ChainAdapter } from "../chain/types.ts";

/** A database row holding one durable transaction: its signed bytes are stored before the first send. */
export interface DurableRecord {
  id: string;
  status: "new" | "signed" | "confirmed" | "failed";
  signature: string | null;
  rawTx: Uint8Array | null;
  lastValidBlockHeight: bigint | null;
  feeLamports: bigint | null;
  error: string | null;
}

/** Durable progress: the bytes stored, sent (at least once), finalized. */
export type DurableStep = "signed" | "sent" | "confirmed";

/** How one kind of record is built, signed and written back. */
export interface DurableStore<R extends DurableRecord> {
  /**
   * Builds and signs a new transaction for the record on a fresh blockhash and stores it (bytes, signature, last
   * valid block height) only if the record still holds the signature it was read with. `stored` false: another
   * executor stored one first, and `record` is the record as that executor left it.
   */
  sign(record: R): Promise<{ record: R; stored: boolean }>;
  markSent(record: R): Promise<void>;
  /** The transaction is finalized without error. */
  confirm(record: R, feeLamports: bigint): Promise<void>;
  /** The transaction is finalized with an error: it paid its fee and did nothing else. */
  fail(record: R, error: string): Promise<void>;
  onStep?(step: DurableStep): void;
}

/**
 * Drives one record to a final state. A signed record is first looked up by signature; if the chain has not seen
 * it and its blockhash is still valid, the very same bytes are sent again; only once the block height has passed
 * its last valid height (so those bytes can never land) is a new transaction built and signed.
 */
export async function settleDurably<R extends DurableRecord>(
  chain: ChainAdapter,
  initial: R,
  store: DurableStore<R>,
  pollIntervalMs = 400,
): Promise<R> {
  let record = initial;
  let sent = false;
  for (;;) {
    if (record.status === "new") {
      const signed = await store.sign(record);
      record = signed.record;
      if (signed.stored) store.onStep?.("signed");
      sent = false;
      if (record.status === "confirmed" || record.status === "failed") return record;
    }
    const [status] = await chain.getSignatureStatuses([record.signature!]);
    // A failure counts only once finalized too: the same bytes may still land on another fork.
    if (status?.err && status.confirmationStatus === "finalized") {
      const error = JSON.stringify(status.err);
      await store.fail(record, error);
      return { ...record, status: "failed", error };
    }
    // Done means finalized: a confirmed block can still be rolled back (the embedded chain finalizes at once).
    if (status?.confirmationStatus === "finalized") {
      const landed = await chain.getTransaction(record.signature!);
      const feeLamports = landed?.fee ?? 0n;
      await store.confirm(record, feeLamports);
      store.onStep?.("confirmed");
      return { ...record, status: "confirmed", feeLamports };
    }
    if (!status) {
      if ((await chain.getBlockHeight()) > record.lastValidBlockHeight!) {
        // Expired unseen: those bytes can never land, so building a new transaction cannot act twice.
        const [late] = await chain.getSignatureStatuses([record.signature!]);
        if (!late) record = { ...record, status: "new" };
        continue;
      }
      if (!sent) {
        try {
          await chain.sendRawTransaction(record.rawTx!);
          await store.markSent(record);
          store.onStep?.("sent");
          sent = true;
          continue;
        } catch (error) {
          // Unknown outcome, or a blockhash this node does not know (it may lag the cluster, which can still land
          // bytes sent earlier): look the signature up again; only the block height decides that they expired.
          const blockhashRefused = error instanceof TransactionRejectedError && error.reason === "blockhash-expired";
          if (!(error instanceof ChainUnavailableError) && !blockhashRefused) throw error;
        }
      }
    }
    await sleep(pollIntervalMs);
  }
}
