// The upload's preview: the first rows of a file as the browser reads them before sending it, from the start of the
// file only, with a plain reason when they cannot be shown.
import { describe, expect, it } from "vitest";
import { PREVIEW_BYTES, PREVIEW_ROWS, previewFile } from "~/utils/dataset-preview.ts";

const jsonl = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `p${i}`, prompt: `prompt ${i}`, response_a: "a", response_b: "b" }),
  ).join("\n");

describe("dataset preview", () => {
  it("shows the first rows of a JSONL file, with every field that appears as a column", async () => {
    const text = `${JSON.stringify({ prompt: "2+2?", responses: ["4", { text: "5", model: "m" }] })}\n${jsonl(8)}`;
    const preview = await previewFile(new File([text], "items.jsonl"));
    expect(preview.problem).toBeNull();
    expect(preview.columns).toEqual(["prompt", "responses", "id", "response_a", "response_b"]);
    expect(preview.rows).toHaveLength(PREVIEW_ROWS);
    expect(preview.rows[0]).toEqual(["2+2?", '["4",{"text":"5","model":"m"}]', "", "", ""]);
    expect(preview.rows[1]).toEqual(["prompt 0", "", "p0", "a", "b"]);
  });

  it("reads CSV with quoted cells across lines, header first", async () => {
    const text = 'prompt,response_a,response_b\n"Rank, please","line one\nline two",b\nsecond,x,y\n';
    const preview = await previewFile(new File([text], "items.CSV"));
    expect(preview).toEqual({
      columns: ["prompt", "response_a", "response_b"],
      rows: [
        ["Rank, please", "line one\nline two", "b"],
        ["second", "x", "y"],
      ],
      problem: null,
    });
  });

  it("reads only the start of a large file and leaves out the row cut off there", async () => {
    const big = `${jsonl(2)}\n${JSON.stringify({ prompt: "x".repeat(PREVIEW_BYTES) })}`;
    const preview = await previewFile(new File([big], "big.jsonl"));
    expect(preview.rows.map((r) => r[0])).toEqual(["p0", "p1"]);
    expect(preview.problem).toBeNull();
  });

  it("names the line that is not JSON, the file that is empty, and the file that is neither JSONL nor CSV", async () => {
    const broken = await previewFile(new File([`${jsonl(1)}\n{"prompt": oops}\n`], "broken.jsonl"));
    expect(broken.rows).toHaveLength(1);
    expect(broken.problem).toBe("Line 2 is not valid JSON.");
    expect((await previewFile(new File(["[1, 2]\n"], "list.jsonl"))).problem).toBe("Line 1 is not a JSON object.");
    expect((await previewFile(new File(["\n\n"], "empty.ndjson"))).problem).toBe("The file has no rows.");
    expect((await previewFile(new File(["prompt,response\n"], "header.csv"))).problem).toBe("The file has no rows.");
    expect((await previewFile(new File(["x"], "items.txt"))).problem).toBe("Choose a .jsonl, .ndjson or .csv file.");
  });

  it("shortens a long cell rather than showing all of it", async () => {
    const preview = await previewFile(new File([JSON.stringify({ prompt: "y".repeat(1000) })], "long.jsonl"));
    expect(preview.rows[0][0]).toBe(`${"y".repeat(160)}…`);
  });
});
