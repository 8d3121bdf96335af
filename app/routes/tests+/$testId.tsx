import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FormBuilder, toDrafts } from "~/components/form-builder.tsx";
import { FormErrors } from "~/components/forms.tsx";
import { TestSettingsFields } from "~/components/qualification-test-settings.tsx";
import { DatasetError, formatProblem } from "../../../datasets/index.ts";
import { DomainError } from "../../../db/errors.ts";
import { listQualificationItems } from "../../../db/queries/qualifications.ts";
import { describeAnswer } from "../../../labeling/qualifications.ts";
import { editTest, requireOwnTest, uploadTestItems } from "../../../labeling/qualification-tests.ts";
import { domainErrorStatus } from "~/utils/api.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { builderErrors, parseTestSettings, testJson } from "~/utils/qualifications.server.ts";
import { QualificationItemsFormSchema } from "~/utils/schemas.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.test.title ?? "Qualification test"} · Pairwise` },
];

async function ownTest(userId: string, testId: string | undefined) {
  try {
    return await requireOwnTest(db, { testId: testId ?? "", ownerId: userId });
  } catch (error) {
    if (error instanceof DomainError) throw new Response("No such test among yours.", { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const test = await ownTest(user.id, params.testId);
  const [items, token] = await Promise.all([listQualificationItems(db, test.id), tokenDisplay()]);
  return {
    token,
    test: testJson(test, items.length),
    items: items.map((item) => ({
      id: item.id,
      position: item.position,
      prompt: item.content.prompt ?? item.content.messages?.at(-1)?.content ?? "",
      responses: item.content.responses.length,
      known: test.questions
        .filter((q) => q.name in item.answers)
        .map((q) => ({ question: q.title, answer: describeAnswer(q, item.answers[q.name]) })),
      explanation: item.explanation,
    })),
  };
}

type ActionResult = { intent: string; errors: Record<string, string[]> | null; message: string | null };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const test = await ownTest(user.id, params.testId);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const intent = String(formData.get("intent"));
  const reply = (fields: Partial<ActionResult>, status = 200) =>
    data<ActionResult>({ intent, errors: null, message: null, ...fields }, status);
  try {
    if (intent === "items") {
      const parsed = QualificationItemsFormSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) return reply({ errors: { items: [parsed.error.issues[0].message] } }, 400);
      const added = await uploadTestItems(db, { testId: test.id, ownerId: user.id, jsonl: parsed.data.items });
      return reply({ message: `Added ${added} item${added === 1 ? "" : "s"}.` });
    }
    const parsed = parseTestSettings(Object.fromEntries(formData), await tokenDisplay());
    if (!parsed.ok) return reply({ errors: builderErrors(parsed.problems) }, 400);
    await editTest(db, { testId: test.id, ownerId: user.id, settings: parsed.settings });
    return reply({ message: "Settings saved." });
  } catch (error) {
    if (error instanceof DatasetError) return reply({ errors: { items: error.problems.map(formatProblem) } }, 422);
    if (error instanceof DomainError) return reply({ errors: { "": [error.message] } }, domainErrorStatus(error));
    throw error;
  }
}

const EXAMPLE = `{"prompt": "What is 2 + 2?", "responses": ["4", "5"], "answers": {"better": "a"}, "explanation": "2 + 2 is 4."}`;

export default function QualificationTestEditor() {
  const { test, items, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [drafts, setDrafts] = useState(() => toDrafts(test.questions));
  const [jsonl, setJsonl] = useState("");
  const settingsErrors = actionData?.intent === "settings" ? (actionData.errors ?? undefined) : undefined;
  const itemErrors = actionData?.intent === "items" ? actionData.errors?.items : undefined;
  return (
    <>
      <p>
        <Link to="/tests">All tests</Link>
      </p>
      <h1>{test.title}</h1>
      {actionData?.message ? (
        <p className="notice success" role="status">
          {actionData.message}
        </p>
      ) : null}
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Items ({items.length})</h2>
        {items.length ? (
          <ol className="test-items">
            {items.map((item) => (
              <li key={item.id} value={item.position}>
                <span className="offer-summary">{item.prompt.slice(0, 200)}</span>{" "}
                <span className="muted small">
                  {item.responses} response{item.responses === 1 ? "" : "s"} · known:{" "}
                  {item.known.map((k) => `${k.question}: ${k.answer}`).join("; ")}
                </span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No items yet: labelers cannot take the test until it has some.</p>
        )}
        <Form method="post" className="stack">
          <AuthenticityTokenInput />
          <label>
            Add items (JSONL: one item per line, the shapes of a form upload plus <code>answers</code>, the known
            answers by question name as in <code>gold</code>, and an optional <code>explanation</code>)
            <textarea
              name="items"
              rows={6}
              value={jsonl}
              onChange={(e) => setJsonl(e.target.value)}
              placeholder={EXAMPLE}
              aria-invalid={itemErrors?.length ? true : undefined}
              aria-describedby={itemErrors?.length ? "items-errors" : undefined}
            />
          </label>
          <label>
            Or choose a file
            <input
              type="file"
              accept=".jsonl,.json,.txt,application/x-ndjson"
              onChange={async (e) => setJsonl((await e.target.files?.[0]?.text()) ?? "")}
            />
          </label>
          <div id="items-errors">
            <FormErrors errors={itemErrors} />
          </div>
          <p className="small muted">The whole file is checked first; any bad line rejects it all.</p>
          <button name="intent" value="items" disabled={busy}>
            Add the items
          </button>
        </Form>
      </section>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Settings</h2>
        <Form method="post" className="stack">
          <AuthenticityTokenInput />
          <FormErrors errors={settingsErrors?.[""]} />
          <TestSettingsFields values={test} errors={settingsErrors} token={token} />
          {items.length ? (
            <>
              <input type="hidden" name="questions" value={JSON.stringify(test.questions)} />
              <p className="small muted">
                Questions: {test.questions.map((q) => q.title).join("; ")} (fixed once the test has items).
              </p>
            </>
          ) : (
            <FormBuilder drafts={drafts} onChange={setDrafts} errors={settingsErrors} />
          )}
          <button name="intent" value="settings" disabled={busy}>
            Save settings
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
