/**
 * Two conversations that differ only in their last reply, as preference files without a `prompt` hold them
 * (Anthropic HH-RLHF): message lists, or "\n\nHuman: … \n\nAssistant: …" transcripts.
 */
import type { Message } from "../db/schema/index.ts";
import { FieldProblem } from "./field-problem.ts";

const TURN = /\n\nAssistant:/g;
const SPEAKER = /\n\n(Human|Assistant):/;

/** The messages before the last one, which both conversations must share. */
export function sharedPrompt(chosen: Message[], rejected: Message[]): Message[] {
  const prompt = chosen.slice(0, -1);
  if (JSON.stringify(prompt) !== JSON.stringify(rejected.slice(0, -1)) || !prompt.length)
    throw new FieldProblem("rejected", "chosen and rejected must share the conversation before the last message");
  return prompt;
}

/** Where the final replies start: just past the last "\n\nAssistant:", which both transcripts must share. */
export function replyStart(chosen: string, rejected: string): number {
  const lastTurn = (s: string) => Math.max(...[...s.matchAll(TURN)].map((m) => m.index! + m[0].length), -1);
  const cut = lastTurn(chosen);
  if (cut < 0)
    throw new FieldProblem("chosen", 'transcript has no "\\n\\nAssistant:" turn; use prompt/chosen/rejected');
  if (lastTurn(rejected) !== cut || chosen.slice(0, cut) !== rejected.slice(0, cut))
    throw new FieldProblem(
      "rejected",
      "chosen and rejected must share the conversation before the last assistant turn",
    );
  return cut;
}

/** A transcript's turns as messages (Human: user), or null when text comes before its first turn. */
export function transcriptMessages(transcript: string): Message[] | null {
  const parts = transcript.split(SPEAKER);
  if (parts[0].trim()) return null;
  const messages: Message[] = [];
  for (let i = 1; i < parts.length; i += 2)
    messages.push({ role: parts[i] === "Human" ? "user" : "assistant", content: parts[i + 1].trim() });
  return messages;
}
