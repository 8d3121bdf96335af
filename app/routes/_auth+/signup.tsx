import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, redirect, useActionData, useNavigation } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FieldError, FormErrors } from "~/components/forms.tsx";
import { signUp } from "~/utils/auth.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { limitAuthAttempt } from "~/utils/rate-limit.server.ts";
import { passwordWeakness } from "~/utils/password-strength.server.ts";
import { SignupSchema, signupSchema } from "~/utils/schemas.ts";
import { requireAnonymous } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Sign up · Pairwise" }];

export const loader = ({ request }: LoaderFunctionArgs) => requireAnonymous(request);

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: SignupSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  // Only a well-formed attempt is charged, to the address and to the account it is for.
  await limitAuthAttempt(request, context, submission.value.email);
  // The password's strength is estimated only now, once the attempt is charged: the estimate costs CPU.
  const checked = parseWithZod(formData, { schema: signupSchema(passwordWeakness) });
  if (checked.status !== "success") return data(checked.reply({ hideFields: ["password"] }), { status: 400 });
  // An email that already has an account gets the same answer, after the same work (the password is hashed and an
  // insert tried either way), and no cookie either way: sign-up cannot tell anyone who has an account. Without email
  // delivery there is no "check your inbox" step, so the next step is signing in, where the device is recorded.
  await signUp(checked.value);
  return redirect("/login?signedUp=1");
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
          <span className="small muted">
            At least 10 characters; a phrase of a few uncommon words works well. Common or easily guessed passwords are
            refused.
          </span>
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
