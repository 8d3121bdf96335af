import { readFileSync } from "node:fs";

/** A human preference from a public dataset: `chosen` was preferred over `rejected`. */
export interface PublicPreference {
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  source: string;
}

interface OasstMessage {
  message_id: string;
  text: string;
  role: "prompter" | "assistant";
  rank?: number | null;
  deleted?: boolean;
  replies?: OasstMessage[];
}

function transcript(path: OasstMessage[]): string {
  if (path.length === 1) return path[0].text;
  return path.map((m) => `**${m.role === "prompter" ? "User" : "Assistant"}:** ${m.text}`).join("\n\n");
}

/**
 * Open-Assistant trees: sibling assistant replies carry a consensus rank (0 = best), so every pair of ranked
 * siblings with different ranks is one preference, with the conversation up to their parent as the prompt.
 */
export function readOasstPairs(file: string): PublicPreference[] {
  const out: PublicPreference[] = [];
  const walk = (path: OasstMessage[]) => {
    const node = path[path.length - 1];
    const replies = (node.replies ?? []).filter((r) => !r.deleted);
    const ranked = replies.filter((r) => r.role === "assistant" && typeof r.rank === "number");
    for (let i = 0; i < ranked.length; i++) {
      for (let j = i + 1; j < ranked.length; j++) {
        const [better, worse] = ranked[i].rank! < ranked[j].rank! ? [ranked[i], ranked[j]] : [ranked[j], ranked[i]];
        if (better.rank === worse.rank || !better.text.trim() || !worse.text.trim()) continue;
        out.push({
          id: `oasst:${better.message_id}>${worse.message_id}`,
          prompt: transcript(path),
          chosen: better.text,
          rejected: worse.text,
          source: "oasst",
        });
      }
    }
    for (const reply of replies) walk([...path, reply]);
  };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const tree = JSON.parse(line) as { message_tree_id: string; prompt: OasstMessage };
    walk([tree.prompt]);
  }
  return out;
}

/** LLMBar-format sets: `label` 1 or 2 names the output human judges preferred. */
export function readLlmbarPairs(file: string, source: string): PublicPreference[] {
  const rows = JSON.parse(readFileSync(file, "utf8")) as {
    input: string;
    output_1: string;
    output_2: string;
    label: 1 | 2;
  }[];
  return rows.map((r, i) => ({
    id: `${source}:${i}`,
    prompt: r.input,
    chosen: r.label === 1 ? r.output_1 : r.output_2,
    rejected: r.label === 1 ? r.output_2 : r.output_1,
    source,
  }));
}
