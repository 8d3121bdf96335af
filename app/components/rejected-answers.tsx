import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FieldError, VALIDATE_ON_SUBMIT_THEN_INPUT } from "./forms.tsx";
import { Time } from "./time.tsx";
import { APPEAL_DECISION_WORDS, AppealSchema, REJECTION_REASON_WORDS } from "~/utils/review-schemas.ts";
import "./review-answer.css";

/** A rejection as My quality gets it (loadLabelerReviews, serialized). */
export interface RejectionData {
  labelId: number;
  projectId: string;
  projectTitle: string;
  item: string;
  status: "pending" | "approved" | "rejected";
  rejectionReason: keyof typeof REJECTION_REASON_WORDS;
  reviewNote: string | null;
  reviewedAt: string;
  appealUntil: string | null;
  mayAppeal: boolean;
  appeal: {
    message: string;
    createdAt: string;
    decision: keyof typeof APPEAL_DECISION_WORDS | null;
    decisionNote: string | null;
    decidedAt: string | null;
  } | null;
}

export interface AppealActionData {
  formId: string | null;
  result: SubmissionResult<string[]> | null;
  message: string | null;
  error: string | null;
}

function AppealForm({ rejection, actionData }: { rejection: RejectionData; actionData?: AppealActionData }) {
  const id = `appeal-${rejection.labelId}`;
  const mine = actionData?.formId === id ? actionData : undefined;
  const [form, fields] = useForm({
    id,
    lastResult: mine?.result ?? undefined,
    constraint: getZodConstraint(AppealSchema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AppealSchema }),
  });
  return (
    <Form method="post" preventScrollReset className="review-form" {...getFormProps(form)}>
      <AuthenticityTokenInput />
      <input type="hidden" name="labelId" value={rejection.labelId} />
      <label>
        Why should it be approved? (one appeal; the requester’s decision is final)
        <textarea {...getTextareaProps(fields.message)} rows={3} />
        <FieldError field={fields.message} />
      </label>
      {mine?.error ? (
        <p role="alert" className="field-error">
          {mine.error}
        </p>
      ) : null}
      <button type="submit">Send appeal</button>
    </Form>
  );
}

function AppealState({ rejection }: { rejection: RejectionData }) {
  const { appeal } = rejection;
  if (!appeal) {
    return rejection.appealUntil && !rejection.mayAppeal ? (
      <p className="small muted">
        The appeal window closed <Time at={rejection.appealUntil} />.
      </p>
    ) : null;
  }
  return (
    <div className={appeal.decision === "overturned" ? "notice success" : "notice"} data-testid="appeal-state">
      <p style={{ margin: 0 }}>
        You appealed <Time at={appeal.createdAt} />: “{appeal.message}”
      </p>
      {appeal.decision ? (
        <p style={{ margin: ".4rem 0 0" }} data-testid="appeal-decision">
          <strong>{APPEAL_DECISION_WORDS[appeal.decision]}</strong>
          {appeal.decidedAt ? (
            <>
              {" "}
              (<Time at={appeal.decidedAt} />)
            </>
          ) : null}
          {appeal.decisionNote ? `. The requester’s note: “${appeal.decisionNote}”` : ""}
          {appeal.decision === "overturned" ? " It will be paid with your next payout." : " This decision is final."}
        </p>
      ) : (
        <p style={{ margin: ".4rem 0 0" }} className="muted">
          Waiting for the requester’s decision.
        </p>
      )}
    </div>
  );
}

/** My quality's "Rejected answers": each rejection with its reason and note, the appeal form, then the decision. */
export function RejectedAnswers({
  rejections,
  appealWindowDays,
  actionData,
}: {
  rejections: RejectionData[];
  appealWindowDays: number;
  actionData?: AppealActionData;
}) {
  return (
    <section className="card" aria-labelledby="rejected-answers">
      <h2 id="rejected-answers" style={{ marginTop: 0 }}>
        Rejected answers
      </h2>
      <p className="small muted">
        A rejected answer earns nothing and does not count towards consensus. You may appeal each rejection once, within{" "}
        {appealWindowDays} days; if the requester overturns it, the answer is approved and paid with your next payout.
      </p>
      <div aria-live="polite">
        {actionData?.message ? (
          <p role="status" className="notice success">
            {actionData.message}
          </p>
        ) : null}
      </div>
      {rejections.length === 0 ? (
        <p className="muted" data-testid="no-rejections">
          None of your answers was rejected.
        </p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0 }}>
          {rejections.map((r) => (
            <li key={r.labelId} className="card" data-testid="rejection">
              <h3 style={{ marginTop: 0, fontSize: "1rem" }}>
                {r.projectTitle}: “{r.item || "(no text)"}”
              </h3>
              <p style={{ margin: ".25rem 0" }}>
                <strong data-testid="rejection-reason">{REJECTION_REASON_WORDS[r.rejectionReason]}</strong>
                {r.reviewNote ? <span data-testid="rejection-note">: {r.reviewNote}</span> : null}
              </p>
              {r.status === "rejected" ? (
                <p className="small muted" style={{ margin: ".25rem 0" }}>
                  Rejected <Time at={r.reviewedAt} />
                  {r.mayAppeal && r.appealUntil ? (
                    <>
                      {" "}
                      · you may appeal until <Time at={r.appealUntil} />
                    </>
                  ) : null}
                </p>
              ) : null}
              <AppealState rejection={r} />
              {r.mayAppeal ? <AppealForm rejection={r} actionData={actionData} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
