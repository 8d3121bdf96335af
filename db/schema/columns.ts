import { customType } from "drizzle-orm/pg-core";

/** Raw bytes (signed transactions). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | Buffer }>({
  dataType: () => "bytea",
  fromDriver: (v) => new Uint8Array(v),
});
