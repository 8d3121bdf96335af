import type { Question } from "../../db/schema/questions.ts";

// Starting points for a custom form; the requester edits them freely in the builder.

const rating = (name: string, title: string, description?: string): Question => ({
  type: "rating",
  name,
  title,
  description,
  required: true,
  min: 1,
  max: 5,
  per: "response",
});

export const FORM_TEMPLATES: { id: string; title: string; questions: Question[] }[] = [
  {
    id: "compare",
    title: "Compare two responses",
    questions: [
      { type: "preference", name: "preference", title: "Which response is better?", required: true },
      { type: "text", name: "rationale", title: "Why?", required: false, maxLength: 5_000 },
    ],
  },
  {
    id: "rank-rate-rewrite",
    title: "Rank, rate and rewrite",
    questions: [
      { type: "ranking", name: "ranking", title: "Rank the responses, best first", required: true },
      rating("helpfulness", "How helpful is each response?", "1: not at all, 5: fully answers the request."),
      {
        type: "text",
        name: "rewrite",
        title: "Improve the best response",
        description: "Fix what is wrong with it; leave it as it is if nothing is.",
        required: true,
        maxLength: 20_000,
        prefill: "best",
      },
    ],
  },
  {
    id: "aspects",
    title: "Multi-aspect rating (like UltraFeedback)",
    questions: [
      rating("helpfulness", "Helpfulness"),
      rating("honesty", "Honesty"),
      rating("instruction_following", "Instruction following"),
      rating("truthfulness", "Truthfulness"),
    ],
  },
  {
    id: "classify",
    title: "Classify each response",
    questions: [
      {
        type: "label",
        name: "issues",
        title: "What is wrong with each response?",
        required: true,
        categories: ["nothing", "wrong", "unsafe", "off-topic"],
        multiple: true,
        per: "response",
      },
    ],
  },
];
