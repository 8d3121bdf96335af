import type { Message } from "../../../db/schema/questions.ts";
import { Markdown } from "../markdown.tsx";

const roleName = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);

/** A conversation as a chat: each turn with its role; system prompts folded until opened. */
export function ChatTranscript({ messages }: { messages: readonly Message[] }) {
  return (
    <ol className="chat" aria-label="Conversation">
      {messages.map((m, i) => (
        <li key={i} className={`chat-turn chat-${/^[a-z]+$/.test(m.role) ? m.role : "other"}`}>
          {m.role === "system" ? (
            <details>
              <summary>System prompt</summary>
              <Markdown>{m.content}</Markdown>
            </details>
          ) : (
            <>
              <span className="chat-role">{roleName(m.role)}</span>
              <Markdown>{m.content}</Markdown>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}
