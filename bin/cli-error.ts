/** Bad input or a failed precondition: the CLI prints the message on one line and exits 1. */
export class CliError extends Error {
  override name = "CliError";
}
