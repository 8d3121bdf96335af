import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { useFetcher } from "@remix-run/react";
import { useMemo, useState, type FormEvent } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FieldError, FormErrors, VALIDATE_ON_SUBMIT_THEN_INPUT } from "~/components/forms.tsx";
import { SignatureLink } from "~/components/signature-link.tsx";
import { bonusFormSchema, MAX_TOP_N } from "~/utils/bonus-schemas.ts";
import { formatAmount, parseTokens, type TokenDisplay } from "~/utils/tokens.ts";

/** A bonus's payout as it stands, as the card and the Wallet show it. */
export interface BonusStatusData {
  status: "waiting" | "awaiting_wallet" | "queued" | "batched" | "paid";
  epoch: string | null;
  signature: string | null;
  explorer: string | null;
}

/** Where a bonus stands: waiting for the next payout, planned in an epoch, or paid in it (with its transaction). */
export function BonusStatus({ bonus, wallet = "the labeler's" }: { bonus: BonusStatusData; wallet?: string }) {
  switch (bonus.status) {
    case "waiting":
      return <>waiting for the next payout</>;
    case "awaiting_wallet":
      return (
        <>
          in the payout of {bonus.epoch}, awaiting {wallet} wallet
        </>
      );
    case "queued":
    case "batched":
      return <>in the payout of {bonus.epoch}, being sent</>;
    case "paid":
      return (
        <>
          paid in the payout of {bonus.epoch} (<SignatureLink signature={bonus.signature} explorer={bonus.explorer} />)
        </>
      );
  }
}

export interface ProjectBonusesData {
  token: TokenDisplay;
  /** Base units, as decimal strings. */
  max: string;
  available: string;
  labelers: { labeler: string; answers: number; quality: number | null }[];
  bonuses: (BonusStatusData & {
    id: number;
    labeler: string;
    kind: "bonus" | "qualification_test";
    amount: string;
    reason: string;
    createdAt: string;
  })[];
  idempotencyKey: string;
}

type BonusResult = { result: SubmissionResult<string[]>; message: string | null };

/**
 * The dashboard's Bonuses card: pay one of the project's labelers, or the top N by quality the same amount each, from
 * the project's funds with a reason the labeler sees (after a confirmation with the total); and every bonus given,
 * with where its payout stands. Posts to /projects/:id/bonuses; the same schema checks it here and there.
 */
export function ProjectBonuses({ projectId, data }: { projectId: string; data: ProjectBonusesData }) {
  const fetcher = useFetcher<BonusResult>();
  const schema = useMemo(() => bonusFormSchema(data.token, BigInt(data.max)), [data.token, data.max]);
  const [target, setTarget] = useState<"one" | "top">("one");
  const [form, fields] = useForm({
    id: "bonus-form",
    lastResult: fetcher.state === "idle" ? fetcher.data?.result : undefined,
    constraint: getZodConstraint(schema),
    ...VALIDATE_ON_SUBMIT_THEN_INPUT,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    defaultValue: { target: "one", top: "3" },
  });
  const fmt = (amount: string | bigint) => formatAmount(amount, data.token);
  const scored = data.labelers.filter((l) => l.quality !== null).length;

  function confirmTotal(event: FormEvent<HTMLFormElement>) {
    const values = new FormData(event.currentTarget);
    const each = parseTokens(String(values.get("tokens") ?? ""), data.token.decimals);
    // An amount the schema refuses is reported by it; only a valid one is confirmed.
    if (each === null || each <= 0n || !String(values.get("reason") ?? "").trim()) return;
    const count = target === "top" ? Math.min(Number(values.get("top")) || 0, scored) : 1;
    if (count <= 0) return;
    const who = target === "top" ? `the top ${count} labeler${count === 1 ? "" : "s"} by quality` : "this labeler";
    const total = each * BigInt(count);
    const question =
      count === 1
        ? `Pay ${who} a bonus of ${fmt(each)} from this project's funds?`
        : `Pay ${who} ${fmt(each)} each, ${fmt(total)} in all, from this project's funds?`;
    if (!confirm(question)) event.preventDefault();
  }

  return (
    <section className="card" aria-labelledby="bonuses-heading">
      <h2 id="bonuses-heading" style={{ marginTop: 0 }}>
        Bonuses
      </h2>
      <p className="small muted">
        Pay a labeler beyond their answers, from this project&apos;s funds; they see the reason on their Wallet, and it
        is paid on chain with their next payout. Up to <span data-testid="bonus-available">{fmt(data.available)}</span>{" "}
        can be given now: the rest of the funds is held for the answers given and the tasks on lease.
      </p>
      {fetcher.data?.message ? (
        <p role="status" className="notice success" data-testid="bonus-message">
          {fetcher.data.message}
        </p>
      ) : null}
      {data.labelers.length === 0 ? (
        <p className="muted">No labeler has answered yet: bonuses go to labelers who answered on this project.</p>
      ) : (
        <fetcher.Form
          method="post"
          action={`/projects/${projectId}/bonuses`}
          {...getFormProps(form)}
          onSubmit={(e) => {
            confirmTotal(e);
            if (!e.defaultPrevented) form.onSubmit(e);
          }}
          className="stack"
        >
          <AuthenticityTokenInput />
          <input type="hidden" name="idempotencyKey" value={data.idempotencyKey} />
          <FormErrors errors={form.errors} />
          <fieldset className="radio-fieldset">
            <legend>Who</legend>
            <label className="check">
              <input
                type="radio"
                name={fields.target.name}
                value="one"
                checked={target === "one"}
                onChange={() => setTarget("one")}
              />
              One labeler
            </label>
            <label className="check">
              <input
                type="radio"
                name={fields.target.name}
                value="top"
                checked={target === "top"}
                onChange={() => setTarget("top")}
                disabled={scored === 0}
              />
              The best labelers by quality, the same amount each
              {scored === 0 ? <span className="small muted"> (once a consensus run has scored them)</span> : null}
            </label>
          </fieldset>
          <div className="row" style={{ alignItems: "flex-start", flexWrap: "wrap" }}>
            {target === "one" ? (
              <label>
                Labeler
                <select {...getSelectProps(fields.labeler)} key={fields.labeler.key}>
                  <option value="">Pick a labeler</option>
                  {data.labelers.map((l) => (
                    <option key={l.labeler} value={l.labeler}>
                      Labeler {l.labeler} · {l.answers} answer{l.answers === 1 ? "" : "s"}
                      {l.quality === null ? "" : ` · quality ${l.quality.toFixed(2)}`}
                    </option>
                  ))}
                </select>
                <FieldError field={fields.labeler} />
              </label>
            ) : (
              <label>
                How many (top N, of {scored} scored)
                <input
                  {...getInputProps(fields.top, { type: "number" })}
                  key={fields.top.key}
                  min={1}
                  max={Math.min(MAX_TOP_N, Math.max(scored, 1))}
                  style={{ maxWidth: "6rem" }}
                />
                <FieldError field={fields.top} />
              </label>
            )}
            <label>
              Amount each ({data.token.symbol})
              <input
                {...getInputProps(fields.tokens, { type: "text" })}
                key={fields.tokens.key}
                inputMode="decimal"
                placeholder="5"
                style={{ maxWidth: "8rem" }}
              />
              <FieldError field={fields.tokens} />
            </label>
          </div>
          <label>
            Reason (the labeler sees it)
            <textarea {...getTextareaProps(fields.reason)} key={fields.reason.key} rows={2} />
            <FieldError field={fields.reason} />
          </label>
          <div>
            <button type="submit" disabled={fetcher.state !== "idle"}>
              Pay the bonus
            </button>
          </div>
        </fetcher.Form>
      )}
      <h3>Bonuses given</h3>
      {data.bonuses.length ? (
        <table data-testid="bonuses" className="cards-on-phone">
          <thead>
            <tr>
              <th>When</th>
              <th>Labeler</th>
              <th className="amount">Amount</th>
              <th>Reason</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.bonuses.map((b) => (
              <tr key={b.id}>
                <td data-label="When">{b.createdAt.slice(0, 16).replace("T", " ")} UTC</td>
                <td data-label="Labeler">Labeler {b.labeler}</td>
                <td data-label="Amount" className="amount">
                  {fmt(b.amount)}
                </td>
                <td data-label="Reason">
                  {b.reason}
                  {b.kind === "qualification_test" ? <span className="small muted"> (paid test attempt)</span> : null}
                </td>
                <td data-label="Status">
                  <BonusStatus bonus={b} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted" data-testid="bonuses-empty">
          No bonuses given yet.
        </p>
      )}
    </section>
  );
}
