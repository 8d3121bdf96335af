import { getFormProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { Message } from "../../db/schema/questions.ts";
import { FieldError, VALIDATE_ON_SUBMIT_THEN_INPUT } from "./forms.tsx";
import { ChatTranscript } from "./labeling/chat-transcript.tsx";
import { Markdown } from "./markdown.tsx";
import { Time } from "./time.tsx";
import {
  APPEAL_DECISION_WORDS,
  REJECTION_REASON_WORDS,
  REJECTION_REASONS,
  ReviewPageActionSchema,
} from "~/utils/review-schemas.ts";
import "./labeling/labeling.css";
import "./review-answer.css";

/** An answer as the review page gets it (reviewAnswerJson, serialized). */
export interface ReviewAnswerData {
  labelId: number;
  labeler: string;
  item: {
    id: string;
    prompt?: string;
    messages?: Message[];
    text?: string;
    responses: { slot: string; text: string }[];
  };
  answers: { question: string; words: string }[];
  rationale: string | null;
  shownOrder: string | null;
  inputSignals: {
    field: string;
    title: string;
    pastes: number;
    pastedChars: number;
    typedChars: number;
    typingMs: number;
    pastedWhole: boolean;
  }[];
  timeSpentMs: number;
  answeredAt: string;
  status: "pending" | "approved" | "rejected";
  approvedAutomatically: boolean;
  reviewable: boolean;
  dueAt: string;
  reviewedAt: string | null;
  rejectionReason: keyof typeof REJECTION_REASON_WORDS | null;
  reviewNote: string | null;
  paid: boolean;
  appeal: {
    message: string;
    createdAt: string;
    decision: keyof typeof APPEAL_DECISION_WORDS | null;
    decisionNote: string | null;
    decidedAt: string | null;
  } | null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function StatusBadge({ answer }: { answer: ReviewAnswerData }) {
  if (answer.status === "rejected") return <span className="badge paused">rejected</span>;
  if (answer.approvedAutomatically) return <span className="badge">approved automatically</span>;
  if (answer.status === "approved") return <span className="badge">approved</span>;
  return <span className="badge review-pending">to review</span>;
}

/** The item as uploaded (response A is its first response), with headings one level under the card's. */
function ItemBody({ item, idPrefix }: { item: ReviewAnswerData["item"]; idPrefix: string }) {
  const layout = item.responses.length === 2 ? "two" : item.responses.length > 2 ? "many" : "one";
  return (
    <>
      {item.messages ? (
        <>
          <h4 className="item-heading">Conversation</h4>
          <ChatTranscript messages={item.messages} />
        </>
      ) : item.text !== undefined ? (
        <>
          <h4 className="item-heading">Text</h4>
          <Markdown className="item-prompt">{item.text}</Markdown>
        </>
      ) : (
        <>
          <h4 className="item-heading">Prompt</h4>
          <Markdown className="item-prompt">{item.prompt ?? ""}</Markdown>
        </>
      )}
      {item.responses.length ? (
        <div className={`responses responses-${layout}`}>
          {item.responses.map((r) => (
            <section
              key={r.slot}
              className="response form-response review-response"
              aria-labelledby={`${idPrefix}-response-${r.slot}`}
            >
              <h5 id={`${idPrefix}-response-${r.slot}`} className="review-response-title">
                Response {r.slot}
              </h5>
              {r.text ? <Markdown>{r.text}</Markdown> : <p className="muted">(empty response)</p>}
            </section>
          ))}
        </div>
      ) : null}
    </>
  );
}

/** The answer in words, how it was given, and its review (reason, note, appeal). */
function AnswerFacts({ answer }: { answer: ReviewAnswerData }) {
  return (
    <>
      <h4 className="item-heading">Answer</h4>
      <dl className="review-facts">
        {answer.answers.map((a) => (
          <div key={a.question}>
            <dt>{a.question}</dt>
            <dd data-testid="answer-words">{a.words}</dd>
          </div>
        ))}
        {answer.rationale ? (
          <div>
            <dt>Rationale</dt>
            <dd>{answer.rationale}</dd>
          </div>
        ) : null}
        <div>
          <dt>Time spent</dt>
          <dd>{seconds(answer.timeSpentMs)}</dd>
        </div>
        {answer.shownOrder ? (
          <div>
            <dt>Order shown</dt>
            <dd>{answer.shownOrder}</dd>
          </div>
        ) : null}
        {answer.inputSignals.map((s) => (
          <div key={s.field}>
            <dt>How “{s.title}” was written</dt>
            <dd>
              {s.pastedWhole ? <span className="badge paused">pasted in whole</span> : null} {s.pastes} paste
              {s.pastes === 1 ? "" : "s"} ({s.pastedChars} characters), {s.typedChars} typed, {seconds(s.typingMs)} of
              typing
            </dd>
          </div>
        ))}
        {answer.rejectionReason ? (
          <div>
            <dt>Rejected for</dt>
            <dd>
              {REJECTION_REASON_WORDS[answer.rejectionReason]}
              {answer.reviewNote ? `: ${answer.reviewNote}` : ""}
            </dd>
          </div>
        ) : null}
        {answer.appeal ? (
          <div>
            <dt>Appeal</dt>
            <dd>
              “{answer.appeal.message}” (<Time at={answer.appeal.createdAt} />)
              {answer.appeal.decision ? (
                <>
                  {" "}
                  — <strong>{APPEAL_DECISION_WORDS[answer.appeal.decision]}</strong>
                  {answer.appeal.decisionNote ? `: ${answer.appeal.decisionNote}` : ""}
                </>
              ) : null}
            </dd>
          </div>
        ) : null}
      </dl>
    </>
  );
}

/** A form of the review page, checked in the browser with the schema its action uses. */
function useReviewPageForm(id: string, lastResult?: SubmissionResult<string[]>) {
  return useForm({
    id,
    lastResult,
    constraint: getZodConstraint(ReviewPageActionSchema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewPageActionSchema }),
  });
}

/** Approve, or reject with a reason from the list and a note. */
function ReviewForm({ answer, lastResult }: { answer: ReviewAnswerData; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useReviewPageForm(`review-${answer.labelId}`, lastResult);
  return (
    <Form method="post" preventScrollReset className="review-form" {...getFormProps(form)}>
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="labelIds" value={answer.labelId} />
      <button type="submit" name="decision" value="approve">
        Approve
      </button>
      <fieldset className="review-reject">
        <legend>Or reject, with a reason the labeler sees</legend>
        <label>
          Reason
          <select {...getSelectProps(fields.reason)} defaultValue="">
            <option value="">Choose a reason…</option>
            {REJECTION_REASONS.map((r) => (
              <option key={r} value={r}>
                {REJECTION_REASON_WORDS[r]}
              </option>
            ))}
          </select>
          <FieldError field={fields.reason} />
        </label>
        <label>
          Note (what was wrong; needed for “Other”)
          <textarea {...getTextareaProps(fields.note)} rows={2} />
          <FieldError field={fields.note} />
        </label>
        <button type="submit" name="decision" value="reject" className="danger">
          Reject
        </button>
      </fieldset>
    </Form>
  );
}

/** The final decision on an appeal, with the note the labeler reads. */
function AppealForm({ answer, lastResult }: { answer: ReviewAnswerData; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useReviewPageForm(`appeal-${answer.labelId}`, lastResult);
  return (
    <Form method="post" preventScrollReset className="review-form" {...getFormProps(form)}>
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="decide" />
      <input type="hidden" name="labelId" value={answer.labelId} />
      <label>
        Your decision’s note (the labeler reads it; the decision is final)
        <textarea {...getTextareaProps(fields.note)} rows={2} />
        <FieldError field={fields.note} />
      </label>
      <div className="row">
        <button type="submit" name="decision" value="overturned">
          Overturn: approve the answer
        </button>
        <button type="submit" name="decision" value="upheld" className="danger">
          Uphold the rejection
        </button>
      </div>
    </Form>
  );
}

/** One answer in the review queue (or an appeal of one), with the form that decides it. */
export function ReviewAnswerCard({
  answer,
  mode,
  lastResult,
}: {
  answer: ReviewAnswerData;
  mode: "review" | "appeal";
  lastResult?: SubmissionResult<string[]>;
}) {
  const idPrefix = `answer-${answer.labelId}`;
  return (
    <article className="card review-card" aria-labelledby={`${idPrefix}-title`} data-testid="review-answer">
      <header className="review-card-header">
        <h3 id={`${idPrefix}-title`}>
          Labeler {answer.labeler} · item {answer.item.id}
        </h3>
        <StatusBadge answer={answer} />
      </header>
      <p className="small muted">
        Answered <Time at={answer.answeredAt} />
        {answer.reviewable ? (
          <>
            {" "}
            · approved automatically <Time at={answer.dueAt} /> unless reviewed
          </>
        ) : null}
        {answer.paid ? " · paid" : ""}
      </p>
      <ItemBody item={answer.item} idPrefix={idPrefix} />
      <AnswerFacts answer={answer} />
      {mode === "review" && answer.reviewable ? <ReviewForm answer={answer} lastResult={lastResult} /> : null}
      {mode === "appeal" && answer.appeal && !answer.appeal.decision ? (
        <AppealForm answer={answer} lastResult={lastResult} />
      ) : null}
    </article>
  );
}
