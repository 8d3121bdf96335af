import { randomBytes } from "node:crypto";
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import type { Role } from "../../db/schema/index.ts";
import { createSession, deleteSession, getSessionUser, type PublicUser } from "../../db/queries/identity.ts";
import { env, publicOrigin } from "../../config/env.ts";
import { db } from "./db.server.ts";
import { secureCookies, sessionSecret } from "./cookie-settings.server.ts";

const SESSION_DAYS = 30;

export const sessionStorage = createCookieSessionStorage<{ sessionId: string }>({
  cookie: {
    name: "pw_session",
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: secureCookies,
    secrets: [sessionSecret],
    maxAge: SESSION_DAYS * 24 * 3600,
  },
});

export async function getUser(request: Request): Promise<PublicUser | null> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const sessionId = session.get("sessionId");
  return sessionId ? getSessionUser(db, sessionId) : null;
}

/** Signed-in user with one of the roles, or a redirect to sign in / a 403. Admins pass every role check. */
export async function requireUser(request: Request, roles?: Role[]): Promise<PublicUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (roles && user.role !== "admin" && !roles.includes(user.role)) {
    throw new Response("Your account's role cannot open this page.", { status: 403 });
  }
  return user;
}

/** For sign-in and sign-up pages: a signed-in user goes straight to their home page. */
export async function requireAnonymous(request: Request): Promise<null> {
  const user = await getUser(request);
  if (user) throw redirect(homeFor(user));
  return null;
}

export async function startSession(userId: string, redirectTo: string) {
  const id = randomBytes(24).toString("base64url");
  await createSession(db, { id, userId, expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000) });
  const session = await sessionStorage.getSession();
  session.set("sessionId", id);
  return redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } });
}

export async function endSession(request: Request) {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const id = session.get("sessionId");
  if (id) await deleteSession(db, id);
  return redirect("/", { headers: { "Set-Cookie": await sessionStorage.destroySession(session) } });
}

/**
 * Only same-site paths, so a crafted link cannot bounce a user to another origin after sign-in: the target is
 * resolved the way a browser would resolve it (tabs and newlines dropped, backslashes as slashes, dot segments
 * collapsed) against the site's own origin, and kept only when it stays there. Never throws.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (!to || typeof to !== "string") return fallback;
  const origin = publicOrigin(env);
  let url: URL;
  try {
    url = new URL(to, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  // "/..//evil" resolves to the path "//evil", which a browser would read as another host.
  return /^\/(?![/\\])/.test(path) ? path : fallback;
}

export function homeFor(user: Pick<PublicUser, "role">): string {
  return user.role === "labeler" ? "/work" : "/projects";
}
