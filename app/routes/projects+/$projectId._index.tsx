import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { DatasetUpload } from "~/components/dataset-upload.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { GoldCommitments } from "~/components/gold-commitments.tsx";
import { Markdown } from "~/components/markdown.tsx";
import { ProjectFunds } from "~/components/project-funds.tsx";
import { ProjectBonuses } from "~/components/project-bonuses.tsx";
import { loadBonusCard } from "~/utils/bonuses.server.ts";
import { ProjectModels } from "~/components/project-models.tsx";
import { ProjectQuality } from "~/components/project-quality.tsx";
import { ResponseGeneration } from "~/components/response-generation.tsx";
import { StackedProgress } from "~/components/progress-bar.tsx";
import { DomainError } from "../../../db/errors.ts";
import { collectsPreferences } from "../../../db/schema/index.ts";
import { isOutOfFunds } from "../../../db/queries/labeling.ts";
import { listFlaggedItems, listProjectLabelers, listUploads, setProjectPaused } from "../../../db/queries/projects.ts";
import { PASTED_WHOLE } from "../../../labeling/input-signals.ts";
import { loadProjectQuality, performConsensusAction } from "~/utils/consensus.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { loadProjectFunds } from "~/utils/deposits.server.ts";
import { generateFromForm } from "~/utils/generation.server.ts";
import { exportsFor } from "~/utils/export.server.ts";
import { loadGoldCommitments, revealGoldNow } from "~/utils/gold.server.ts";
import { loadProjectModels, loadTrainingReadiness } from "~/utils/project-models.server.ts";
import { loadProjectStatus } from "~/utils/project-status.server.ts";
import { closeAndRefund, publishVersion, startTraining } from "../../../jobs/project-commands.ts";
import { projectJson, requireProjectAccess, requireRoleMay } from "~/utils/projects.server.ts";
import { permissionsOf, type ProjectAction } from "../../../accounts/project-roles.ts";
import { ApprovalDelaySetting } from "~/components/approval-delay-setting.tsx";
import { AuditLogTable } from "~/components/audit-log.tsx";
import { ProjectTeam } from "~/components/project-team.tsx";
import { WhoMayLabel } from "~/components/who-may-label.tsx";
import { loadWhoMayLabel } from "~/utils/qualifications.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { loadAuditLog, loadTeam } from "~/utils/team.server.ts";
import { labelerPseudonym } from "~/utils/pseudonyms.server.ts";
import { ConsensusActionSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { useLiveStatus } from "~/utils/use-live-status.ts";
import { Time } from "~/components/time.tsx";
import { RoleLocked } from "~/components/role-locked.tsx";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.project.title ?? "Project"} · Pairwise` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const access = await requireProjectAccess(user, params.projectId, "view");
  const { project } = access;
  const comparesResponses = collectsPreferences(project);
  const [status, labelers, flagged, uploads, quality, models, training] = await Promise.all([
    loadProjectStatus(project),
    listProjectLabelers(db, project.id, PASTED_WHOLE),
    listFlaggedItems(db, project.id),
    listUploads(db, project.id),
    loadProjectQuality(project.id),
    loadProjectModels(project.id),
    comparesResponses ? loadTrainingReadiness(project) : null,
  ]);
  const outOfFunds = project.closedAt ? false : await isOutOfFunds(db, project.id);
  return {
    project: projectJson(project),
    comparesResponses,
    exportLinks: exportsFor(project),
    outOfFunds,
    status,
    // Requesters see labelers by pseudonym only (no email, name or account id).
    labelers: labelers.map(({ labeler_id, ...activity }) => ({
      labeler: labelerPseudonym(project.id, labeler_id),
      ...activity,
    })),
    flagged: flagged.map((f) => ({ ...f, at: f.at?.toISOString() ?? null })),
    uploads: uploads.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    quality,
    modelAgreement: models.agreement,
    training,
    gold: await loadGoldCommitments(project.id),
    funds: await loadProjectFunds(user, project.id),
    bonuses: await loadBonusCard(access),
    token: await tokenDisplay(),
    role: access.role,
    may: permissionsOf(access.role),
    team: await loadTeam(access),
    auditLog: await loadAuditLog(access, { limit: 20 }),
    whoMayLabel: await loadWhoMayLabel(project),
  };
}

/** What each of the dashboard's intents asks of the caller's role (any other intent is a settings change). */
const INTENT_ACTION: Record<string, ProjectAction> = {
  "reveal-gold": "upload",
  generate: "upload",
  close: "close",
  train: "train",
  publish: "train",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project, role } = await requireProjectAccess(user, params.projectId, "view");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const intent = formData.get("intent");
  requireRoleMay(role, INTENT_ACTION[String(intent)] ?? "settings");
  if (intent === "reveal-gold") {
    const revealed = await revealGoldNow(project.id);
    await audit(user, project, "gold.revealed");
    return revealed;
  }
  if (intent === "generate") {
    const started = await generateFromForm(project, formData);
    if (!started.errors) await audit(user, project, "responses.generated", { n: Number(formData.get("n")) || null });
    return started;
  }
  if (intent === "close") {
    const closed = await closeAndRefund(db, project);
    if (closed) await audit(user, project, "project.closed");
    return {
      message: closed
        ? "Project closed. Its unspent funds go back to your wallet once every answer given is planned for payment."
        : "This project was closed already.",
      errors: null,
    };
  }
  if (intent === "pause" || intent === "resume") {
    await setProjectPaused(db, { projectId: project.id, paused: intent === "pause" });
    await audit(user, project, intent === "pause" ? "project.paused" : "project.resumed");
    return { message: intent === "pause" ? "Project paused." : "Project resumed.", errors: null };
  }
  try {
    if (intent === "train") {
      const model = await startTraining(db, project);
      await audit(user, project, "model.training", { model: model.id, version: model.version });
      return { message: `Training version ${model.version}…`, errors: null };
    }
    if (intent === "publish") {
      const modelId = String(formData.get("modelId") ?? "");
      await publishVersion(db, project, modelId, {
        ifWeak: formData.get("confirm") === "weak" ? "publish" : "refuse",
      });
      await audit(user, project, "model.published", { model: modelId });
      return { message: "Published. Open items are being re-ordered by the model's uncertainty.", errors: null };
    }
  } catch (error) {
    if (error instanceof DomainError) return { message: null, errors: [error.message] };
    throw error;
  }
  const submission = parseWithZod(formData, { schema: ConsensusActionSchema });
  if (submission.status !== "success") {
    return {
      message: null,
      errors: Object.values(submission.error ?? {})
        .flat()
        .filter(Boolean) as string[],
    };
  }
  const done = await performConsensusAction(project, submission.value);
  const { intent: setting, ...values } = submission.value;
  await audit(user, project, "settings.changed", { setting, ...values });
  return { ...done, errors: null };
}

export default function ProjectDashboard() {
  const {
    project,
    comparesResponses,
    exportLinks,
    outOfFunds,
    status: loadedStatus,
    labelers,
    flagged,
    uploads,
    quality,
    modelAgreement,
    training,
    gold,
    funds,
    bonuses,
    token,
    may,
    role,
    team,
    auditLog,
    whoMayLabel,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // The paste columns appear once any labeler has written a text answer.
  const typedAny = labelers.some((l) => (l.text_answers ?? 0) > 0);
  const status = useLiveStatus(`/projects/${project.id}/status`, loadedStatus);
  const { progress, generations } = status;
  const uploadSection = (
    <section className="card">
      <h2 style={{ marginTop: 0 }}>Upload items</h2>
      <p className="small muted">
        JSONL or CSV.{" "}
        {project.taskType === "pairwise"
          ? "Fields: prompt, response_a, response_b — or prompt, chosen, rejected — or chosen, rejected transcripts."
          : project.taskType === "rating"
            ? "Fields: prompt, response."
            : project.taskType === "label"
              ? "Field: text."
              : "Fields: prompt or messages (a conversation), and responses (a list of texts or {text, model}) — or UltraFeedback's instruction, completions — or any pairwise shape. Leave responses out to have them generated."}{" "}
        Optional: id, metadata (JSON object), gold{project.taskType === "form" ? " (an object by question name)" : ""}.
        The whole file is checked first; any bad line rejects it all.
      </p>
      <DatasetUpload projectId={project.id} />
      {uploads.length ? (
        <table style={{ marginTop: "1rem" }}>
          <thead>
            <tr>
              <th>File</th>
              <th>Rows</th>
              <th>New items</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {uploads.map((u) => (
              <tr key={u.id}>
                <td>{u.filename}</td>
                <td>{u.rows}</td>
                <td>{u.inserted}</td>
                <td>
                  <Time at={u.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>
          {project.title} {project.paused ? <span className="badge paused">paused</span> : null}
          {project.closedAt ? <span className="badge paused">closed</span> : null}
        </h1>
        {project.closedAt || !may.settings ? null : (
          <div className="row">
            <Form method="post">
              <AuthenticityTokenInput />
              <button name="intent" value={project.paused ? "resume" : "pause"} className="secondary">
                {project.paused ? "Resume project" : "Pause project"}
              </button>
            </Form>
            {may.close ? (
              <Form
                method="post"
                onSubmit={(e) => {
                  if (!confirm("Close this project? No more tasks are served, and its unspent funds are refunded."))
                    e.preventDefault();
                }}
              >
                <AuthenticityTokenInput />
                <button name="intent" value="close" className="secondary">
                  Close project
                </button>
              </Form>
            ) : null}
          </div>
        )}
      </div>
      {outOfFunds ? (
        <p className="card error">
          Labelers are not served tasks: the answers already given use up the funds paid in for this project. Fund it to
          continue.
        </p>
      ) : null}
      {role === "reviewer" ? (
        <p className="notice" data-testid="role-note">
          You are a reviewer on this project: you can view it, review answers and export; its owner and co-owners change
          the rest.
        </p>
      ) : null}
      {may.review ? (
        <p>
          <a className="button secondary" href={`/projects/${project.id}/review`} data-testid="review-link">
            Review answers
          </a>
        </p>
      ) : null}
      <p className="muted">
        {project.taskType} · {project.labelsPerItem} labels per item · {formatAmount(project.rewardPerLabel, token)} per
        label ({formatAmount(BigInt(project.rewardPerLabel) * BigInt(project.labelsPerItem), token)} per item) · budget{" "}
        {formatAmount(project.budget, token)}
      </p>
      {actionData?.message ? (
        <p role="status" className="notice success">
          {actionData.message}
        </p>
      ) : null}
      {actionData?.errors?.length ? (
        <ul className="errors" role="alert">
          {actionData.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Progress</h2>
        <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(8rem, 1fr))" }}>
          <Stat label="items" value={progress.items} testId="items" />
          <Stat label="done" value={progress.done} testId="done" />
          <Stat label="in progress" value={progress.inProgress} testId="in-progress" />
          <Stat label="open" value={progress.open} testId="open" />
          {progress.awaitingResponses ? (
            <Stat label="awaiting responses" value={progress.awaitingResponses} testId="awaiting" />
          ) : null}
          <Stat label="answers" value={progress.answers} testId="answers" />
          <Stat label="skipped / flagged" value={`${progress.skipped} / ${progress.flagged}`} />
        </div>
        <div style={{ marginTop: "1rem" }}>
          <StackedProgress
            done={progress.done}
            inProgress={progress.inProgress}
            open={progress.open}
            awaitingResponses={progress.awaitingResponses}
          />
          <ul className="legend small" style={{ marginTop: ".4rem", paddingLeft: 0, listStyle: "none" }}>
            <li>
              <i className="dot" style={{ background: "var(--ok)" }} />
              <strong>done</strong>: has all the answers it asks for
            </li>
            <li>
              <i className="dot" style={{ background: "var(--warn)" }} />
              <strong>in progress</strong>: a labeler is on it now, or it has some of its first {project.labelsPerItem}{" "}
              answers
            </li>
            <li>
              <i className="dot" style={{ background: "#c9cfdb" }} />
              <strong>open</strong>: waiting for a labeler, including items sent back for more answers
            </li>
          </ul>
          <p className="small muted" style={{ margin: ".25rem 0 0" }}>
            Updates every few seconds while this page is open.
          </p>
        </div>
      </section>

      {/* Right under the counts, in one place: moving it as items arrive would remount it and drop its result. */}
      {may.upload ? uploadSection : null}

      <RoleLocked allowed={may.fund}>
        <ProjectFunds projectId={project.id} data={funds} token={token} closed={Boolean(project.closedAt)} />
      </RoleLocked>

      <RoleLocked allowed={may.bonus}>
        <ProjectBonuses projectId={project.id} data={bonuses} />
      </RoleLocked>

      <RoleLocked allowed={may.settings}>
        <ApprovalDelaySetting projectId={project.id} hours={project.approvalDelayHours} />
      </RoleLocked>

      <RoleLocked allowed={may.settings}>
        <ProjectQuality
          data={{ ...quality, job: status.consensusJob }}
          threshold={project.qualityThreshold}
          pairwise={project.taskType === "pairwise"}
        />
      </RoleLocked>

      {training ? (
        <RoleLocked allowed={may.train}>
          <ProjectModels
            projectId={project.id}
            data={{ models: status.models, agreement: modelAgreement }}
            pairwise={comparesResponses}
            readiness={training}
          />
        </RoleLocked>
      ) : null}

      {generations && (generations.awaitingItems > 0 || generations.generations.length > 0) ? (
        <RoleLocked allowed={may.upload}>
          <ResponseGeneration data={generations} />
        </RoleLocked>
      ) : null}

      <RoleLocked allowed={may.upload}>
        <GoldCommitments data={gold} />
      </RoleLocked>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Export</h2>
        {progress.answers === 0 ? (
          <p className="muted" data-testid="export-empty">
            Nothing to export yet: the files fill as labelers answer.
          </p>
        ) : (
          <div className="row">
            {exportLinks.map((e, i) => (
              <a
                key={e.href}
                className={i === 0 ? "button" : "button secondary"}
                href={`/projects/${project.id}/export/${e.href}`}
                download
              >
                {e.label}
              </a>
            ))}
          </div>
        )}
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Activity</h2>
        {labelers.length ? (
          <table>
            <thead>
              <tr>
                <th>Labeler</th>
                <th>Answers</th>
                <th>Skipped</th>
                <th>Flagged</th>
                <th>Median time</th>
                {typedAny ? (
                  <>
                    <th title="Text answers that pastes brought in almost whole, with little typed">Pasted in whole</th>
                    <th title="Median time from the first to the last edit of a text answer">Typing time</th>
                  </>
                ) : null}
                <th>Last answer</th>
              </tr>
            </thead>
            <tbody>
              {labelers.map((l) => (
                <tr key={l.labeler}>
                  <td>Labeler {l.labeler}</td>
                  <td>{l.answers}</td>
                  <td>{l.skipped}</td>
                  <td>{l.flagged}</td>
                  <td>{l.median_ms == null ? "—" : `${(l.median_ms / 1000).toFixed(1)} s`}</td>
                  {typedAny ? (
                    <>
                      <td data-testid="pasted-whole">
                        {l.text_answers ? `${l.pasted_whole} of ${l.text_answers}` : "—"}
                      </td>
                      <td>{l.median_typing_ms == null ? "—" : `${(l.median_typing_ms / 1000).toFixed(1)} s`}</td>
                    </>
                  ) : null}
                  <td>{l.last_at ? <Time at={l.last_at} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No answers yet.</p>
        )}
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Flagged items</h2>
        {flagged.length ? (
          <table>
            <thead>
              <tr>
                <th>Item</th>
                <th>Reason</th>
                <th>Flags on item</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {flagged.map((f, i) => (
                <tr key={i}>
                  <td>{f.externalId}</td>
                  <td>{f.reason}</td>
                  <td>{f.count}</td>
                  <td>{f.at ? <Time at={f.at} /> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Nothing flagged.</p>
        )}
      </section>

      <WhoMayLabel projectId={project.id} data={whoMayLabel} />

      <ProjectTeam projectId={project.id} data={team} />

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Audit log</h2>
        <AuditLogTable entries={auditLog} />
        <p className="small">
          <a href={`/projects/${project.id}/audit`}>The whole audit log</a>
        </p>
      </section>

      <details className="card">
        <summary>Instructions labelers see</summary>
        <Markdown>{project.instructions || "_No instructions._"}</Markdown>
      </details>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: number | string; testId?: string }) {
  return (
    <div>
      <div className="stat" data-testid={testId}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
