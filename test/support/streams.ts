import { Readable } from "node:stream";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--expose-gc");
/** A full garbage collection, so that heap samples count what is kept rather than garbage not yet collected. */
const collect = runInNewContext("gc") as () => void;

/**
 * Measures how far the memory this process keeps (`heapUsed + arrayBuffers`, after a full collection) rises above
 * what it was when the probe was made. Call `sample()` while the work runs; `peak` is the largest rise seen.
 */
export function heapProbe() {
  const kept = () => {
    collect();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = kept();
  let peak = 0;
  return {
    sample() {
      peak = Math.max(peak, kept() - base);
    },
    get peak() {
      return peak;
    },
  };
}

export interface LazyBody {
  /** Bytes handed out so far. */
  readonly pulled: number;
}

/**
 * `head`, then `fillBytes` bytes of `fill` (made 64 KiB at a time, only when the reader asks, so the test itself
 * never holds them), then `tail`; `onChunk` runs before each chunk (e.g. a heap sample every so often).
 */
export function lazyChunks(
  parts: { head?: string; fill?: string; fillBytes: number; tail?: string },
  onChunk?: (pulled: number) => void,
): { chunks: () => Generator<Buffer>; state: LazyBody } {
  const state = { pulled: 0 };
  const CHUNK = 64 * 1024;
  function* chunks() {
    const head = Buffer.from(parts.head ?? "");
    if (head.length) {
      state.pulled += head.length;
      yield head;
    }
    const fill = Buffer.alloc(CHUNK, parts.fill ?? "x");
    for (let sent = 0; sent < parts.fillBytes; sent += CHUNK) {
      onChunk?.(state.pulled);
      const piece = Buffer.from(fill.subarray(0, Math.min(CHUNK, parts.fillBytes - sent)));
      state.pulled += piece.length;
      yield piece;
    }
    const tail = Buffer.from(parts.tail ?? "");
    if (tail.length) {
      state.pulled += tail.length;
      yield tail;
    }
  }
  return { chunks, state };
}

/** A Node stream of lazyChunks. */
export function lazyReadable(...args: Parameters<typeof lazyChunks>): { input: Readable; state: LazyBody } {
  const { chunks, state } = lazyChunks(...args);
  return { input: Readable.from(chunks(), { objectMode: false }), state };
}

/** A web stream of lazyChunks (a request body without a Content-Length, as a chunked upload arrives). */
export function lazyWebStream(...args: Parameters<typeof lazyChunks>): {
  body: ReadableStream<Uint8Array>;
  state: LazyBody;
} {
  const { chunks, state } = lazyChunks(...args);
  const iterator = chunks();
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}
