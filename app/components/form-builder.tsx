import { useState, type ReactNode } from "react";
import type { Question, QuestionType } from "../../db/schema/questions.ts";
import { FormPreview } from "./form-preview.tsx";
import { FORM_TEMPLATES } from "./form-templates.ts";
import "./form-builder.css";

/** A question being edited; `key` keeps its editor across moves, `nameEdited` stops the name following the title. */
export interface QuestionDraft {
  key: number;
  nameEdited: boolean;
  question: Question;
}

let lastKey = 0;
export const toDrafts = (questions: readonly Question[]): QuestionDraft[] =>
  questions.map((question) => ({ key: ++lastKey, nameEdited: true, question }));

/** A question name (lower-case letters, digits, _) made from its title, unlike the names already taken. */
export function nameFromTitle(title: string, taken: readonly string[]): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 34);
  const base = /^[a-z]/.test(slug) ? slug : `q_${slug}`.replace(/_+$/, "");
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}_${i}`;
  return name;
}

const NEW_QUESTION: Record<QuestionType, () => Question> = {
  preference: () => ({ type: "preference", name: "", title: "Which response is better?", required: true }),
  ranking: () => ({ type: "ranking", name: "", title: "Rank the responses, best first", required: true }),
  rating: () => ({
    type: "rating",
    name: "",
    title: "Rate each response",
    required: true,
    min: 1,
    max: 5,
    per: "response",
  }),
  label: () => ({
    type: "label",
    name: "",
    title: "Which category fits?",
    required: true,
    categories: ["good", "bad"],
    multiple: false,
    per: "item",
  }),
  text: () => ({ type: "text", name: "", title: "Comments", required: false, maxLength: 5_000 }),
};
const TYPE_NAMES: Record<QuestionType, string> = {
  preference: "Preference",
  ranking: "Ranking",
  rating: "Rating",
  label: "Label",
  text: "Text",
};
const ORDERING = new Set<QuestionType>(["preference", "ranking"]);

/** Server-side problems of the questions (`questions[2].max`), by question index and field. */
function problemsOf(errors: Record<string, string[] | null | undefined> | undefined) {
  const byQuestion = new Map<number, Map<string, string>>();
  const general: string[] = [];
  for (const [key, messages] of Object.entries(errors ?? {})) {
    if (!messages?.length) continue;
    const m = /^questions\[(\d+)\](?:\.(\w+))?/.exec(key);
    if (m) {
      const fields = byQuestion.get(Number(m[1])) ?? new Map<string, string>();
      fields.set(m[2] ?? "", messages.join(", "));
      byQuestion.set(Number(m[1]), fields);
    } else if (key === "questions") general.push(...messages);
  }
  return { byQuestion, general };
}

/**
 * A custom form: questions of each type added, edited, reordered and removed, with a live preview made of the
 * labeling page's own components. Posts the questions as JSON in the hidden `questions` field.
 */
export function FormBuilder({
  drafts,
  onChange,
  errors,
}: {
  drafts: QuestionDraft[];
  onChange: (drafts: QuestionDraft[]) => void;
  /** The last server reply's errors; dropped once the form is edited (their indices may no longer match). */
  errors?: Record<string, string[] | null | undefined>;
}) {
  const [stale, setStale] = useState<typeof errors>(undefined);
  const { byQuestion, general } = problemsOf(errors === stale ? undefined : errors);
  const questions = drafts.map((d) => d.question);
  const change = (next: QuestionDraft[]) => {
    setStale(errors);
    onChange(next);
  };
  const [template, setTemplate] = useState(FORM_TEMPLATES[0].id);
  const hasOrdering = questions.some((q) => ORDERING.has(q.type));

  function add(type: QuestionType) {
    const q = NEW_QUESTION[type]();
    const named = {
      ...q,
      name: nameFromTitle(
        q.title,
        questions.map((x) => x.name),
      ),
    } as Question;
    change([...drafts, { key: ++lastKey, nameEdited: false, question: named }]);
  }
  function update(i: number, draft: QuestionDraft) {
    const next = [...drafts];
    const q = draft.question;
    if (!draft.nameEdited) {
      const others = drafts.filter((_, j) => j !== i).map((d) => d.question.name);
      draft = { ...draft, question: { ...q, name: nameFromTitle(q.title, others) } };
    }
    next[i] = draft;
    change(next);
  }
  function move(i: number, by: -1 | 1) {
    const next = [...drafts];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    change(next);
  }

  return (
    <section className="form-builder" aria-labelledby="builder-title">
      <input type="hidden" name="questions" value={JSON.stringify(questions)} />
      <div className="builder-editor">
        <h2 id="builder-title">Questions</h2>
        <div className="row builder-template">
          <label>
            Start from a template
            <select value={template} onChange={(e) => setTemplate(e.target.value)}>
              {FORM_TEMPLATES.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="secondary"
            onClick={() => change(toDrafts(FORM_TEMPLATES.find((t) => t.id === template)!.questions))}
          >
            Use template
          </button>
        </div>
        {general.length ? (
          <ul className="errors" role="alert">
            {general.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        ) : null}
        <ol className="question-editors">
          {drafts.map((d, i) => (
            <QuestionEditor
              key={d.key}
              index={i}
              count={drafts.length}
              draft={d}
              problems={byQuestion.get(i)}
              onChange={(draft) => update(i, draft)}
              onMove={(by) => move(i, by)}
              onRemove={() => change(drafts.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
        <div className="row add-question" role="group" aria-label="Add a question">
          {(Object.keys(NEW_QUESTION) as QuestionType[]).map((type) => (
            <button
              key={type}
              type="button"
              className="secondary"
              disabled={ORDERING.has(type) && hasOrdering}
              title={ORDERING.has(type) && hasOrdering ? "A form asks at most one preference or ranking" : undefined}
              onClick={() => add(type)}
            >
              + {TYPE_NAMES[type]}
            </button>
          ))}
        </div>
      </div>
      <FormPreview questions={questions} />
    </section>
  );
}

/** The fields whose problems show under their own input; any other problem of a question shows below it. */
const FIELDS_SHOWN = new Set(["name", "title", "description", "min", "max", "labels", "categories", "maxLength"]);

function QuestionEditor({
  index,
  count,
  draft,
  problems,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  draft: QuestionDraft;
  problems?: Map<string, string>;
  onChange: (draft: QuestionDraft) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const q = draft.question;
  const id = `question-${draft.key}`;
  const set = (patch: Partial<Question>, nameEdited = draft.nameEdited) =>
    onChange({ ...draft, nameEdited, question: { ...q, ...patch } as Question });
  const problem = (field: string) => problems?.get(field);
  const other = [...(problems ?? [])].filter(([field]) => !FIELDS_SHOWN.has(field));
  const number = `Question ${index + 1}`;
  return (
    <li className="question-editor" aria-labelledby={`${id}-heading`}>
      <div className="row question-editor-header">
        <h3 id={`${id}-heading`}>
          {number} · {TYPE_NAMES[q.type]}
        </h3>
        <div className="row">
          <button
            type="button"
            className="secondary small-button"
            disabled={index === 0}
            aria-label={`Move ${number.toLowerCase()} up`}
            onClick={() => onMove(-1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="secondary small-button"
            disabled={index === count - 1}
            aria-label={`Move ${number.toLowerCase()} down`}
            onClick={() => onMove(1)}
          >
            ↓
          </button>
          <button
            type="button"
            className="secondary small-button"
            aria-label={`Remove ${number.toLowerCase()}`}
            onClick={onRemove}
          >
            Remove
          </button>
        </div>
      </div>
      <Field label="Question" error={problem("title")}>
        <input type="text" value={q.title} maxLength={300} onChange={(e) => set({ title: e.target.value })} />
      </Field>
      <div className="row">
        <Field label="Name in answers and exports" error={problem("name")}>
          <input
            type="text"
            value={q.name}
            maxLength={40}
            spellCheck={false}
            onChange={(e) => set({ name: e.target.value }, true)}
          />
        </Field>
        <label className="check">
          <input type="checkbox" checked={q.required} onChange={(e) => set({ required: e.target.checked })} />
          Required
        </label>
      </div>
      <Field label="Description (optional, Markdown)" error={problem("description")}>
        <textarea
          rows={2}
          value={q.description ?? ""}
          onChange={(e) => set({ description: e.target.value || undefined })}
        />
      </Field>
      {q.type === "rating" ? (
        <>
          <div className="row">
            <Field label="Lowest" error={problem("min")}>
              <IntegerInput value={q.min} onChange={(min) => set({ min })} />
            </Field>
            <Field label="Highest" error={problem("max")}>
              <IntegerInput value={q.max} onChange={(max) => set({ max })} />
            </Field>
            <PerField value={q.per} onChange={(per) => set({ per })} />
          </div>
          <Field label="Point labels (optional, one per line, lowest first)" error={problem("labels")}>
            <LinesInput
              value={q.labels ?? []}
              onChange={(labels) => set({ labels: labels.length ? labels : undefined })}
            />
          </Field>
        </>
      ) : null}
      {q.type === "label" ? (
        <>
          <Field label="Categories (one per line)" error={problem("categories")}>
            <LinesInput value={q.categories} onChange={(categories) => set({ categories })} />
          </Field>
          <div className="row">
            <label className="check">
              <input type="checkbox" checked={q.multiple} onChange={(e) => set({ multiple: e.target.checked })} />
              Several may apply
            </label>
            <PerField value={q.per} onChange={(per) => set({ per })} />
          </div>
        </>
      ) : null}
      {q.type === "text" ? (
        <div className="row">
          <Field label="Longest answer (characters)" error={problem("maxLength")}>
            <IntegerInput value={q.maxLength} onChange={(maxLength) => set({ maxLength })} />
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={q.prefill === "best"}
              onChange={(e) => set({ prefill: e.target.checked ? "best" : undefined })}
            />
            Start from the best response (a rewrite)
          </label>
        </div>
      ) : null}
      {other.length ? (
        <ul className="errors">
          {other.map(([field, message]) => (
            <li key={field}>{message}</li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function Field({ label, error, children }: { label: string; error?: string; children: ReactNode }) {
  return (
    <label>
      {label}
      {children}
      {error ? <span className="field-error">{error}</span> : null}
    </label>
  );
}

function PerField({ value, onChange }: { value: "item" | "response"; onChange: (v: "item" | "response") => void }) {
  return (
    <label>
      Asked
      <select value={value} onChange={(e) => onChange(e.target.value as "item" | "response")}>
        <option value="item">once per item</option>
        <option value="response">for each response</option>
      </select>
    </label>
  );
}

/** A whole number typed freely: the question changes only while the text is an integer. */
function IntegerInput({ value, onChange }: { value: number; onChange: (n: number) => void }) {
  const [text, setText] = useState(String(value));
  return (
    <input
      type="number"
      step={1}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value.trim() !== "" && Number.isInteger(n)) onChange(n);
      }}
    />
  );
}

/** One entry per line, typed freely: blank lines and surrounding spaces do not count. */
function LinesInput({ value, onChange }: { value: string[]; onChange: (lines: string[]) => void }) {
  const [text, setText] = useState(value.join("\n"));
  return (
    <textarea
      rows={Math.min(8, Math.max(3, value.length + 1))}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(
          e.target.value
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean),
        );
      }}
    />
  );
}
