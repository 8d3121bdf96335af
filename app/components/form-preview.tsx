import { useState } from "react";
import type { Message, Question } from "../../db/schema/questions.ts";
import { formProblems, rankIn } from "./labeling/form-task.tsx";
import { FormQuestions } from "./labeling/form-questions.tsx";
import { ItemView } from "./labeling/item-view.tsx";
import { answersPayload, type ScreenAnswers } from "./labeling/screen-answers.ts";

const SAMPLE_PROMPT = "How do I reverse a list **in place** in Python?";
const SAMPLE_CONVERSATION: Message[] = [
  { role: "system", content: "You are a concise Python tutor." },
  { role: "user", content: "How do I reverse a list in Python?" },
  { role: "assistant", content: "Use `reversed(xs)` for an iterator, or `xs[::-1]` for a reversed copy." },
  { role: "user", content: "And **in place**?" },
];
const SAMPLE_RESPONSES = [
  "Call the list's own method:\n\n```python\nxs = [1, 2, 3]\nxs.reverse()  # no new list\nprint(xs)  # [3, 2, 1]\n```",
  "Assign a reversed copy back: `xs = list(reversed(xs))`. (This builds a new list and rebinds the name.)",
  "Slice assignment also works in place:\n\n```python\nxs[:] = xs[::-1]\n```",
];
/** The most scale points the preview draws (a typo like 1–100 would otherwise draw a hundred buttons). */
const PREVIEW_POINTS = 21;

const previewable = (q: Question): Question =>
  q.type === "rating" && q.max - q.min >= PREVIEW_POINTS ? { ...q, max: q.min + PREVIEW_POINTS - 1 } : q;

/**
 * The form as a labeler will see it, on a sample item (a prompt or a conversation, with two responses for a
 * preference and three otherwise), answerable, with what the answer would send.
 */
export function FormPreview({ questions }: { questions: readonly Question[] }) {
  const [conversation, setConversation] = useState(false);
  const shown = questions.map(previewable);
  // Answers start over when the questions change shape (a question of another type under the same name).
  const signature = shown.map((q) => `${q.type}:${q.name}`).join();
  const [state, setState] = useState<{ signature: string; answers: ScreenAnswers; checked: boolean }>({
    signature,
    answers: {},
    checked: false,
  });
  if (state.signature !== signature) setState({ signature, answers: {}, checked: false });
  const count = shown.some((q) => q.type === "preference") ? 2 : 3;
  const responses = SAMPLE_RESPONSES.slice(0, count).map((text, i) => ({ slot: String.fromCharCode(65 + i), text }));
  const problems = formProblems(shown, state.answers, responses);
  const blocking = shown.filter((q) => problems[q.name]);
  return (
    <section className="form-preview" aria-labelledby="preview-title">
      <div className="row preview-header">
        <h2 id="preview-title">Preview</h2>
        <label className="check">
          <input type="checkbox" checked={conversation} onChange={(e) => setConversation(e.target.checked)} />
          Sample item is a conversation
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="muted">Add a question to see it here.</p>
      ) : (
        <div className="preview-task" data-testid="form-preview">
          <ItemView
            level={3}
            prompt={conversation ? undefined : SAMPLE_PROMPT}
            messages={conversation ? SAMPLE_CONVERSATION : undefined}
            responses={responses}
            rankOf={shown.some((q) => q.type === "ranking") ? rankIn(shown, state.answers) : undefined}
          />
          <h3 className="item-heading">Questions</h3>
          <FormQuestions
            idPrefix="preview"
            questions={shown}
            responses={responses}
            answers={state.answers}
            problems={state.checked ? problems : {}}
            onAnswer={(name, value) => setState((s) => ({ ...s, answers: { ...s.answers, [name]: value } }))}
          />
          <div className="row">
            <button type="button" className="secondary" onClick={() => setState((s) => ({ ...s, checked: true }))}>
              Try sending
            </button>
          </div>
          {state.checked && !blocking.length ? (
            <div className="preview-payload">
              <p className="small">A labeler sending this posts (responses named by where they were shown):</p>
              <pre data-testid="preview-payload">
                {JSON.stringify(answersPayload(shown, state.answers, responses), null, 2)}
              </pre>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
