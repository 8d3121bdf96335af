// How many uploads run at once in this process: per user and in total (MAX_UPLOADS_PER_USER, MAX_UPLOADS_TOTAL),
// and how many of them write to the database at once (MAX_UPLOAD_STORES). Counted in process memory, like the rate
// limits: with N app processes the effective caps are N times the settings.
import { env } from "../../config/env.ts";

/** Seconds a refused upload is told to wait (Retry-After) before trying again. */
export const UPLOAD_RETRY_AFTER_S = 10;

export class TooManyUploadsError extends Error {
  override name = "TooManyUploadsError";
}

/** A counting semaphore: `acquire()` resolves with a release once fewer than `size` holders remain. */
class Gate {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    };
  }

  get holders() {
    return this.active;
  }
  get waiting() {
    return this.queue.length;
  }
}

const perUser = new Map<string, number>();
let total = 0;
/** Each store holds one pooled connection for its whole transaction; the rest of the pool stays for labeling. */
const stores = new Gate(env.MAX_UPLOAD_STORES ?? Math.max(1, Math.floor(env.DB_POOL_SIZE / 2)));

/** Claims one of `userId`'s upload slots (and one of the process's), or throws TooManyUploadsError; returns the release. */
export function claimUploadSlot(userId: string): () => void {
  const mine = perUser.get(userId) ?? 0;
  if (mine >= env.MAX_UPLOADS_PER_USER)
    throw new TooManyUploadsError(
      `You already have ${mine} upload(s) in progress (at most ${env.MAX_UPLOADS_PER_USER} at once); try again when one has finished.`,
    );
  if (total >= env.MAX_UPLOADS_TOTAL)
    throw new TooManyUploadsError("The server is busy with other uploads; try again in a few seconds.");
  perUser.set(userId, mine + 1);
  total++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    total--;
    const left = (perUser.get(userId) ?? 1) - 1;
    if (left > 0) perUser.set(userId, left);
    else perUser.delete(userId);
  };
}

/** Waits for a turn to write an upload to the database; returns the release. */
export const acquireStoreTurn = () => stores.acquire();

/** Uploads in progress, stores running, and uploads validated and waiting for a turn to store. */
export function uploadActivity() {
  return { uploads: total, storing: stores.holders, waitingToStore: stores.waiting };
}
