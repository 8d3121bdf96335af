import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, redirect, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FormTask } from "~/components/labeling/form-task.tsx";
import { Markdown } from "~/components/markdown.tsx";
import { DomainError } from "../../../db/errors.ts";
import { getAttempt, getQualificationTest, listQualificationItems } from "../../../db/queries/qualifications.ts";
import {
  answerQualificationItem,
  attemptPayOffer,
  eligibilityFor,
  latestResult,
  startQualificationAttempt,
  testItemView,
} from "../../../labeling/qualification-attempts.ts";
import { domainErrorStatus } from "~/utils/api.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { eligibilityJson } from "~/utils/qualifications.server.ts";
import { TestPageActionSchema } from "~/utils/schemas.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { utcTime } from "~/utils/utc-time.ts";
import "~/components/labeling/labeling.css";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.test.title ?? "Qualification test"} · Pairwise` },
];

async function requireTest(testId: string | undefined) {
  const test = testId ? await getQualificationTest(db, testId) : null;
  if (!test) throw new Response("No such qualification test.", { status: 404 });
  return test;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const test = await requireTest(params.testId);
  const [items, eligibility] = await Promise.all([
    listQualificationItems(db, test.id),
    eligibilityFor(db, test, user.id),
  ]);
  let current = null;
  if (eligibility.kind === "in_progress") {
    const attempt = await getAttempt(db, { attemptId: eligibility.attemptId, labelerId: user.id });
    const answered = new Set((attempt?.answers ?? []).map((a) => a.itemId));
    const next = items.find((i) => !answered.has(i.id));
    if (next) current = { item: testItemView(test, next), number: answered.size + 1 };
  }
  const result = eligibility.kind === "in_progress" ? null : await latestResult(db, test, user.id);
  const project = new URL(request.url).searchParams.get("project");
  const [offer, token] = await Promise.all([attemptPayOffer(db, test, project), tokenDisplay()]);
  return {
    token,
    // A paid test: what an attempt pays and whether the project it is taken for can cover it now.
    pay: offer && { amount: offer.amount.toString(), payable: offer.payable, why: offer.why },
    test: {
      id: test.id,
      title: test.title,
      instructions: test.instructions,
      passMark: test.passMark,
      maxAttempts: test.maxAttempts,
      retryAfterHours: test.retryAfterHours,
      validDays: test.validDays,
      items: items.length,
    },
    eligibility: eligibilityJson(eligibility),
    current,
    result: result && {
      correct: result.correct,
      total: result.total,
      passed: result.passed,
      finishedAt: utcTime(result.finishedAt),
      expiresAt: result.expiresAt && utcTime(result.expiresAt),
      answersShown: result.answersShown,
      wrong: result.wrong,
      reward: result.reward && {
        amount: result.reward.amount.toString(),
        paid: result.reward.paid,
        why: result.reward.why,
      },
    },
    project,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const test = await requireTest(params.testId);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const parsed = TestPageActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data({ error: parsed.error.issues[0].message }, 400);
  const act = parsed.data;
  try {
    if (act.intent === "start") {
      const project = new URL(request.url).searchParams.get("project");
      await startQualificationAttempt(db, { testId: test.id, labelerId: user.id, projectId: project || null });
      const url = new URL(request.url);
      return redirect(url.pathname + url.search);
    }
    const eligibility = await eligibilityFor(db, test, user.id);
    if (eligibility.kind !== "in_progress")
      return data({ error: "This attempt is finished: start a new one if the test allows it." }, 409);
    await answerQualificationItem(db, {
      attemptId: eligibility.attemptId,
      labelerId: user.id,
      itemId: act.assignmentId,
      // A skipped (or flagged) test item counts as wrong.
      answers: act.intent === "answer" ? (act.answers ?? {}) : null,
    });
    return { error: null };
  } catch (error) {
    if (error instanceof DomainError) return data({ error: error.message }, domainErrorStatus(error));
    throw error;
  }
}

type EligibilityView = ReturnType<typeof eligibilityJson>;

function NextAttempt({ eligibility }: { eligibility: EligibilityView }) {
  const e = eligibility;
  const busy = useNavigation().state !== "idle";
  switch (e.kind) {
    case "passed":
      return (
        <p>
          You hold a valid pass{"expiresAt" in e && e.expiresAt ? ` until ${utcTime(e.expiresAt)}` : ""}.{" "}
          <Link to="/work">Back to projects</Link>
        </p>
      );
    case "no_attempts_left":
      return <p>You have used every attempt this test allows.</p>;
    case "wait":
      return <p>You may try again from {"until" in e ? utcTime(e.until) : "later"}.</p>;
    case "may_start":
      return (
        <Form method="post">
          <AuthenticityTokenInput />
          <p className="muted">
            {"attemptsLeft" in e ? `${e.attemptsLeft} attempt${e.attemptsLeft === 1 ? "" : "s"} left.` : null}
          </p>
          <button name="intent" value="start" disabled={busy}>
            Start the test
          </button>
        </Form>
      );
    default:
      return null;
  }
}

export default function QualificationTestPage() {
  const { test, eligibility, current, result, pay, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const percent = Math.round(test.passMark * 100);
  return (
    <div className="labeling-page">
      <header className="labeling-header">
        <h1>{test.title}</h1>
        <p className="muted">
          Qualification test · {test.items} item{test.items === 1 ? "" : "s"} · pass with {percent}% right ·{" "}
          {test.maxAttempts} attempt{test.maxAttempts === 1 ? "" : "s"}
          {test.validDays ? ` · a pass lasts ${test.validDays} days` : ""}
          {pay ? <span data-testid="test-pay"> · pays {formatAmount(pay.amount, token)} per attempt</span> : null}
        </p>
        {pay && !pay.payable && eligibility.kind === "may_start" ? (
          <p className="notice" data-testid="test-pay-unavailable">
            {pay.why}
          </p>
        ) : null}
      </header>
      <details className="card instructions" open={!current || current.number === 1}>
        <summary>Instructions</summary>
        <Markdown>{test.instructions || "_No instructions._"}</Markdown>
      </details>
      {actionData?.error ? (
        <p className="card error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {current ? (
        <>
          <p className="muted" aria-live="polite" data-testid="test-progress">
            Item {current.number} of {test.items}. Your answers here count only for this test.
          </p>
          <FormTask key={current.item.assignmentId} task={current.item} />
        </>
      ) : (
        <section className="card" aria-labelledby="test-result">
          {result ? (
            <>
              <h2 id="test-result">{result.passed ? "You passed" : "Not passed this time"}</h2>
              <p data-testid="test-score">
                {result.correct} of {result.total} right ({Math.round((100 * result.correct) / result.total)}%; the pass
                mark is {percent}%), finished {result.finishedAt}.
              </p>
              {result.reward ? (
                <p className={result.reward.paid ? "notice success" : "notice"} data-testid="test-reward" role="status">
                  {result.reward.paid ? (
                    <>
                      This attempt earned you {formatAmount(result.reward.amount, token)}: a bonus paid with your next
                      payout (see <Link to="/wallet">Wallet</Link>).
                    </>
                  ) : (
                    result.reward.why
                  )}
                </p>
              ) : null}
              {result.wrong.length ? (
                <>
                  <h3>What you got wrong</h3>
                  {result.answersShown ? null : (
                    <p className="muted">The requester keeps this test's answers hidden so it stays fair to reuse.</p>
                  )}
                  <ol className="test-wrong">
                    {result.wrong.map((w) => (
                      <li key={w.itemId} value={w.position}>
                        <p>Item {w.position}</p>
                        <dl>
                          {Object.entries(w.yourAnswer).map(([question, answer]) => (
                            <div key={question}>
                              <dt>{question}</dt>
                              <dd>
                                You answered: {answer}
                                {w.knownAnswer ? <> · the right answer: {w.knownAnswer[question]}</> : null}
                              </dd>
                            </div>
                          ))}
                        </dl>
                        {w.explanation ? <p className="muted">{w.explanation}</p> : null}
                      </li>
                    ))}
                  </ol>
                </>
              ) : null}
            </>
          ) : (
            <h2 id="test-result">Take the test</h2>
          )}
          <NextAttempt eligibility={eligibility} />
        </section>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
