import type { Message } from "../../../db/schema/questions.ts";
import { Markdown } from "../markdown.tsx";
import { ChatTranscript } from "./chat-transcript.tsx";
import { ResponseCard } from "./response-card.tsx";
import type { ScreenResponse } from "./screen-answers.ts";

/** The item of a form task: its prompt or conversation, then its responses (two side by side, more in a grid). */
export function ItemView({
  prompt,
  messages,
  responses,
  rankOf,
  level = 2,
}: {
  /** The heading level of "Prompt" / "Conversation" (a response's heading is one below). */
  level?: 2 | 3;
  prompt?: string;
  messages?: readonly Message[];
  responses: readonly ScreenResponse[];
  rankOf?: (slot: string) => number | undefined;
}) {
  const Heading = level === 2 ? "h2" : "h3";
  const layout = responses.length === 2 ? "two" : responses.length > 2 ? "many" : "one";
  return (
    <>
      {messages ? (
        <>
          <Heading className="item-heading">Conversation</Heading>
          <ChatTranscript messages={messages} />
        </>
      ) : (
        <>
          <Heading className="item-heading">Prompt</Heading>
          <Markdown className="item-prompt">{prompt ?? ""}</Markdown>
        </>
      )}
      {responses.length ? (
        <div className={`responses responses-${layout}`}>
          {responses.map((r) => (
            <ResponseCard
              key={r.slot}
              slot={r.slot}
              text={r.text}
              rank={rankOf?.(r.slot)}
              level={level === 2 ? 3 : 4}
            />
          ))}
        </div>
      ) : null}
    </>
  );
}
