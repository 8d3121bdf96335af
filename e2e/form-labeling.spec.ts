// A requester builds a form (ranking, a rating per response, a rewrite of the best response) in the builder, a
// labeler answers it from the keyboard alone, and the raw export holds the answers by question name, in the items'
// own response order whatever order the screen showed them in.
import type { Page } from "@playwright/test";
import { POSTGRES_PORT } from "../playwright.config.ts";
import { expect, fundOnTreasury, test } from "./fixtures.ts";

const BEST = "Call `xs.reverse()`: it reverses the list in place.";
const MIDDLE = "Slice assignment works too:\n\n```python\nxs[:] = xs[::-1]\n```";
const WORST = "You cannot reverse a list in Python.";
// Pasted over the second item's rewrite: long enough that the few characters typed before it leave it pasted in whole.
const PASTED = "A reply written elsewhere and pasted in, word for word. ".repeat(6).trim();
const items = [
  { id: "reverse", prompt: "How do I reverse a list **in place** in Python?", responses: [WORST, BEST, MIDDLE] },
  {
    id: "sum",
    messages: [
      { role: "system", content: "Answer with a number only." },
      { role: "user", content: "What is 2 + 2?" },
    ],
    responses: ["5", "4"],
  },
]
  .map((item) => JSON.stringify(item))
  .join("\n");

// On the PostgreSQL server, where an admin can be made to record the project's funding.
test.use({ baseURL: `http://localhost:${POSTGRES_PORT}` });

/** The screen slot (A, B, …) showing the response whose rendered text holds `text`. */
async function slotOf(page: Page, text: string): Promise<string> {
  return (await page.locator("section.form-response").filter({ hasText: text }).getAttribute("data-slot"))!;
}
const digit = (slot: string) => String(slot.charCodeAt(0) - 64);

async function rateFocusedRows(page: Page, ratings: number[]) {
  for (const rating of ratings) {
    await page.keyboard.press("Tab");
    await page.keyboard.press(String(rating));
  }
}

test("a form built in the builder is answered from the keyboard and exported by question name", async ({
  requesterPage: page,
  requester,
  signedInPage,
}) => {
  test.setTimeout(180_000); // four accounts, a project, an upload and two items answered key by key
  const title = `Form ${Date.now()}`;
  await page.getByRole("link", { name: "New project" }).click();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Task type").selectOption("form");
  await page.getByLabel("Start from a template").selectOption({ label: "Rank, rate and rewrite" });
  await page.getByRole("button", { name: "Use template" }).click();
  const preview = page.getByTestId("form-preview");
  await expect(preview.getByRole("group", { name: "How helpful is each response?" })).toBeVisible();
  // The preview is the labeler's own form: drag a response onto the next rank, and a title edit shows at once.
  await preview.locator(".rank-pool [data-slot=B]").dragTo(preview.locator(".rank-next"));
  await expect(preview.getByTestId("rank-1")).toContainText("B");
  await page.getByLabel("Question", { exact: true }).first().fill("Rank the responses, best first!");
  await expect(preview.getByText("Rank the responses, best first!")).toBeVisible();
  await page.getByLabel("Question", { exact: true }).first().fill("Rank the responses, best first");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: test.info().outputPath("builder-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("builder-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByLabel("Instructions (Markdown)").fill("Rank by **correctness**.");
  await page.getByLabel("Labels per item (k)").fill("2");
  await page.getByLabel("Reward per label (PWT)").fill("0.001");
  await page.getByLabel("Budget (PWT)").fill("1");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  const projectId = /\/projects\/([0-9a-f-]{36})/.exec(page.url())![1];
  await fundOnTreasury(await signedInPage({ role: "admin", name: "Ada Admin" }), title, "1");
  await page.reload();
  await page
    .getByLabel("Dataset file")
    .setInputFiles({ name: "items.jsonl", mimeType: "application/octet-stream", buffer: Buffer.from(items) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Upload complete" })).toContainText(
    "Upload complete: 2 rows, 2 new items",
  );

  const labeler = await signedInPage({ role: "labeler", name: "Kim Keyboard" });
  await labeler.setViewportSize({ width: 1280, height: 800 });
  await labeler
    .getByRole("row", { name: new RegExp(title) })
    .getByRole("link", { name: "Start" })
    .click();
  const ranking = labeler.getByRole("group", { name: "Your ranking" });
  await expect(ranking).toBeFocused(); // the first question has focus when an item loads
  await expect(labeler.getByTestId("task-announcement")).toHaveText(/Item 1 loaded: [23] responses, 3 questions/);
  await expect(labeler.getByText("Keys 1–", { exact: false }).first()).toBeVisible(); // shortcuts are on the page

  // `?` lists every shortcut; Esc closes the list.
  await labeler.keyboard.press("?");
  const help = labeler.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("Backspace");
  await expect(help).toContainText("Ctrl+Enter");
  await labeler.keyboard.press("Escape");
  await expect(help).toBeHidden();

  const answered: Record<string, { slots: Record<string, string>; rewrite: string }> = {};
  let pastedItem = "";
  const item = labeler.locator(".item-prompt, ol.chat").first();
  for (let n = 0; n < 2; n++) {
    await expect(ranking).toBeFocused();
    const conversation = await labeler.getByRole("list", { name: "Conversation" }).isVisible();
    if (conversation) {
      // A conversation shows as a chat, its system prompt folded.
      await expect(labeler.getByText("What is 2 + 2?")).toBeVisible();
      await expect(labeler.getByText("System prompt")).toBeVisible();
      await expect(labeler.getByText("Answer with a number only.")).toBeHidden();
      const right = await slotOf(labeler, "4");
      const wrong = await slotOf(labeler, "5");
      // A slip, taken back with Backspace.
      await labeler.keyboard.press(digit(wrong));
      await labeler.keyboard.press("Backspace");
      await labeler.keyboard.press(digit(right));
      await labeler.keyboard.press(digit(wrong));
      await expect(labeler.locator("section.form-response[data-slot=" + right + "]")).toContainText("rank 1");
      await rateFocusedRows(labeler, right < wrong ? [5, 1] : [1, 5]);
      await labeler.keyboard.press("Tab");
      await expect(labeler.getByRole("textbox", { name: "Improve the best response" })).toHaveValue("4");
      await labeler.keyboard.press("Control+End");
      await labeler.keyboard.type(" (four)");
      answered.sum = { slots: { right, wrong }, rewrite: "4 (four)" };
    } else {
      const [best, middle, worst] = [
        await slotOf(labeler, "it reverses the list in place"),
        await slotOf(labeler, "Slice assignment works too"),
        await slotOf(labeler, "You cannot reverse"),
      ];
      await expect(labeler.locator("code.hljs.language-python")).toBeVisible(); // code is highlighted
      // Sending too early is refused in place: the message takes no room of its own, so nothing moves.
      const submit = labeler.getByRole("button", { name: /Submit/ });
      const before = await submit.boundingBox();
      await labeler.keyboard.press("Enter");
      await expect(labeler.getByText("Rank every response (A, B, C left).")).toBeVisible();
      await expect(labeler.getByText(/Still to answer: Rank the responses, best first/)).toBeVisible();
      expect(await submit.boundingBox()).toEqual(before);
      await expect(ranking).toBeFocused();
      // Best, then the middle one, then the worst tied with it (`=`), then untied again and placed last.
      await labeler.keyboard.press(digit(best));
      await labeler.keyboard.press(digit(middle));
      await labeler.keyboard.press(digit(worst));
      await labeler.keyboard.press("=");
      await expect(labeler.getByTestId("rank-2")).toContainText("tie");
      await labeler.keyboard.press("Backspace");
      await labeler.keyboard.press(digit(worst));
      await expect(labeler.getByText("Rank every response")).toBeHidden();
      const rating = { [best]: 5, [middle]: 4, [worst]: 1 };
      await rateFocusedRows(
        labeler,
        ["A", "B", "C"].map((slot) => rating[slot]),
      );
      await labeler.keyboard.press("Tab");
      const rewrite = labeler.getByRole("textbox", { name: "Improve the best response" });
      await expect(rewrite).toBeFocused();
      await expect(rewrite).toHaveValue(BEST); // started from the response ranked first
      await labeler.keyboard.press("Control+End");
      await labeler.keyboard.type(" Or `xs[:] = xs[::-1]`.");
      await labeler.screenshot({ path: test.info().outputPath("labeling-desktop.png"), fullPage: true });
      await labeler.screenshot({ path: "/tmp/screens/L-form-desktop.png", fullPage: true });
      answered.reverse = { slots: { best, middle, worst }, rewrite: `${BEST} Or \`xs[:] = xs[::-1]\`.` };
    }
    if (n === 1) {
      // The whole rewrite replaced by a paste (from the real clipboard): the export marks it pasted in whole.
      await labeler.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      await labeler.evaluate((text) => navigator.clipboard.writeText(text), PASTED);
      await labeler.keyboard.press("ControlOrMeta+A");
      await labeler.keyboard.press("ControlOrMeta+V");
      await expect(labeler.getByRole("textbox", { name: "Improve the best response" })).toHaveValue(PASTED);
      pastedItem = conversation ? "sum" : "reverse";
      answered[pastedItem].rewrite = PASTED;
    }
    const itemText = await item.textContent();
    await labeler.keyboard.press("Control+Enter");
    await expect(labeler.getByRole("status").filter({ hasText: "Saved" })).toHaveText(`Saved · ${n + 1} today`);
    if (n === 0) {
      await expect(labeler.getByTestId("task-announcement")).toHaveText(/Item 2 loaded/);
      // `u` takes the first answer back: the same item comes again, its form filled in as it was sent.
      await labeler.keyboard.press("u");
      await expect(labeler.getByRole("status").filter({ hasText: "taken back" })).toBeVisible();
      await expect(labeler.getByTestId("task-announcement")).toHaveText(/Item 3 loaded/);
      await expect(item).toHaveText(itemText!);
      const sent = answered[conversation ? "sum" : "reverse"];
      await expect(labeler.getByRole("textbox", { name: "Improve the best response" })).toHaveValue(sent.rewrite);
      await expect(labeler.getByText("Rank every response")).toBeHidden();
      // Sent again unchanged, it counts once.
      await labeler.keyboard.press("Control+Enter");
      await expect(labeler.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved · 1 today");
      await expect(labeler.getByTestId("task-announcement")).toHaveText(/Item 4 loaded/);
    }
  }
  await expect(labeler.getByText("No more items for you in this project")).toBeVisible();

  // At phone width the responses stack and every control stays on screen; this labeler skips with `s`.
  const phone = await signedInPage({ role: "labeler", name: "Pat Phone" });
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`/work/${projectId}`);
  await expect(phone.getByRole("group", { name: "Your ranking" })).toBeFocused();
  const cards = phone.locator("section.form-response");
  const [first, second] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
  expect(second!.y).toBeGreaterThanOrEqual(first!.y + first!.height);
  // The answer bar stays at the bottom of the screen wherever the page is scrolled.
  for (const y of [0, 700]) {
    await phone.evaluate((top) => window.scrollTo({ top }), y);
    for (const control of [
      phone.getByRole("button", { name: /Submit/ }),
      phone.getByRole("button", { name: /Skip/ }),
    ]) {
      const box = (await control.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.y, `at scroll ${y}`).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, `at scroll ${y}`).toBeLessThanOrEqual(844);
    }
  }
  await phone.screenshot({ path: "/tmp/screens/L-form-phone.png" });
  await phone.screenshot({ path: test.info().outputPath("labeling-phone.png"), fullPage: true });
  const announced = await phone.getByTestId("task-announcement").textContent();
  await phone.keyboard.press("s");
  await expect(phone.getByRole("status").filter({ hasText: "Skipped" })).toBeVisible();
  await expect(phone.getByTestId("task-announcement")).not.toHaveText(announced!);

  // The raw export: each answer by question name, in the item's own terms (response i is responses[i]).
  const raw = await requester.request.get(`/projects/${projectId}/export/raw`);
  expect(raw.status()).toBe(200);
  const rows = (await raw.text())
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  expect(rows).toHaveLength(2);
  const byItem = Object.fromEntries(rows.map((r) => [r.item_id, r]));
  // Item "reverse" has responses [WORST, BEST, MIDDLE]; "sum" has ["5", "4"].
  expect(byItem.reverse.answers).toEqual({
    ranking: [[1], [2], [0]],
    helpfulness: [1, 5, 4],
    rewrite: answered.reverse.rewrite,
  });
  expect(byItem.sum.answers).toEqual({ ranking: [[1], [0]], helpfulness: [1, 5], rewrite: answered.sum.rewrite });
  // shown_order lists the item's responses left to right: the best one (responses[1]) sat in the slot ranked first.
  expect(String.fromCharCode(65 + byItem.reverse.shown_order.indexOf(1))).toBe(answered.reverse.slots.best);
  // How the rewrites were written, without their text: one paste over a few typed characters, and the other typed.
  const typedItem = pastedItem === "sum" ? "reverse" : "sum";
  expect(byItem[pastedItem].pasted).toEqual(["rewrite"]);
  expect(byItem[pastedItem].input_signals.rewrite).toMatchObject({ pastes: 1, pastedChars: PASTED.length });
  expect(byItem[pastedItem].input_signals.rewrite.typedChars).toBeGreaterThan(0);
  expect(byItem[typedItem].pasted).toEqual([]);
});
