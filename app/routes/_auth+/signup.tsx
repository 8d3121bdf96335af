import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FieldError, FormErrors } from "~/components/forms.tsx";
import { signUp } from "~/utils/auth.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { clientIp, rateLimitOrRespond } from "~/utils/rate-limit.server.ts";
import { SignupSchema } from "~/utils/schemas.ts";
import { noteDevice } from "~/utils/devices.server.ts";
import { homeFor, requireAnonymous, startSession } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Sign up · Pairwise" }];

export const loader = ({ request }: LoaderFunctionArgs) => requireAnonymous(request);

export async function action({ request }: ActionFunctionArgs) {
  await rateLimitOrRespond("auth", clientIp(request));
  const formData = await request.formData();
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: SignupSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  const user = await signUp(submission.value);
  if (!user) {
    return data(
      submission.reply({
        fieldErrors: { email: ["An account with this email exists; sign in instead"] },
        hideFields: ["password"],
      }),
      { status: 400 },
    );
  }
  await noteDevice(request, user.id);
  return startSession(user.id, homeFor(user));
}

export default function Signup() {
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "signup",
    lastResult,
    constraint: getZodConstraint(SignupSchema),
    shouldRevalidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
    defaultValue: { role: "labeler" },
  });
  return (
    <div className="card" style={{ maxWidth: 480 }}>
      <h1>Create an account</h1>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <AuthenticityTokenInput />
        <label>
          Name
          <input {...getInputProps(fields.name, { type: "text" })} autoComplete="name" />
          <FieldError field={fields.name} />
        </label>
        <label>
          Email
          <input {...getInputProps(fields.email, { type: "email" })} autoComplete="email" />
          <FieldError field={fields.email} />
        </label>
        <label>
          Password
          <input {...getInputProps(fields.password, { type: "password" })} autoComplete="new-password" />
          <FieldError field={fields.password} />
        </label>
        <fieldset className="row" style={{ border: "none", padding: 0 }}>
          <legend className="small muted">I want to</legend>
          <label className="row" style={{ flexDirection: "row" }}>
            <input {...getInputProps(fields.role, { type: "radio", value: "labeler" })} /> label data and earn tokens
          </label>
          <label className="row" style={{ flexDirection: "row" }}>
            <input {...getInputProps(fields.role, { type: "radio", value: "requester" })} /> request labels
          </label>
          <FieldError field={fields.role} />
        </fieldset>
        <FormErrors errors={form.errors} />
        <button type="submit" disabled={navigation.state !== "idle"}>
          Sign up
        </button>
        <p className="small muted">
          Have an account? <Link to="/login">Sign in</Link>
        </p>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
