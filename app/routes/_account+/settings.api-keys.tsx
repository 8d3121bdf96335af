import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FieldError, FormErrors, VALIDATE_ON_SUBMIT_THEN_INPUT } from "~/components/forms.tsx";
import { createApiKey, listApiKeys, revokeApiKey } from "../../../db/queries/identity.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { forgetApiKeys } from "~/utils/api.server.ts";
import { ApiKeySchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { utcTime } from "~/utils/utc-time.ts";

export const meta: MetaFunction = () => [{ title: "API keys · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester", "labeler"]);
  const keys = await listApiKeys(db, user.id);
  return {
    keys: keys.map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester", "labeler"]);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  if (formData.get("intent") === "revoke") {
    const ok = await revokeApiKey(db, { userId: user.id, keyId: String(formData.get("keyId")) });
    if (ok) forgetApiKeys();
    if (!ok) {
      const error = { code: "not_found", message: "No such key among yours (or it is revoked already)." };
      return data({ result: null, key: null, error }, { status: 404 });
    }
    return { result: null, key: null, error: null };
  }
  const submission = parseWithZod(formData, { schema: ApiKeySchema });
  if (submission.status !== "success")
    return data({ result: submission.reply(), key: null, error: null }, { status: 400 });
  const key = await createApiKey(db, { userId: user.id, name: submission.value.name, scope: submission.value.scope });
  return { result: submission.reply({ resetForm: true }), key, error: null };
}

export default function ApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "api-key",
    lastResult: actionData?.result,
    constraint: getZodConstraint(ApiKeySchema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApiKeySchema }),
  });
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">
        Use a key as <code>Authorization: Bearer &lt;key&gt;</code>. <strong>API</strong> keys work with the JSON API
        under <code>/api/v1</code> (projects, tasks, wallet); <strong>premium</strong> keys call the reward models
        (score, rank, judge, chat) and spend your credits. Every endpoint is described in the{" "}
        <a href="/docs/api">API reference</a> (also as <a href="/api/v1/openapi.json">OpenAPI</a>).
      </p>
      <FormErrors errors={actionData?.error ? [actionData.error.message] : undefined} />
      {actionData?.key ? (
        <div className="notice success" role="status">
          <p>Your new key — copy it now, it is shown only once:</p>
          <p className="secret" data-testid="new-api-key">
            {actionData.key}
          </p>
        </div>
      ) : null}
      <Form method="post" className="row card" {...getFormProps(form)}>
        <AuthenticityTokenInput />
        <label>
          Name
          <input {...getInputProps(fields.name, { type: "text" })} placeholder="e.g. training pipeline" />
          <FieldError field={fields.name} />
        </label>
        <label>
          Kind
          <select name="scope" defaultValue="api">
            <option value="api">API</option>
            <option value="premium">premium (metered)</option>
          </select>
        </label>
        <button type="submit" name="intent" value="create">
          Create key
        </button>
      </Form>
      {keys.length === 0 ? (
        <p className="card muted" data-testid="no-api-keys">
          You have no API keys yet. Create one above: an <strong>API</strong> key for scripts that create projects,
          upload items and export results, or a <strong>premium</strong> key to call the reward models with your
          credits.
        </p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Your API keys">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Key</th>
                <th>Created</th>
                <th>Last used</th>
                <th>
                  <span className="visually-hidden">Revoke</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{k.scope}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{utcTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? utcTime(k.lastUsedAt) : "never"}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="badge paused">revoked</span>
                    ) : (
                      <Form method="post">
                        <AuthenticityTokenInput />
                        <input type="hidden" name="keyId" value={k.id} />
                        <button name="intent" value="revoke" className="danger">
                          Revoke
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
