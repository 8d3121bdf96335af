import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, redirect, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FieldError, FormErrors, VALIDATE_ON_SUBMIT_THEN_INPUT } from "~/components/forms.tsx";
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
  // The landing page's "Sign up to label" / "Sign up to request labels" carry the choice the person just made.
  const chosen = useSearchParams()[0].get("role");
  const [form, fields] = useForm({
    id: "signup",
    defaultValue: { role: chosen === "labeler" || chosen === "requester" ? chosen : undefined },
    lastResult,
    constraint: getZodConstraint(SignupSchema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
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
        {/* No role is chosen for the person: what they sign up as decides their pages, so they pick it. */}
        <fieldset className="radio-fieldset">
          <legend>I want to</legend>
          <label className="radio-option">
            <input {...getInputProps(fields.role, { type: "radio", value: "labeler" })} />
            <span>
              label data and earn tokens
              <span className="small muted">compare and rate AI answers, paid for each label</span>
            </span>
          </label>
          <label className="radio-option">
            <input {...getInputProps(fields.role, { type: "radio", value: "requester" })} />
            <span>
              request labels
              <span className="small muted">upload prompts with responses, get people's preferences back</span>
            </span>
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
