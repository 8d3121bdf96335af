/** A pairwise judgement in plain words: which response wins and how sure the model is, from P(A is better). */
export function judgementWords(probabilityA: number): { winner: "A" | "B" | null; sureness: number; text: string } {
  const winner = probabilityA >= 0.5 ? "A" : "B";
  const sureness = winner === "A" ? probabilityA : 1 - probabilityA;
  const shown = `${Math.round(sureness * 100)}%`;
  if (shown === "50%") return { winner: null, sureness, text: "Too close to call: A and B look equally good (50%)" };
  return { winner, sureness, text: `${winner} is better, ${shown}` };
}
