import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { recordDevice } from "../../db/queries/abuse.ts";
import { secureCookies, sessionSecret } from "./cookie-settings.server.ts";
import { db } from "./db.server.ts";

/**
 * The device identity: a random id the server issues in a signed, httpOnly cookie. Page scripts cannot read it,
 * nobody can guess another browser's, and a value the server did not sign (such as the trait hash the browser
 * script used to set under this name) is ignored and replaced.
 */
const deviceCookie = createCookie("pw_device", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: secureCookies,
  secrets: [sessionSecret],
  maxAge: 365 * 24 * 3600,
});
const DEVICE_ID = /^d_[A-Za-z0-9_-]{22}$/;
const FINGERPRINT = /^[A-Za-z0-9_-]{8,128}$/;

/** The server-issued device id the request's pw_device cookie carries, or null. */
export async function deviceId(request: Request): Promise<string | null> {
  const value: unknown = await deviceCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && DEVICE_ID.test(value) ? value : null;
}

/** What the client says about its device (the X-Device-Fingerprint header): an unverified hint, or null. */
export function deviceHint(request: Request): string | null {
  const value = request.headers.get("X-Device-Fingerprint");
  return value && FINGERPRINT.test(value) ? value : null;
}

/**
 * Records the request's device for the account: the server-issued id (a new one when the browser has none), which
 * raises shared-device signals when other accounts used it, and the client's own fingerprint header only as a
 * hint on this account. Returns the Set-Cookie header that issues a new id, or null when the browser had one.
 */
export async function noteDevice(request: Request, userId: string): Promise<string | null> {
  const known = await deviceId(request);
  const id = known ?? `d_${randomBytes(16).toString("base64url")}`;
  await recordDevice(db, { userId, fingerprint: id, source: "server" });
  const hint = deviceHint(request);
  if (hint) await recordDevice(db, { userId, fingerprint: hint, source: "hint" });
  return known ? null : deviceCookie.serialize(id);
}

/** `response` with the device cookie `noteDevice` returned, if any. */
export function withDeviceCookie(response: Response, setCookie: string | null): Response {
  if (setCookie) response.headers.append("Set-Cookie", setCookie);
  return response;
}
