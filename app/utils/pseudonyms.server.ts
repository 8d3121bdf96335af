import { createHmac } from "node:crypto";
import { sessionSecret } from "./cookie-settings.server.ts";

// Requesters see labelers by pseudonym only: an HMAC of the project and the labeler's id under a key derived from
// the session secret. It is stable across pages, loads and exports of one project, differs between projects (two
// requesters cannot join their labelers), and without the secret cannot be traced back to an account.
const key = createHmac("sha256", sessionSecret).update("pairwise:labeler-pseudonym:v1").digest();

/** The labeler's pseudonym on this project: 12 hex digits (48 bits), shown as "Labeler 7f3a9c…". */
export function labelerPseudonym(projectId: string, labelerId: string): string {
  return createHmac("sha256", key).update(`${projectId}:${labelerId}`).digest("hex").slice(0, 12);
}
