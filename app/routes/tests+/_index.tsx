import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, redirect, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FormBuilder, toDrafts } from "~/components/form-builder.tsx";
import { FormErrors } from "~/components/forms.tsx";
import { TestSettingsFields } from "~/components/qualification-test-settings.tsx";
import { createQualificationTest, listOwnedQualificationTests } from "../../../db/queries/qualifications.ts";
import type { Question } from "../../../db/schema/questions.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { builderErrors, parseTestSettings } from "~/utils/qualifications.server.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { formatAmount } from "~/utils/tokens.ts";

export const meta: MetaFunction = () => [{ title: "Qualification tests · Pairwise" }];

const FIRST_QUESTION: Question[] = [
  { name: "better", type: "preference", title: "Which response is better?", required: true },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const [tests, token] = await Promise.all([listOwnedQualificationTests(db, user.id), tokenDisplay()]);
  return {
    token,
    tests: tests.map(({ test, items }) => ({
      id: test.id,
      title: test.title,
      items,
      passMark: test.passMark,
      maxAttempts: test.maxAttempts,
      validDays: test.validDays,
      rewardPerAttempt: test.rewardPerAttempt.toString(),
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const parsed = parseTestSettings(Object.fromEntries(formData), await tokenDisplay());
  if (!parsed.ok) return data({ errors: builderErrors(parsed.problems) }, 400);
  const test = await createQualificationTest(db, { ownerId: user.id, ...parsed.settings });
  return redirect(`/tests/${test.id}`);
}

export default function QualificationTests() {
  const { tests, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [drafts, setDrafts] = useState(() => toDrafts(FIRST_QUESTION));
  const errors = actionData?.errors;
  return (
    <>
      <h1>Qualification tests</h1>
      <p className="muted">
        A test is a set of items with known answers. A project that requires it leases tasks only to labelers who passed
        it; they take it from their project list.
      </p>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Your tests</h2>
        {tests.length === 0 ? (
          <p className="muted">No tests yet.</p>
        ) : (
          <table>
            <caption className="visually-hidden">Your qualification tests</caption>
            <thead>
              <tr>
                <th scope="col">Test</th>
                <th scope="col">Items</th>
                <th scope="col">Pass mark</th>
                <th scope="col">Attempts</th>
                <th scope="col">A pass lasts</th>
                <th scope="col">Pay per attempt</th>
              </tr>
            </thead>
            <tbody>
              {tests.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link to={`/tests/${t.id}`}>{t.title}</Link>
                  </td>
                  <td>{t.items}</td>
                  <td>{Math.round(t.passMark * 100)}%</td>
                  <td>{t.maxAttempts}</td>
                  <td>{t.validDays ? `${t.validDays} days` : "for ever"}</td>
                  <td>{t.rewardPerAttempt === "0" ? "unpaid" : formatAmount(t.rewardPerAttempt, token)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>New test</h2>
        <Form method="post" className="new-project">
          <AuthenticityTokenInput />
          <FormErrors errors={errors?.[""]} />
          <div className="stack">
            <TestSettingsFields errors={errors} token={token} />
          </div>
          <h3>Questions asked about each item</h3>
          <FormBuilder drafts={drafts} onChange={setDrafts} errors={errors} />
          <button type="submit" disabled={busy}>
            Create the test
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
