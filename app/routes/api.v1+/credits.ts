import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCreditBalance, listCreditLedger } from "../../../db/queries/credits.ts";
import { api, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";

/** The caller's credit balance and latest ledger entries. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["labeler", "requester"]);
    const [balance, ledger] = await Promise.all([getCreditBalance(db, user.id), listCreditLedger(db, user.id)]);
    return {
      balance: balance.toString(),
      ledger: ledger.map((e) => ({
        delta: e.delta.toString(),
        reason: e.reason,
        ref: e.ref,
        at: e.createdAt.toISOString(),
      })),
    };
  });

export const action = methodNotAllowed("GET", "HEAD");
