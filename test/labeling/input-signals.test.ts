import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DomainError } from "../../db/errors.ts";
import { pastedWholeSql } from "../../db/queries/projects.ts";
import { queryRows } from "../../db/rows.ts";
import { questionsSchema, type TextInputSignals } from "../../db/schema/index.ts";
import { isPastedWhole, PASTED_WHOLE, pastedFields, signalsToStore, textChars } from "../../labeling/input-signals.ts";
import { createTestDb } from "../support/db.ts";

const signals = (pastes: number, pastedChars: number, typedChars: number, typingMs = 1000): TextInputSignals => ({
  pastes,
  pastedChars,
  typedChars,
  typingMs,
});
const text = (n: number) => "x".repeat(n);

// [signals, answer length, pasted in whole?, why]
const CASES: [TextInputSignals | undefined, number, boolean, string][] = [
  [signals(1, 200, 0), 200, true, "one paste of the whole answer"],
  [signals(2, 190, 15), 200, true, "pastes covering 95%, a few characters typed"],
  [signals(1, 500, 10), 200, true, "a long paste cut down to size"],
  [signals(1, 179, 0), 200, false, "pastes cover under 90%"],
  [signals(1, 200, 21), 200, false, "more than 10% typed"],
  [signals(0, 0, 200), 200, false, "all typed"],
  [signals(0, 0, 0, 0), 200, false, "a pre-filled rewrite left as it was"],
  [signals(1, 19, 0), 19, false, "too short to say anything"],
  [signals(1, 20, 0), 20, true, "just long enough"],
  [undefined, 200, false, "no signals"],
];

describe("pasted in whole", () => {
  it.each(CASES)("%j over %i characters: %s → %s", (s, length, expected) => {
    expect(isPastedWhole(s, text(length))).toBe(expected);
  });

  it("counts characters as code points, as the database does", () => {
    expect(textChars("héllo 👋")).toBe(7);
    expect(textChars(null)).toBe(0);
  });

  it("names the fields of an answer that were pasted in whole", () => {
    const given = { rewrite: signals(1, 300, 0), notes: signals(0, 0, 40), summary: signals(1, 100, 0) };
    const texts: Record<string, string> = { rewrite: text(300), notes: text(40), summary: text(5) };
    expect(pastedFields(given, (f) => texts[f])).toEqual(["rewrite"]);
    expect(pastedFields(null, () => "")).toEqual([]);
  });

  describe("the SQL the dashboard and the abuse page use agrees with the rule", () => {
    let h: DbHandle;
    beforeAll(async () => {
      h = await createTestDb();
    });
    afterAll(() => h.close());

    it.each(CASES.filter(([s]) => s !== undefined))("%j over %i characters", async (s, length, expected) => {
      const [row] = await queryRows<{ hit: boolean }>(
        h.db,
        sql`select ${pastedWholeSql(PASTED_WHOLE)} as hit
            from (select ${JSON.stringify(s)}::jsonb as s, ${text(length)}::text as text) f`,
      );
      expect(row.hit).toBe(expected);
    });
  });
});

describe("the signals stored with an answer", () => {
  const form = {
    taskType: "form",
    questions: questionsSchema.parse([
      { type: "rating", name: "score", title: "Score", min: 1, max: 5 },
      { type: "text", name: "rewrite", title: "Rewrite", prefill: "best" },
      { type: "text", name: "notes", title: "Notes", required: false },
    ]),
  };
  const pairwise = { taskType: "pairwise", questions: null };

  it("keeps the text questions answered and drops those left empty", () => {
    const given = { rewrite: signals(1, 40, 2), notes: signals(0, 0, 3) };
    expect(signalsToStore(form, given, { answers: { rewrite: "A better reply", notes: "  " } })).toEqual({
      rewrite: given.rewrite,
    });
    expect(signalsToStore(form, { notes: signals(0, 0, 3) }, { answers: {} })).toBeNull();
    expect(signalsToStore(form, undefined, { answers: { rewrite: "x" } })).toBeNull();
  });

  it("refuses a name that is not a text question of the form, naming it and the ones there are", () => {
    const refusal = (given: Record<string, TextInputSignals>) => {
      try {
        signalsToStore(form, given, { answers: { rewrite: "text" } });
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return (error as DomainError).message;
      }
      throw new Error("not refused");
    };
    expect(refusal({ essay: signals(0, 0, 1) })).toBe(
      'inputSignals.essay: the form has no text question "essay" (its text questions: rewrite, notes)',
    );
    expect(refusal({ score: signals(0, 0, 1) })).toMatch(/^inputSignals\.score: the form has no text question/);
  });

  it("takes only the rationale on the fixed shapes, and only when one was written", () => {
    const given = { rationale: signals(1, 30, 0) };
    expect(signalsToStore(pairwise, given, { rationale: "B is right about the dates." })).toEqual(given);
    expect(signalsToStore(pairwise, given, { rationale: "" })).toBeNull();
    expect(() => signalsToStore(pairwise, { rewrite: signals(0, 0, 1) }, { rationale: "x" })).toThrow(
      'inputSignals.rewrite: only "rationale" is a text field here',
    );
  });
});
