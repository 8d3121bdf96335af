import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FieldError, FormErrors, VALIDATE_ON_SUBMIT_THEN_INPUT } from "~/components/forms.tsx";
import { verifyLogin } from "~/utils/auth.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { limitAuthAttempt } from "~/utils/rate-limit.server.ts";
import { LoginSchema } from "~/utils/schemas.ts";
import { noteDevice, withDeviceCookie } from "~/utils/devices.server.ts";
import { homeFor, requireAnonymous, safeRedirect, startSession } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Sign in · Pairwise" }];

export const loader = ({ request }: LoaderFunctionArgs) => requireAnonymous(request);

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  // Only a well-formed attempt is charged, to the address and to the account it is for.
  await limitAuthAttempt(request, context, submission.value.email);
  const user = await verifyLogin(submission.value.email, submission.value.password);
  if (!user) {
    return data(submission.reply({ formErrors: ["Wrong email or password"], hideFields: ["password"] }), {
      status: 400,
    });
  }
  const device = await noteDevice(request, user.id);
  return withDeviceCookie(
    await startSession(user.id, safeRedirect(submission.value.redirectTo, homeFor(user))),
    device,
  );
}

export default function Login() {
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "login",
    lastResult,
    constraint: getZodConstraint(LoginSchema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  });
  return (
    <div className="card" style={{ maxWidth: 480 }}>
      <h1>Sign in</h1>
      {searchParams.get("signedUp") ? (
        <p className="notice success" role="status">
          Thanks for signing up. Sign in with your email and the password you chose to continue. (If this email already
          had an account, sign in with that account&apos;s password.)
        </p>
      ) : null}
      <Form method="post" className="stack" {...getFormProps(form)}>
        <AuthenticityTokenInput />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <label>
          Email
          <input {...getInputProps(fields.email, { type: "email" })} autoComplete="email" />
          <FieldError field={fields.email} />
        </label>
        <label>
          Password
          <input {...getInputProps(fields.password, { type: "password" })} autoComplete="current-password" />
          <FieldError field={fields.password} />
        </label>
        <FormErrors errors={form.errors} />
        <button type="submit" disabled={navigation.state !== "idle"}>
          Sign in
        </button>
        <p className="small muted">
          New here? <Link to="/signup">Create an account</Link>
        </p>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
