import { recordDevice } from "../../db/queries/abuse.ts";
import { db } from "./db.server.ts";

const FINGERPRINT = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * The device fingerprint a client sends: the X-Device-Fingerprint header (API clients, apps) or the cookie the
 * browser sets from its own traits (see device-fingerprint.client.ts). Malformed values are ignored.
 */
export function deviceFingerprint(request: Request): string | null {
  const header = request.headers.get("X-Device-Fingerprint");
  const cookie = /(?:^|;\s*)pw_device=([^;]+)/.exec(request.headers.get("Cookie") ?? "")?.[1];
  const value = header ?? cookie ?? null;
  return value && FINGERPRINT.test(value) ? value : null;
}

/** Records the request's device for the account, raising shared-device signals for admins. */
export async function noteDevice(request: Request, userId: string): Promise<void> {
  const fingerprint = deviceFingerprint(request);
  if (fingerprint) await recordDevice(db, { userId, fingerprint });
}
