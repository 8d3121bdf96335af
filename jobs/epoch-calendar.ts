import type { Db } from "../db/client.ts";
import { queuePayout } from "./queue.ts";

const HOUR = 3_600_000;

/**
 * Queues yesterday's payout now and then once an hour (a no-op for an epoch already paid, so a restart or a
 * second process costs nothing); returns a function that stops the timer.
 */
export function scheduleDailyPayouts(db: Db): () => void {
  const schedule = () => void queuePayout(db).catch((error) => console.error("payout schedule:", error));
  schedule();
  const hourly = setInterval(schedule, HOUR);
  return () => clearInterval(hourly);
}
