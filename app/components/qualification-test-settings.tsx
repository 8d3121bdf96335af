import { formatTokens, type TokenDisplay } from "~/utils/tokens.ts";

/** The settings of a qualification test, as form fields (the new-test and edit forms share them). */
export interface TestSettingsValues {
  title: string;
  instructions: string;
  passMark: number;
  maxAttempts: number;
  retryAfterHours: number;
  validDays: number | null;
  showAnswers: boolean;
  /** Paid per finished attempt, base units as a decimal string ("0": unpaid). */
  rewardPerAttempt: string;
}

const DEFAULTS: TestSettingsValues = {
  title: "",
  instructions: "",
  passMark: 0.8,
  maxAttempts: 2,
  retryAfterHours: 24,
  validDays: null,
  showAnswers: true,
  rewardPerAttempt: "0",
};

function Problem({ errors, name }: { errors?: Record<string, string[]>; name: string }) {
  const messages = errors?.[name];
  return messages?.length ? (
    <span className="field-error" id={`${name}-error`}>
      {messages.join(", ")}
    </span>
  ) : null;
}

export function TestSettingsFields({
  values = DEFAULTS,
  errors,
  token,
}: {
  values?: TestSettingsValues;
  errors?: Record<string, string[]>;
  token: TokenDisplay;
}) {
  const invalid = (name: string) =>
    errors?.[name]?.length ? { "aria-invalid": true, "aria-describedby": `${name}-error` } : {};
  return (
    <>
      <label>
        Title
        <input name="title" type="text" required minLength={3} defaultValue={values.title} {...invalid("title")} />
        <Problem errors={errors} name="title" />
      </label>
      <label>
        Instructions (Markdown)
        <textarea name="instructions" rows={4} defaultValue={values.instructions} />
      </label>
      <div className="row">
        <label>
          Pass mark (share of items right, 0–1)
          <input
            name="passMark"
            type="number"
            min="0.01"
            max="1"
            step="0.01"
            required
            defaultValue={values.passMark}
            {...invalid("passMark")}
          />
          <Problem errors={errors} name="passMark" />
        </label>
        <label>
          Attempts
          <input
            name="maxAttempts"
            type="number"
            min="1"
            max="20"
            defaultValue={values.maxAttempts}
            {...invalid("maxAttempts")}
          />
          <Problem errors={errors} name="maxAttempts" />
        </label>
        <label>
          Hours between attempts
          <input
            name="retryAfterHours"
            type="number"
            min="0"
            max="8760"
            defaultValue={values.retryAfterHours}
            {...invalid("retryAfterHours")}
          />
          <Problem errors={errors} name="retryAfterHours" />
        </label>
        <label>
          A pass lasts (days; empty: for ever)
          <input
            name="validDays"
            type="number"
            min="1"
            max="3650"
            defaultValue={values.validDays ?? ""}
            {...invalid("validDays")}
          />
          <Problem errors={errors} name="validDays" />
        </label>
        <label>
          Pay per attempt ({token.symbol}; 0: unpaid)
          <input
            name="rewardPerAttempt"
            inputMode="decimal"
            defaultValue={formatTokens(BigInt(values.rewardPerAttempt), token.decimals)}
            aria-describedby="rewardPerAttempt-help"
            {...invalid("rewardPerAttempt")}
          />
          <Problem errors={errors} name="rewardPerAttempt" />
        </label>
      </div>
      <p className="small muted" id="rewardPerAttempt-help">
        A paid test pays each finished attempt, passed or not, as a bonus from the funds of the project the labeler
        takes it for (one of yours that requires it), paid with their next payout; when those funds cannot cover it the
        attempt is unpaid, and labelers are told before they start.
      </p>
      <label className="check">
        <input name="showAnswers" type="checkbox" defaultChecked={values.showAnswers} /> Show labelers the right answers
        (and why) of the items they got wrong. Leave off to keep the test reusable.
      </label>
    </>
  );
}
