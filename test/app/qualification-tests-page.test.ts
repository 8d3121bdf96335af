import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { getProjectRequirements, listQualificationItems } from "../../db/queries/qualifications.ts";
import { bootApp, call, csrfFormPost, csrfPair, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";
import { makeQualificationTest } from "../support/qualifications.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

const settings = {
  title: "Arithmetic check",
  instructions: "Pick the right sum.",
  passMark: "0.5",
  maxAttempts: "3",
  retryAfterHours: "12",
  validDays: "",
  showAnswers: "on",
  questions: JSON.stringify([{ name: "better", type: "preference", title: "Which sum is right?" }]),
};

describe("the requester's qualification test pages", () => {
  it("creates a test from the form, then adds JSONL items all or nothing with line and column", async () => {
    const list = await import("~/routes/tests+/_index.tsx");
    const editor = await import("~/routes/tests+/$testId.tsx");
    const owner = await makeUser(h.db, "requester");
    const session = await sessionCookie(owner.id);

    const bad = await call(
      list.action as never,
      await csrfFormPost("/tests", session, { ...settings, passMark: "0", questions: "[]" }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual({ passMark: ["passMark must be above 0"] });
    const badForm = await call(
      list.action as never,
      await csrfFormPost("/tests", session, {
        ...settings,
        questions: JSON.stringify([{ name: "x", type: "rating", title: "R", min: 5, max: 1 }]),
      }),
    );
    expect((await badForm.json()).errors).toEqual({ "questions[0].max": ["max must be above min"] });

    const created = await call(list.action as never, await csrfFormPost("/tests", session, settings));
    expect(created.status).toBe(302);
    const testId = created.headers.get("Location")!.split("/").pop()!;
    const listed = await (await call(list.loader as never, request("/tests", { cookie: session }))).json();
    expect(listed.tests).toEqual([
      {
        id: testId,
        title: "Arithmetic check",
        items: 0,
        passMark: 0.5,
        maxAttempts: 3,
        validDays: null,
        rewardPerAttempt: "0",
      },
    ]);

    const params = { testId };
    const post = async (fields: Record<string, string>) =>
      call(editor.action as never, await csrfFormPost(`/tests/${testId}`, session, fields), params);
    const good = JSON.stringify({
      prompt: "2 + 2?",
      responses: ["4", "5"],
      answers: { better: "a" },
      explanation: "It is 4.",
    });
    const refused = await post({
      intent: "items",
      items: [good, JSON.stringify({ prompt: "3 + 3?", responses: ["6", "7"], answers: { better: "z" } })].join("\n"),
    });
    expect(refused.status).toBe(422);
    expect((await refused.json()).errors.items).toEqual([
      expect.stringMatching(/^line 2, column 62: the known answer for "better" must be/),
    ]);
    expect(await listQualificationItems(h.db, testId)).toEqual([]);
    const added = await post({
      intent: "items",
      items: `${good}\n\n${good.replace("2 + 2", "1 + 1").replace('"4"', '"2"')}`,
    });
    expect((await added.json()).message).toBe("Added 2 items.");
    const shown = await (
      await call(editor.loader as never, request(`/tests/${testId}`, { cookie: session }), params)
    ).json();
    expect(
      shown.items.map((i: { position: number; prompt: string; known: unknown }) => [i.position, i.prompt, i.known]),
    ).toEqual([
      [1, "2 + 2?", [{ question: "Which sum is right?", answer: "A is better" }]],
      [2, "1 + 1?", [{ question: "Which sum is right?", answer: "A is better" }]],
    ]);

    // Settings change; the questions no longer can.
    const saved = await post({ ...settings, intent: "settings", passMark: "1", showAnswers: "" });
    expect((await saved.json()).message).toBe("Settings saved.");
    // The reward per attempt is typed in tokens, converted exactly; more decimals than the mint has are refused.
    const tooFine = await post({ ...settings, intent: "settings", rewardPerAttempt: "0.0000001" });
    expect(tooFine.status).toBe(400);
    expect((await tooFine.json()).errors.rewardPerAttempt[0]).toMatch(/at most 6 decimals of PWT/);
    await post({ ...settings, intent: "settings", passMark: "1", showAnswers: "", rewardPerAttempt: "1.5" });
    const paid = await (
      await call(editor.loader as never, request(`/tests/${testId}`, { cookie: session }), params)
    ).json();
    expect(paid.test.rewardPerAttempt).toBe("1500000");
    expect(
      (await (await call(editor.loader as never, request(`/tests/${testId}`, { cookie: session }), params)).json())
        .test,
    ).toMatchObject({ passMark: 1, showAnswers: false });
    const changed = await post({
      ...settings,
      intent: "settings",
      questions: JSON.stringify([{ name: "ok", type: "label", title: "OK?", categories: ["yes", "no"] }]),
    });
    expect(changed.status).toBe(409);
  });

  it("another requester's test is a 404", async () => {
    const editor = await import("~/routes/tests+/$testId.tsx");
    const test = await makeQualificationTest(h.db, (await makeUser(h.db, "requester")).id);
    const session = await sessionCookie((await makeUser(h.db, "requester")).id);
    const response = await call(editor.loader as never, request(`/tests/${test.id}`, { cookie: session }), {
      testId: test.id,
    });
    expect(response.status).toBe(404);
  });

  it("the dashboard's Who may label card requires the owner's tests only, and a minimum prior quality", async () => {
    const card = await import("~/routes/projects+/$projectId.qualifications.ts");
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    const mine = await makeQualificationTest(h.db, owner.id);
    const theirs = await makeQualificationTest(h.db, (await makeUser(h.db, "requester")).id);
    const session = await sessionCookie(owner.id);
    const params = { projectId: project.id };
    const post = async (fields: [string, string][]) => {
      const { token, cookie } = await csrfPair();
      const form = new FormData();
      for (const [name, value] of [...fields, ["csrf", token]]) form.append(name, value);
      const url = `/projects/${project.id}/qualifications`;
      return call(
        card.action as never,
        request(url, { method: "POST", cookie: `${session}; ${cookie}`, body: form }),
        params,
      );
    };
    const foreign = await post([
      ["tests", mine.id],
      ["tests", theirs.id],
      ["minPriorQuality", ""],
    ]);
    expect(foreign.status).toBe(404);
    expect((await getProjectRequirements(h.db, project.id)).tests).toEqual([]);
    const saved = await post([
      ["tests", mine.id],
      ["minPriorQuality", "0.7"],
    ]);
    expect(await saved.json()).toEqual({ message: "Saved." });
    const required = await getProjectRequirements(h.db, project.id);
    expect(required.tests.map((t) => t.id)).toEqual([mine.id]);
    expect(required.minPriorQuality).toBeCloseTo(0.7, 5);
    const dashboard = await import("~/routes/projects+/$projectId._index.tsx");
    const shown = await (
      await call(dashboard.loader as never, request(`/projects/${project.id}`, { cookie: session }), params)
    ).json();
    expect(shown.whoMayLabel).toEqual({
      tests: expect.arrayContaining([{ id: mine.id, title: mine.title, items: 4 }]),
      required: [mine.id],
      minPriorQuality: expect.closeTo(0.7, 5),
      visibility: "public",
      labelers: [],
    });
    // Private, to the emails listed one per line; a bad line is named and nothing changes.
    const badLine = await post([
      ["visibility", "private"],
      ["labelers", "ann@example.test\nnot an email"],
    ]);
    expect(badLine.status).toBe(400);
    expect((await badLine.json()).error).toBe('Invited labelers, "not an email": Enter a valid email address');
    expect((await getProjectRequirements(h.db, project.id)).visibility).toBe("public");
    await post([
      ["tests", mine.id],
      ["visibility", "private"],
      ["labelers", "Ann@example.test\nbo@example.test, cy@example.test"],
    ]);
    expect(await getProjectRequirements(h.db, project.id)).toMatchObject({
      visibility: "private",
      labelers: ["ann@example.test", "bo@example.test", "cy@example.test"],
    });
    expect(shown.whoMayLabel.tests.map((t: { id: string }) => t.id)).not.toContain(theirs.id);
    const other = await sessionCookie((await makeUser(h.db, "requester")).id);
    const stranger = await call(
      card.action as never,
      await csrfFormPost(`/projects/${project.id}/qualifications`, other, { minPriorQuality: "" }),
      params,
    );
    expect(stranger.status).toBe(404);
  });
});
