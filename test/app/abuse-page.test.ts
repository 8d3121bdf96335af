import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "../../db/client.ts";
import { listAbuseSignals, upsertAbuseSignals } from "../../db/queries/abuse.ts";
import { labels, users } from "../../db/schema/index.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { evidenceInWords } from "~/utils/abuse-cases.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
let adminCookie: string;
const who: Record<string, { id: string; name: string }> = {};

type Account = {
  userId: string;
  name: string;
  pausedReason: string | null;
  evidence: { words: string; project: string | null }[];
  suggestedReason: string;
};
type Case = { accounts: Account[]; links: { words: string }[] };

const abuse = () => import("~/routes/admin+/abuse.tsx");

/** Signs the account in on the browser holding `cookie` (a pw_device pair), or on a new one; returns its cookie. */
async function useBrowser(userId: string, cookie?: string): Promise<string> {
  const { noteDevice } = await import("~/utils/devices.server.ts");
  const issued = await noteDevice(request("/work", { cookie }), userId);
  return cookie ?? issued!.split(";")[0];
}

async function abuseCases(): Promise<Case[]> {
  const { loader } = await abuse();
  const response = await call(loader as never, request("/admin/abuse", { cookie: adminCookie }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { cases: Case[] }).cases;
}

async function post(fields: Record<string, string>) {
  const { action } = await abuse();
  const response = await call(action as never, await csrfFormPost("/admin/abuse", adminCookie, fields));
  return (await response.json()) as { ok: boolean; message?: string; error?: string };
}

const pausedReason = async (userId: string) =>
  (await h.db.select({ reason: users.pausedReason }).from(users).where(eq(users.id, userId)))[0].reason;

beforeAll(async () => {
  h = await bootApp();
  for (const [name, role] of [
    ["admin", "admin"],
    ["clicker", "labeler"],
    ["twin", "labeler"],
    ["careful", "labeler"],
  ] as const)
    who[name] = await makeUser(h.db, role, name);
  adminCookie = await sessionCookie(who.admin.id);

  // The clicker answers in 0.2 s, the careful labeler in 20 s, on a pairwise project (a tie now and then keeps
  // either from a run of one screen side).
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { title: "Kitchen questions" });
  await uploadPairs(h.db, project, 12);
  for (const name of ["clicker", "careful"])
    await answerTasks(h.db, {
      projectId: project.id,
      labelerId: who[name].id,
      answer: (n) => (n % 4 === 0 ? "tie" : n % 3 === 0 ? "b" : "a"),
    });
  await h.db.update(labels).set({ timeSpentMs: 200 }).where(eq(labels.labelerId, who.clicker.id));
  await h.db.update(labels).set({ timeSpentMs: 20_000 }).where(eq(labels.labelerId, who.careful.id));
  expect((await runProjectConsensus(h.db, project.id)).status).toBe("done");

  // The admin tries the labeler pages on one browser, which the clicker and the twin also use.
  const browser = await useBrowser(who.admin.id);
  await useBrowser(who.clicker.id, browser);
  await useBrowser(who.admin.id, browser);
  await useBrowser(who.twin.id, browser);
  // The careful labeler and the admin share another.
  const office = await useBrowser(who.careful.id);
  await useBrowser(who.admin.id, office);
});
afterAll(() => h.close());

describe("abuse signals for admins", () => {
  it("never flags an admin's accounts, nor anyone for sharing a browser with an admin only", async () => {
    const signals = await listAbuseSignals(h.db);
    const device = signals.filter((s) => s.kind === "shared_device");
    expect(device.map((s) => s.userId).sort()).toEqual([who.clicker.id, who.twin.id].sort());
    for (const s of device) expect(s.detail.otherAccounts).not.toContain(who.admin.id);
    expect(signals.some((s) => s.userId === who.admin.id || s.userId === who.careful.id)).toBe(false);
  });

  it("groups by account, states a shared browser once, and gives the evidence in words", async () => {
    const cases = await abuseCases();
    expect(cases).toHaveLength(1);
    const [linked] = cases;
    expect(linked.accounts.map((a) => a.name)).toEqual([who.clicker.name, who.twin.name]);
    expect(linked.links.map((l) => l.words)).toEqual([
      `${who.clicker.name} and ${who.twin.name} signed in on the same browser (it carries the device cookie the server issued).`,
    ]);
    const [clicker, twin] = linked.accounts;
    expect(clicker.evidence).toEqual([
      {
        id: expect.any(Number),
        words:
          "12 of 12 answers came too fast to have read the item: typically 0.2 s, where those items need at least 0.5 s.",
        project: "Kitchen questions",
        seen: expect.stringMatching(/ UTC$/),
      },
    ]);
    expect(twin.evidence).toEqual([]);
    expect(clicker.suggestedReason).toBe(
      "Paused after a review: most of your answers came faster than the items can be read; several accounts used from one browser.",
    );
  });

  it("ignores device signals stored before admins were left out, when only an admin shared the browser", async () => {
    await upsertAbuseSignals(
      h.db,
      [who.careful.id, who.admin.id].map((userId) => ({
        userId,
        kind: "shared_device" as const,
        scope: "d_before-admins-were-left-out",
        detail: { accounts: 2 },
      })),
    );
    const cases = await abuseCases();
    expect(cases.flatMap((c) => c.accounts.map((a) => a.userId)).sort()).toEqual([who.clicker.id, who.twin.id].sort());
  });

  it("pauses only with a reason, shows the reason, and unpauses", async () => {
    const refused = await post({ intent: "pause", userId: who.twin.id, reason: " " });
    expect(refused).toEqual({ ok: false, error: "Give the reason in a few words: the account is shown it" });
    expect(await pausedReason(who.twin.id)).toBeNull();

    const paused = await post({ intent: "pause", userId: who.twin.id, reason: "Two accounts on one browser." });
    expect(paused).toEqual({
      ok: true,
      message: `Paused ${who.twin.name}: no tasks and no premium calls until you unpause them.`,
    });
    expect(await pausedReason(who.twin.id)).toBe("Two accounts on one browser.");
    const twin = (await abuseCases())[0].accounts.find((a) => a.userId === who.twin.id);
    expect(twin?.pausedReason).toBe("Two accounts on one browser.");

    expect((await post({ intent: "unpause", userId: who.twin.id })).ok).toBe(true);
    expect(await pausedReason(who.twin.id)).toBeNull();
  });

  it("does not pause an admin", async () => {
    const refused = await post({ intent: "pause", userId: who.admin.id, reason: "testing" });
    expect(refused).toEqual({ ok: false, error: "Admins' accounts are not paused here." });
    expect(await pausedReason(who.admin.id)).toBeNull();
  });
});

describe("evidence in words", () => {
  it("reads signals stored before the calibration, and runs of one answer", () => {
    expect(evidenceInWords("too_fast", { fast: 7, answers: 20, medianFastMs: 1850 })).toBe(
      "7 of 20 answers came too fast to have read the item: typically 1.9 s.",
    );
    expect(evidenceInWords("one_sided_streak", { answer: "left", length: 14, disagreeing: 0, answers: 30 })).toBe(
      "14 answers in a row chose the left-hand response, though the sides are shuffled for every item.",
    );
    expect(evidenceInWords("one_sided_streak", { answer: "cat", length: 12, disagreeing: 5, answers: 40 })).toBe(
      "12 answers in a row were “cat”, 5 of them against the consensus.",
    );
  });
});
