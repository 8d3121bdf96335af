import { env } from "../../config/env.ts";

/** A request body (other than an upload) over MAX_JSON_BODY_BYTES: answered 413 `body_too_large`. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`The request body is larger than the limit of ${limit} bytes.`);
  }
}

/**
 * The whole body, refused with BodyTooLargeError once it passes `limit` bytes: at once when Content-Length says
 * so, otherwise as soon as the bytes read pass it (chunked or lying), so at most `limit` bytes are ever held. The
 * rest is left unread (server.js drains it after the answer, then keeps or closes the connection).
 */
export async function readBodyBytes(request: Request, limit = env.MAX_JSON_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("Content-Length"));
  if (declared > limit) {
    void request.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The JSON error answer for a body over the limit. */
export function bodyTooLargeResponse(error: BodyTooLargeError): Response {
  return Response.json({ error: { code: "body_too_large", message: error.message } }, { status: 413 });
}

/**
 * `request.formData()` within MAX_JSON_BODY_BYTES: a larger form is refused by throwing the 413 answer (Remix
 * serves a thrown Response as the route's answer).
 */
export async function readFormData(request: Request): Promise<FormData> {
  let bytes: Buffer;
  try {
    bytes = await readBodyBytes(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw bodyTooLargeResponse(error);
    throw error;
  }
  const contentType = request.headers.get("Content-Type");
  return new Response(new Uint8Array(bytes), {
    headers: contentType ? { "Content-Type": contentType } : {},
  }).formData();
}
