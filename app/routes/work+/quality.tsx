import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Link, useActionData, useLoaderData } from "@remix-run/react";
import { RejectedAnswers } from "~/components/rejected-answers.tsx";
import { DomainError } from "../../../db/errors.ts";
import { APPEAL_WINDOW_DAYS } from "../../../db/queries/review-state.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { AppealSchema } from "~/utils/review-schemas.ts";
import { appealAsLabeler, loadLabelerReviews } from "~/utils/reviews.server.ts";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { GoldVerification } from "~/components/gold-commitments.tsx";
import { listLabelerStanding } from "../../../db/queries/consensus.ts";
import { db } from "~/utils/db.server.ts";
import { loadGoldChecks } from "~/utils/gold.server.ts";
import {
  explainStanding,
  hasEnoughAnswers,
  pauseExplanation,
  qualityWarning,
} from "../../../reward/consensus/quality-explanation.ts";
import { formatQuality } from "../../../reward/consensus/quality-format.ts";
import { MIN_ANSWERS_TO_PAUSE } from "../../../reward/consensus/quality-policy.ts";
import { requireUser } from "~/utils/session.server.ts";
import { utcTime } from "~/utils/utc-time.ts";

export const meta: MetaFunction = () => [{ title: "Your quality · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const standing = await listLabelerStanding(db, user.id);
  return {
    minAnswers: MIN_ANSWERS_TO_PAUSE,
    standing: standing.map((s) => ({
      projectId: s.projectId,
      title: s.title,
      score: formatQuality(s.quality),
      enoughAnswers: hasEnoughAnswers(s),
      answers: s.answers,
      agreement: s.agreement,
      goldAnswered: s.goldAnswered,
      goldCorrect: s.goldCorrect,
      updated: utcTime(s.computedAt),
      explanation: explainStanding(s),
      warning: qualityWarning(s),
      pause: pauseExplanation(s),
    })),
    gold: await loadGoldChecks(standing.map((s) => s.projectId)),
    rejections: await loadLabelerReviews(user.id),
    appealWindowDays: APPEAL_WINDOW_DAYS,
  };
}

/** Appeals a rejected answer (once, within the appeal window), from the Rejected answers section. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: AppealSchema });
  const formId = `appeal-${String(formData.get("labelId"))}`;
  if (submission.status !== "success")
    return data({ formId, result: submission.reply(), message: null, error: null }, { status: 400 });
  try {
    await appealAsLabeler(user.id, submission.value);
  } catch (error) {
    if (error instanceof DomainError)
      return data({ formId, result: null, message: null, error: error.message }, { status: 409 });
    throw error;
  }
  return {
    formId,
    result: submission.reply({ resetForm: true }),
    message: "Appeal sent. The requester's decision will show here.",
    error: null,
  };
}

export default function Quality() {
  const { standing, gold, minAnswers, rejections, appealWindowDays } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>Your quality</h1>
      {standing.length === 0 ? (
        <p className="card muted">
          No score yet: scores appear once items you answered have answers from other labelers too.{" "}
          <Link to="/work">Start labeling</Link>.
        </p>
      ) : null}
      {standing.map((s) => (
        <section key={s.projectId} className="card" aria-labelledby={`q-${s.projectId}`}>
          <h2 id={`q-${s.projectId}`} style={{ marginTop: 0 }}>
            {s.title}{" "}
            {s.enoughAnswers ? (
              <span className="stat" data-testid="quality-score">
                {s.score}
              </span>
            ) : (
              <span className="badge" data-testid="quality-score">
                not enough answers yet
              </span>
            )}
          </h2>
          {s.pause ? (
            <p className="card error" role="alert">
              {s.pause}
            </p>
          ) : null}
          {s.warning ? (
            <p className="notice warning" role="alert">
              {s.warning}
            </p>
          ) : null}
          <div className="grid">
            <div>
              <div className="stat">{Math.round(s.agreement * 100)}%</div>
              <div className="stat-label">agree with consensus</div>
            </div>
            <div>
              <div className="stat">{s.goldAnswered ? `${s.goldCorrect}/${s.goldAnswered}` : "—"}</div>
              <div className="stat-label">gold items right</div>
            </div>
            <div>
              <div className="stat">{s.answers}</div>
              <div className="stat-label">
                answers scored{s.enoughAnswers ? "" : ` (a score settles from ${minAnswers})`}
              </div>
            </div>
          </div>
          <h3>How this was computed</h3>
          {s.explanation.map((line) => (
            <p key={line}>{line}</p>
          ))}
          <GoldVerification report={gold[s.projectId]} />
          <p className="small muted">Updated {s.updated}.</p>
        </section>
      ))}
      <RejectedAnswers rejections={rejections} appealWindowDays={appealWindowDays} actionData={actionData} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
