import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { listAbuseSignals } from "../../../db/queries/abuse.ts";
import { setUserPaused } from "../../../db/queries/identity.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { PauseUserSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Abuse signals · Pairwise" }];

const KIND_WORDS: Record<string, string> = {
  too_fast: "answers faster than the items can be read",
  one_sided_streak: "long run of the same answer",
  shared_device: "several accounts on one device",
  shared_wallet: "several accounts with one wallet",
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["admin"]);
  const signals = await listAbuseSignals(db);
  return {
    signals: signals.map((s) => ({
      ...s,
      kind: s.kind as string,
      userPausedAt: s.userPausedAt?.toISOString() ?? null,
      detectedAt: s.detectedAt.toISOString(),
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireUser(request, ["admin"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: PauseUserSchema });
  if (submission.status !== "success") return { error: "Choose an account and give a reason to pause it." };
  const { userId, intent, reason } = submission.value;
  await setUserPaused(db, {
    userId,
    reason: intent === "pause" ? reason || "paused by an admin after an abuse review" : null,
  });
  return { error: null };
}

export default function AbuseSignals() {
  const { signals } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>Abuse signals</h1>
      <p className="muted">
        Patterns worth a look, refreshed with every consensus run and sign-in. A signal is evidence, not a verdict:
        check the labeler's quality on the project before pausing them.
      </p>
      {actionData?.error ? (
        <p className="errors" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {signals.length === 0 ? (
        <p className="card muted">No signals.</p>
      ) : (
        <table data-testid="abuse-signals">
          <thead>
            <tr>
              <th>Account</th>
              <th>Signal</th>
              <th>Where</th>
              <th>Evidence</th>
              <th>Seen</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {signals.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.name} <span className="muted small">{s.email}</span>
                </td>
                <td>{KIND_WORDS[s.kind] ?? s.kind}</td>
                <td>{s.projectTitle ?? <code className="small">{s.scope.slice(0, 16)}</code>}</td>
                <td className="small">
                  {Object.entries(s.detail)
                    .map(([k, v]) => `${k}: ${Array.isArray(v) ? (v as unknown[]).length : String(v)}`)
                    .join(", ")}
                </td>
                <td className="small">{new Date(s.detectedAt).toLocaleString()}</td>
                <td>
                  <Form method="post" className="row">
                    <AuthenticityTokenInput />
                    <input type="hidden" name="userId" value={s.userId} />
                    {s.userPausedAt ? (
                      <button name="intent" value="unpause" className="secondary">
                        Unpause
                      </button>
                    ) : (
                      <>
                        <input
                          name="reason"
                          aria-label="Reason"
                          placeholder="reason"
                          defaultValue={KIND_WORDS[s.kind]}
                        />
                        <button name="intent" value="pause" className="danger">
                          Pause account
                        </button>
                      </>
                    )}
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
