/** A sentence-encoder directory that cannot be used: missing files, an unsupported tokenizer, a changed model. */
export class EncoderError extends Error {
  override name = "EncoderError";
}
