import type { LoaderFunctionArgs } from "@remix-run/node";
import { isEpochId } from "../../../reward/tokens/payouts/merkle.ts";
import { rootedPayoutProof } from "../../../reward/tokens/payouts/proofs.ts";
import { api, ApiError, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";

/**
 * The caller's own payout of an epoch with its Merkle inclusion proof under the root posted on chain (MERKLE.md);
 * 404 until the root committing it is finalized.
 */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["labeler", "requester"]);
    const epoch = params.epoch;
    if (!isEpochId(epoch))
      throw new ApiError(400, "invalid_epoch", "The epoch must be a UTC day like 2026-11-23 or refund-<project id>");
    const rooted = await rootedPayoutProof(db, { epochId: epoch, labelerId: user.id });
    if (!rooted || rooted.root.status !== "confirmed")
      throw new ApiError(404, "not_found", `No payout of yours in ${epoch} is committed in a root on chain yet`);
    // The ledger no longer folds to the root it committed: never hand out a proof that cannot verify.
    if (!rooted.matchesStoredRoot) throw new Error(`payout root ${rooted.root.id} no longer matches its rows`);
    const { proof } = rooted;
    return {
      epoch: proof.epoch,
      wallet: proof.wallet,
      amount: proof.amount.toString(),
      leaf: proof.leaf,
      proof: proof.proof,
      index: proof.index,
      count: proof.count,
      root: proof.root,
      rootSignature: rooted.root.signature,
    };
  });

export const action = methodNotAllowed("GET", "HEAD");
