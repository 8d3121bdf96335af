import type { PublicUser } from "../../db/queries/identity.ts";
import { isProjectLabeler, listGoldCommitments, revealGold } from "../../db/queries/gold.ts";
import { getProject } from "../../db/queries/projects.ts";
import { checkProjectGold, type GoldReport } from "../../jobs/gold-commitments.ts";
import { ApiError } from "./api.server.ts";
import { findProjectAccess } from "./projects.server.ts";
import { db } from "./db.server.ts";
import { services } from "./services.server.ts";

async function readContext() {
  const { chain, token, explorerUrl } = await services.platform();
  return { db, chain, treasury: token.treasury.publicKey, explorerUrl };
}

/**
 * `GET /api/v1/projects/{id}/gold`: the owner, their team and admins see every commitment at any time; a labeler who
 * worked on the project sees the revealed ones, checked against the chain; anyone else gets a 404.
 */
export async function loadGoldForCaller(user: PublicUser, projectId: string | undefined): Promise<GoldReport> {
  const project = projectId ? await getProject(db, projectId) : null;
  if (!project) throw new ApiError(404, "not_found", "No such project.");
  // The owner's team and admins ("view" in accounts/project-roles.ts) see what the owner sees.
  const owner = (await findProjectAccess(user, project.id)) !== null;
  if (!owner && !(await isProjectLabeler(db, { projectId: project.id, labelerId: user.id })))
    throw new ApiError(404, "not_found", "No such project.");
  const report = await checkProjectGold(await readContext(), { projectId: project.id, revealedOnly: !owner });
  if (!owner && report.commitments.length === 0)
    throw new ApiError(403, "not_revealed", "This project's gold answers are not revealed yet.");
  return report;
}

/** *My quality*: for each of these projects whose gold is revealed, the check of the gold that scored the labeler. */
export async function loadGoldChecks(projectIds: string[]): Promise<Record<string, GoldReport>> {
  const checks: Record<string, GoldReport> = {};
  let context: Awaited<ReturnType<typeof readContext>> | null = null;
  for (const projectId of projectIds) {
    if ((await listGoldCommitments(db, { projectId, revealedOnly: true })).length === 0) continue;
    context ??= await readContext();
    checks[projectId] = await checkProjectGold(context, { projectId, revealedOnly: true });
  }
  return checks;
}

/** The requester's dashboard: the project's commitments as recorded (the chain is read only for explorer links). */
export async function loadGoldCommitments(projectId: string) {
  const rows = await listGoldCommitments(db, { projectId });
  const explorerUrl = rows.some((r) => r.signature) ? (await services.platform()).explorerUrl : () => null;
  return rows.map((r) => ({
    id: r.id,
    commitment: r.commitment,
    items: r.items,
    signature: r.signature,
    explorerUrl: r.signature ? explorerUrl(r.signature) : null,
    createdAt: r.createdAt.toISOString(),
    revealedAt: r.revealedAt?.toISOString() ?? null,
  }));
}

/** The dashboard's "Reveal gold to labelers". */
export async function revealGoldNow(projectId: string) {
  const n = await revealGold(db, projectId);
  return {
    message: n
      ? `Revealed ${n} gold commitment${n === 1 ? "" : "s"} to this project's labelers.`
      : "Nothing new to reveal: every gold commitment on chain is revealed already.",
    errors: null,
  };
}
