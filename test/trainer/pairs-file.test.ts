import { beforeAll, describe, expect, it } from "vitest";
import { renderMessages } from "../../datasets/normalize.ts";
import { readPairsFile, TrainingInputError } from "../../trainer/index.ts";
import { makeTempDir, writeFileIn } from "../support/temp-dir.ts";

let dir: string;

beforeAll(() => {
  dir = makeTempDir("pairs-file");
});

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });

describe("readPairsFile", () => {
  it("reads TRL conversational rows, rendering message lists as uploads do", async () => {
    const conversation = [user("Name a prime."), assistant("2."), user("Another?")];
    const file = await writeFileIn(
      dir,
      "conversational.jsonl",
      jsonl([
        { prompt: conversation, chosen: [assistant("3.")], rejected: [assistant("4."), assistant("Sorry, 5.")] },
        { prompt: [user("Hi")], chosen: [assistant("Hello!")], rejected: [assistant("")], confidence: 0.7 },
      ]),
    );
    expect(await readPairsFile(file)).toEqual([
      {
        prompt: renderMessages(conversation),
        chosen: "3.",
        rejected: renderMessages([assistant("4."), assistant("Sorry, 5.")]),
      },
      { prompt: "Hi", chosen: "Hello!", rejected: "", weight: 0.7 },
    ]);
  });

  it("takes the prompt of implicit-prompt conversations from the messages they share", async () => {
    const shared = [user("Capital of France?"), assistant("Paris."), user("And of Italy?")];
    const file = await writeFileIn(
      dir,
      "implicit.jsonl",
      jsonl([
        { chosen: [...shared, assistant("Rome.")], rejected: [...shared, assistant("  ")] },
        { chosen: [assistant("Only a reply.")], rejected: [assistant("Another reply.")] },
      ]),
    );
    expect(await readPairsFile(file)).toEqual([
      { prompt: renderMessages(shared), chosen: "Rome.", rejected: "  " },
      { prompt: "", chosen: "Only a reply.", rejected: "Another reply." },
    ]);
  });

  it("reads Anthropic HH-RLHF transcripts, an empty last reply included", async () => {
    const before = "\n\nHuman: How do I boil an egg?\n\nAssistant: In water.\n\nHuman: For how long?\n\nAssistant:";
    const file = await writeFileIn(
      dir,
      "hh.jsonl",
      jsonl([
        { chosen: `${before} About nine minutes.`, rejected: before },
        { chosen: `${before} Nine minutes.`, rejected: `${before} Forever.`, tie: true },
      ]),
    );
    const prompt = "Human: How do I boil an egg?\n\nAssistant: In water.\n\nHuman: For how long?";
    expect(await readPairsFile(file)).toEqual([
      { prompt, chosen: "About nine minutes.", rejected: "" },
      { prompt, chosen: "Nine minutes.", rejected: "Forever.", tie: true },
    ]);
  });

  it("accepts empty and blank text in every field", async () => {
    const file = await writeFileIn(dir, "blank.jsonl", jsonl([{ prompt: "", chosen: " \n", rejected: "" }]));
    expect(await readPairsFile(file)).toEqual([{ prompt: "", chosen: " \n", rejected: "" }]);
  });

  const ok = { prompt: "p", chosen: "a", rejected: "b" };
  it.each([
    [
      "a message without content",
      { prompt: [user("q"), { role: "user" }], chosen: [assistant("a")], rejected: [assistant("b")] },
      'line 2, column 42: "prompt" message 2 has no "content"',
    ],
    [
      "a prompt message whose content is not a string",
      { prompt: [{ role: "user", content: 5 }], chosen: "a", rejected: "b" },
      'line 2, column 37: "prompt" message 1: "content" must be a string, got number 5',
    ],
    [
      "an empty chosen list",
      { prompt: "p", chosen: [], rejected: [assistant("b")] },
      'line 2, column 24: "chosen" is an empty list of messages',
    ],
    [
      "a message that is not an object",
      { prompt: "p", chosen: [assistant("a")], rejected: ["b"] },
      'line 2, column 73: "rejected" message 1 must be a {role, content} object, got string "b"',
    ],
    [
      "an empty role",
      { prompt: [{ role: "", content: "q" }], chosen: "a", rejected: "b" },
      'line 2, column 20: "prompt" message 1: "role" is empty',
    ],
    [
      "a chosen that is neither text nor messages",
      { prompt: "p", chosen: { text: "a" }, rejected: "b" },
      'line 2, column 24: "chosen" must be a string or a list of {role, content} messages, got an object',
    ],
    [
      "implicit-prompt conversations that differ before their last message",
      { chosen: [user("q"), assistant("a")], rejected: [user("Q"), assistant("b")] },
      'line 2, column 90: "chosen" and "rejected" must be one conversation with different last messages; they differ at message 1',
    ],
    [
      "a transcript next to a message list",
      { chosen: "\n\nHuman: q\n\nAssistant: a", rejected: [assistant("b")] },
      'line 2, column 53: without "prompt", "rejected" must be a transcript string like "chosen"',
    ],
    [
      "transcripts with different conversations",
      { chosen: "\n\nHuman: q\n\nAssistant: a", rejected: "\n\nHuman: Q\n\nAssistant: b" },
      "line 2, column 53: chosen and rejected must share the conversation before the last assistant turn",
    ],
    ["a missing field", { prompt: "p", chosen: "a" }, 'line 2: missing "rejected"'],
    ["a bad weight", { ...ok, weight: "high" }, 'line 2, column 52: "weight" must be a number ≥ 0, got "high"'],
    ["a bad tie", { ...ok, tie: "yes" }, 'line 2, column 49: "tie" must be true or false, got "yes"'],
  ])("refuses %s, naming its line and column", async (_, row, reason) => {
    const file = await writeFileIn(dir, "bad.jsonl", jsonl([ok, row]));
    const reading = readPairsFile(file);
    await expect(reading).rejects.toBeInstanceOf(TrainingInputError);
    await expect(reading).rejects.toThrow(`${file}: ${reason}`);
  });

  it("places the column after leading white space and inside nested strings with escapes", async () => {
    const file = await writeFileIn(
      dir,
      "spaced.jsonl",
      `   { "chosen" : "\\"}]", "prompt": [ {"content": "[{", "role": "user"} , {"role": "user", "content": null} ], "rejected": "b" }\n`,
    );
    await expect(readPairsFile(file)).rejects.toThrow('line 1, column 101: "prompt" message 2: "content" must be');
  });

  it("says that a CSV file is not JSON Lines", async () => {
    const file = await writeFileIn(dir, "pairs.csv", "prompt,chosen,rejected\np,a,b\n");
    await expect(readPairsFile(file)).rejects.toThrow(
      `${file} looks like CSV; preference pairs are read from JSON Lines, one {"prompt","chosen","rejected"} object a line`,
    );
  });
});
