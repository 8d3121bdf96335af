import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, redirect, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useMemo, useState } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { ApprovalDelayFields } from "~/components/approval-delay-setting.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FormBuilder, toDrafts } from "~/components/form-builder.tsx";
import { FORM_TEMPLATES } from "~/components/form-templates.ts";
import { FieldError, FormErrors } from "~/components/forms.tsx";
import { ProjectCost } from "~/components/project-cost.tsx";
import { createProject } from "../../../db/queries/projects.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { formProblems } from "../../../db/schema/questions.ts";
import { toNewProject } from "~/utils/project-input.server.ts";
import { limits, limitsJson } from "~/utils/amount-limits.server.ts";
import { createProjectSchema, DEFAULT_APPROVAL_DELAY_HOURS, MAX_APPROVAL_DELAY_HOURS } from "~/utils/schemas.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "New project · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["requester"]);
  return { limits: limitsJson(), token: await tokenDisplay() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, {
    schema: createProjectSchema(limits, formProblems, await tokenDisplay()),
  });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const project = await createProject(db, toNewProject(user.id, submission.value));
  return redirect(`/projects/${project.id}`);
}

export default function NewProject() {
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { limits: bounds, token } = useLoaderData<typeof loader>();
  const schema = useMemo(
    () =>
      createProjectSchema(
        { rewardPerLabel: BigInt(bounds.rewardPerLabel), budget: BigInt(bounds.budget) },
        undefined,
        token,
      ),
    [bounds, token],
  );
  const [form, fields] = useForm({
    id: "new-project",
    lastResult,
    constraint: getZodConstraint(schema),
    shouldRevalidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    defaultValue: {
      taskType: "pairwise",
      labelsPerItem: "3",
      leaseMinutes: "10",
      ratingMin: "1",
      ratingMax: "7",
      approvalDelay: String(DEFAULT_APPROVAL_DELAY_HOURS / 24),
      approvalDelayUnit: "days",
    },
  });
  const taskType = fields.taskType.value ?? "pairwise";
  const [drafts, setDrafts] = useState(() => toDrafts(FORM_TEMPLATES[0].questions));
  return (
    <div className="card">
      <h1>New project</h1>
      <Form method="post" className="new-project" {...getFormProps(form)}>
        <AuthenticityTokenInput />
        <div className="stack">
          <label>
            Title
            <input {...getInputProps(fields.title, { type: "text" })} />
            <FieldError field={fields.title} />
          </label>
          <label>
            Task type
            <select {...getSelectProps(fields.taskType)}>
              <option value="pairwise">Pairwise: which of two responses is better</option>
              <option value="rating">Rating: score one response on a scale</option>
              <option value="label">Label: put an item in one category</option>
              <option value="form">Custom form: your own questions (rankings, ratings, labels, text)</option>
            </select>
          </label>
          {taskType === "label" ? (
            <label>
              Categories (one per line)
              <textarea {...getTextareaProps(fields.categories)} />
              <FieldError field={fields.categories} />
            </label>
          ) : null}
          {taskType === "rating" ? (
            <div className="row">
              <label>
                Lowest rating
                <input {...getInputProps(fields.ratingMin, { type: "number" })} />
              </label>
              <label>
                Highest rating
                <input {...getInputProps(fields.ratingMax, { type: "number" })} />
              </label>
              <FieldError field={fields.ratingMax} />
            </div>
          ) : null}
        </div>
        {taskType === "form" ? (
          <FormBuilder drafts={drafts} onChange={setDrafts} errors={lastResult?.error ?? undefined} />
        ) : null}
        <div className="stack">
          <label>
            Instructions (Markdown)
            <textarea {...getTextareaProps(fields.instructions)} rows={8} />
            <FieldError field={fields.instructions} />
          </label>
          <div className="row">
            <label>
              Labels per item (k)
              <input {...getInputProps(fields.labelsPerItem, { type: "number" })} />
              <FieldError field={fields.labelsPerItem} />
            </label>
            <label>
              Lease (minutes)
              <input {...getInputProps(fields.leaseMinutes, { type: "number" })} />
              <FieldError field={fields.leaseMinutes} />
            </label>
          </div>
          <div className="row" style={{ alignItems: "flex-end" }}>
            <ApprovalDelayFields delay={fields.approvalDelay} unit={fields.approvalDelayUnit} />
          </div>
          <p className="small muted" style={{ margin: 0 }}>
            Until then you can approve or reject each answer; labelers are paid for approved answers only. 0 approves
            every answer at once; at most 30 days ({MAX_APPROVAL_DELAY_HOURS} hours).
          </p>
          <div className="row">
            <label>
              Reward per label ({token.symbol})
              <input
                {...getInputProps(fields.rewardPerLabel, { type: "text" })}
                inputMode="decimal"
                placeholder="0.5"
              />
              <FieldError field={fields.rewardPerLabel} />
            </label>
            <label>
              Budget ({token.symbol})
              <input {...getInputProps(fields.budget, { type: "text" })} inputMode="decimal" placeholder="1,000" />
              <FieldError field={fields.budget} />
            </label>
          </div>
          <ProjectCost
            reward={fields.rewardPerLabel.value}
            budget={fields.budget.value}
            labelsPerItem={fields.labelsPerItem.value}
            token={token}
          />
          <FormErrors errors={form.errors} />
          <button type="submit" disabled={navigation.state !== "idle"}>
            Create project
          </button>
        </div>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
