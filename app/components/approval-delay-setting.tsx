import {
  getFormProps,
  getInputProps,
  getSelectProps,
  useForm,
  type FieldMetadata,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { useFetcher } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FieldError, VALIDATE_ON_SUBMIT_THEN_INPUT } from "~/components/forms.tsx";
import { approvedAfterWords } from "~/utils/labeling-offer.ts";
import { ApprovalDelayFormSchema, MAX_APPROVAL_DELAY_HOURS } from "~/utils/schemas.ts";

/** The delay typed as a number and a unit (days or hours), in the new-project form and the dashboard card. */
export function ApprovalDelayFields({ delay, unit }: { delay: FieldMetadata<string>; unit: FieldMetadata<string> }) {
  return (
    <>
      <label>
        Answers nobody reviews are approved after
        <input {...getInputProps(delay, { type: "text" })} inputMode="decimal" style={{ maxWidth: "8rem" }} />
        <FieldError field={delay} />
      </label>
      <label>
        <span className="visually-hidden">Unit of the approval delay</span>
        <select {...getSelectProps(unit)}>
          <option value="days">days</option>
          <option value="hours">hours</option>
        </select>
        <FieldError field={unit} />
      </label>
    </>
  );
}

export interface ApprovalDelayResult {
  result: SubmissionResult<string[]>;
  message: string | null;
}

/** The delay as the form first shows it: in days when it is whole days, else in hours. */
function asTyped(hours: number) {
  return hours % 24 === 0
    ? { approvalDelay: String(hours / 24), approvalDelayUnit: "days" }
    : { approvalDelay: String(hours), approvalDelayUnit: "hours" };
}

/**
 * The dashboard's approval delay: how long answers nobody reviews wait before they are approved (and can be paid).
 * Posts to /projects/:id/approval-delay; the same schema checks it here and there.
 */
export function ApprovalDelaySetting({ projectId, hours }: { projectId: string; hours: number }) {
  const fetcher = useFetcher<ApprovalDelayResult>();
  const [form, fields] = useForm({
    id: "approval-delay",
    lastResult: fetcher.data?.result,
    constraint: getZodConstraint(ApprovalDelayFormSchema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApprovalDelayFormSchema }),
    defaultValue: asTyped(hours),
  });
  return (
    <section className="card" aria-labelledby="approval-delay-heading">
      <h2 id="approval-delay-heading" style={{ marginTop: 0 }}>
        Approval delay
      </h2>
      <p className="muted small">
        Answers nobody reviews are {approvedAfterWords(hours)}
        {hours === 0 ? "" : ", and paid in the next payout after that"}; you can approve or reject them until then. Up
        to 30 days ({MAX_APPROVAL_DELAY_HOURS} hours); 0 approves every answer at once. Labelers see it before they
        start.
      </p>
      <fetcher.Form method="post" action={`/projects/${projectId}/approval-delay`} {...getFormProps(form)}>
        <AuthenticityTokenInput />
        <div className="row" style={{ alignItems: "flex-end" }}>
          <ApprovalDelayFields delay={fields.approvalDelay} unit={fields.approvalDelayUnit} />
          <button type="submit" className="secondary" disabled={fetcher.state !== "idle"}>
            Save approval delay
          </button>
        </div>
        <p role="status" className="muted small">
          {fetcher.data?.message ?? ""}
        </p>
      </fetcher.Form>
    </section>
  );
}
