import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { listProjectBonuses } from "../../db/queries/bonuses.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { listAuditLog } from "../../db/queries/teams.ts";
import { labelerQuality, projectMembers } from "../../db/schema/index.ts";
import { labelerPseudonym } from "~/utils/pseudonyms.server.ts";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { setProjectRequirements } from "../../db/queries/qualifications.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { makeQualificationTest, rightAnswer } from "../support/qualifications.ts";

let h: DbHandle;
type Who = "owner" | "co" | "rev" | "stranger";
const users: Record<string, Awaited<ReturnType<typeof makeUser>>> = {};
const cookies: Record<string, string> = {};
const keys: Record<string, string> = {};
const labelers: Awaited<ReturnType<typeof makeUser>>[] = [];
let projectId = "";
let ownerId = "";

const TOKEN = 10n ** 6n; // TOKEN_DECIMALS 6
const routes = {
  card: () => import("~/routes/projects+/$projectId.bonuses.ts"),
  dashboard: () => import("~/routes/projects+/$projectId._index.tsx"),
  api: () => import("~/routes/api.v1+/projects.$projectId.bonuses.ts"),
  wallet: () => import("~/routes/_account+/wallet.tsx"),
  testPage: () => import("~/routes/work+/tests.$testId.tsx"),
};
type Fn = Parameters<typeof call>[0];
const loaderOf = async (r: keyof typeof routes) => ((await routes[r]()) as { loader?: Fn }).loader;
const actionOf = async (r: keyof typeof routes) => ((await routes[r]()) as { action?: Fn }).action;
const pid = () => ({ projectId });
const pseudonym = (i: number) => labelerPseudonym(projectId, labelers[i].id);

const postCard = async (who: Who, fields: Record<string, string>) =>
  call(
    await actionOf("card"),
    await csrfFormPost(`/projects/${projectId}/bonuses`, cookies[who], {
      idempotencyKey: `card-${Math.random().toString(36).slice(2)}`,
      ...fields,
    }),
    pid(),
  );
const postApi = async (who: Who, body: object) =>
  call(await actionOf("api"), apiRequest(`/api/v1/projects/${projectId}/bonuses`, keys[who], body), pid());

beforeAll(async () => {
  h = await bootApp();
  for (const who of ["owner", "co", "rev", "stranger"] as const) {
    users[who] = await makeUser(h.db, "requester", who);
    cookies[who] = await sessionCookie(users[who].id);
    keys[who] = await createApiKey(h.db, { userId: users[who].id, name: "k" });
  }
  ownerId = users.owner.id;
  // 100 tokens funded; 0.1 token per answer.
  const project = await makeProject(h.db, ownerId, {
    rewardPerLabel: TOKEN / 10n,
    labelsPerItem: 3,
    budget: 1_000n * TOKEN,
    funded: 100n * TOKEN,
  });
  projectId = project.id;
  await uploadPairs(h.db, project, 5);
  for (const [i, quality] of [0.9, 0.6, 0.8].entries()) {
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId, labelerId: labeler.id, answer: () => "a", limit: 5 });
    await h.db
      .insert(labelerQuality)
      .values({ projectId, labelerId: labeler.id, quality, answers: 5, agreement: quality, chance: 0.5 });
    labelers[i] = labeler;
  }
  for (const [who, role] of [
    ["co", "co_owner"],
    ["rev", "reviewer"],
  ] as const)
    await h.db.insert(projectMembers).values({ ownerId, projectId, userId: users[who].id, role, invitedBy: ownerId });
}, 60_000);
afterAll(() => h.close());

describe("the dashboard's Bonuses card", () => {
  it("lets the owner pay one labeler, in tokens with a reason, audit-logged", async () => {
    const response = await postCard("owner", {
      target: "one",
      labeler: pseudonym(1),
      tokens: "2.5",
      reason: "Great rationales",
    });
    expect(response.status).toBe(200);
    expect((await response.json()).message).toBe("Paid: 2.5 PWT to 1 labeler, in their next payout.");
    const [bonus] = await listProjectBonuses(h.db, { projectId });
    expect(bonus).toMatchObject({ labelerId: labelers[1].id, amount: (25n * TOKEN) / 10n, reason: "Great rationales" });
    const [entry] = await listAuditLog(h.db, { ownerId, projectId, limit: 1 });
    expect(entry).toMatchObject({ action: "bonus.paid", actorId: ownerId });
    expect(entry.details).toMatchObject({ labelers: 1, amount: "2500000", total: "2500000" });
  });

  it("refuses a missing reason, an amount that is not tokens, and a labeler not on the project, writing nothing", async () => {
    const before = (await listProjectBonuses(h.db, { projectId })).length;
    const noReason = await postCard("owner", { target: "one", labeler: pseudonym(0), tokens: "1", reason: "" });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(await noReason.json())).toMatch(/Give the reason/);
    const badAmount = await postCard("owner", {
      target: "one",
      labeler: pseudonym(0),
      tokens: "1.1234567",
      reason: "ok!",
    });
    expect(badAmount.status).toBe(400);
    expect(JSON.stringify(await badAmount.json())).toMatch(/at most 6 decimals of PWT/);
    const stranger = await postCard("owner", { target: "one", labeler: "0123456789ab", tokens: "1", reason: "ok!" });
    expect(stranger.status).toBe(400);
    expect(JSON.stringify(await stranger.json())).toMatch(/Only labelers who answered on this project/);
    expect(await listProjectBonuses(h.db, { projectId })).toHaveLength(before);
  });

  it("is refused to a reviewer, shown locked on their dashboard; the co-owner may pay", async () => {
    const refused = await postCard("rev", { target: "one", labeler: pseudonym(0), tokens: "1", reason: "thanks" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/may not pay bonuses/);
    const dashboard = await call(
      await loaderOf("dashboard"),
      request(`/projects/${projectId}`, { cookie: cookies.rev }),
      pid(),
    );
    const data = await dashboard.json();
    expect(data.may.bonus).toBe(false);
    expect(data.bonuses.labelers.map((l: { labeler: string }) => l.labeler).sort()).toEqual(
      [0, 1, 2].map(pseudonym).sort(),
    );
    // Requesters read labelers by pseudonym only.
    expect(JSON.stringify(data.bonuses)).not.toContain(labelers[0].id);

    const paid = await postCard("co", { target: "top", top: "2", tokens: "1", reason: "Top two" });
    expect(paid.status).toBe(200);
    expect((await paid.json()).message).toBe("Paid: 2 PWT to 2 labelers, in their next payout.");
    const top = (await listProjectBonuses(h.db, { projectId })).filter((b) => b.reason === "Top two");
    expect(top.map((b) => b.labelerId).sort()).toEqual([labelers[0].id, labelers[2].id].sort());
  });

  it("says what is left, in tokens, when the funds cannot cover the bonus", async () => {
    const response = await postCard("owner", {
      target: "one",
      labeler: pseudonym(0),
      tokens: "1000",
      reason: "Too much",
    });
    expect(response.status).toBe(409);
    // 100 funded − 4.5 given − 15 answers × 0.1 held = 94 PWT.
    expect(JSON.stringify(await response.json())).toMatch(
      /come to 1,000 PWT, but the project can pay only 94 PWT more/,
    );
  });
});

describe("POST and GET /api/v1/projects/{id}/bonuses", () => {
  it("pays once per idempotency key, in base units or tokens; GET lists them by pseudonym with their status", async () => {
    const body = {
      labelerId: pseudonym(2),
      amount: "300000",
      reason: "Fast and careful",
      idempotencyKey: "api-key-0001",
    };
    const first = await postApi("co", body);
    expect(first.status).toBe(201);
    const created = await first.json();
    expect(created).toMatchObject({
      replayed: false,
      bonuses: [
        { labeler: pseudonym(2), amount: "300000", reason: "Fast and careful", status: "waiting", epoch: null },
      ],
    });
    const again = await postApi("co", body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...created, replayed: true });
    expect((await listProjectBonuses(h.db, { projectId })).filter((b) => b.reason === "Fast and careful")).toHaveLength(
      1,
    );

    const inTokens = await postApi("owner", { top: 1, tokens: "0.25", reason: "Best of the week" });
    expect(inTokens.status).toBe(201);
    expect((await inTokens.json()).bonuses).toMatchObject([{ labeler: pseudonym(0), amount: "250000" }]);

    const list = await call(
      await loaderOf("api"),
      apiRequest(`/api/v1/projects/${projectId}/bonuses`, keys.rev),
      pid(),
    );
    expect(list.status).toBe(200);
    const { bonuses } = await list.json();
    expect(bonuses[0]).toMatchObject({ labeler: pseudonym(0), reason: "Best of the week", kind: "bonus" });
    expect(JSON.stringify(bonuses)).not.toContain(labelers[0].id);
  });

  it("refuses a reviewer (403 forbidden_role), a stranger (404), bad bodies (400) and too much (409)", async () => {
    const body = { labelerId: pseudonym(0), amount: "1", reason: "thanks" };
    const rev = await postApi("rev", body);
    expect(rev.status).toBe(403);
    expect((await rev.json()).error.code).toBe("forbidden_role");
    expect((await postApi("stranger", body)).status).toBe(404);
    for (const bad of [
      { ...body, top: 2 },
      { labelerId: pseudonym(0), reason: "no amount" },
      { ...body, tokens: "1" },
      { ...body, amount: "0" },
      { ...body, amount: (10n ** 6n * TOKEN + 1n).toString() },
      { ...body, reason: "" },
      { ...body, labelerId: labelers[0].id },
    ]) {
      const response = await postApi("owner", bad);
      expect(response.status, JSON.stringify(bad)).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_input");
    }
    const unknown = await postApi("owner", { ...body, labelerId: "0123456789ab" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.code).toBe("not_a_labeler");
    const tooMuch = await postApi("owner", { labelerId: pseudonym(0), tokens: "500", reason: "thanks" });
    expect(tooMuch.status).toBe(409);
    expect((await tooMuch.json()).error).toMatchObject({ code: "insufficient_funds" });
  });
});

describe("the labeler's Wallet", () => {
  const render = (element: ReactElement) =>
    renderToStaticMarkup(createElement(StaticRouter, { location: "/wallet" }, element));

  it("lists their bonuses with reason, project, amount and status, and counts unpaid ones in the totals", async () => {
    const response = await call(
      await loaderOf("wallet"),
      request("/wallet", { cookie: await sessionCookie(labelers[1].id) }),
    );
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.bonuses).toMatchObject([
      { title: "Test project", reason: "Great rationales", amount: "2500000", status: "waiting", epoch: null },
    ]);
    expect(data.accrued.totals.bonuses).toBe("2500000");

    const { WalletBonuses } = await import("~/components/wallet-bonuses.tsx");
    const html = render(createElement(WalletBonuses, { bonuses: data.bonuses, token: data.token }));
    expect(html).toContain("Great rationales");
    expect(html).toContain("2.5 PWT");
    expect(html).toContain("waiting for the next payout");
    const paid = render(
      createElement(WalletBonuses, {
        bonuses: [
          { ...data.bonuses[0], status: "paid", epoch: "2026-01-02", signature: "5".repeat(88), explorer: null },
        ],
        token: data.token,
      }),
    );
    expect(paid).toMatch(/paid in the payout of 2026-01-02 \(<span[^>]*><code>5{16}…<\/code>/);

    const { EarningsTable } = await import("~/components/earnings-table.tsx");
    expect(render(createElement(EarningsTable, { earnings: data.accrued }))).toMatch(
      /2\.5 PWT<\/div><div class="stat-label">bonuses, paid with your next payout/,
    );
  });
});

describe("a paid qualification test's page", () => {
  it("says what an attempt pays, whether the project can cover it, and after finishing whether it was paid", async () => {
    const owner = await makeUser(h.db, "requester");
    const rich = await makeProject(h.db, owner.id, { funded: 10n * TOKEN });
    const broke = await makeProject(h.db, owner.id, { funded: 0n });
    const test = await makeQualificationTest(h.db, owner.id, { rewardPerAttempt: TOKEN / 2n, items: 2 });
    for (const p of [rich, broke])
      await setProjectRequirements(h.db, { projectId: p.id, testIds: [test.id], minPriorQuality: null });
    const labeler = await makeUser(h.db, "labeler");
    const cookie = await sessionCookie(labeler.id);
    const page = async (project: string) =>
      (
        await call(await loaderOf("testPage"), request(`/work/tests/${test.id}?project=${project}`, { cookie }), {
          testId: test.id,
        })
      ).json();
    expect((await page(rich.id)).pay).toEqual({ amount: "500000", payable: true, why: null });
    const unpaid = (await page(broke.id)).pay;
    expect(unpaid).toMatchObject({ amount: "500000", payable: false });
    expect(unpaid.why).toMatch(/cannot cover the test's pay now/);

    // Taken for the funded project through the page: the result says it was paid.
    const post = async (fields: Record<string, string>) =>
      call(
        await actionOf("testPage"),
        await csrfFormPost(`/work/tests/${test.id}?project=${rich.id}`, cookie, fields),
        { testId: test.id },
      );
    expect((await post({ intent: "start" })).status).toBe(302);
    for (let n = 0; n < 2; n++) {
      const { current } = await page(rich.id);
      const answered = await post({
        intent: "answer",
        assignmentId: String(current.item.assignmentId),
        answers: JSON.stringify(rightAnswer(current.number)),
      });
      expect(answered.status).toBe(200);
    }
    expect((await page(rich.id)).result).toMatchObject({ passed: true, reward: { amount: "500000", paid: true } });
    const [bonus] = await listProjectBonuses(h.db, { projectId: rich.id });
    expect(bonus).toMatchObject({ labelerId: labeler.id, kind: "qualification_test", amount: TOKEN / 2n });
  });
});

describe("the Bonuses card as rendered", () => {
  it("lists the project's labelers by pseudonym and the bonuses given with their status", async () => {
    const { createStaticHandler, createStaticRouter, StaticRouterProvider } = await import("react-router-dom/server");
    const { AuthenticityTokenProvider } = await import("remix-utils/csrf/react");
    const { ProjectBonuses } = await import("~/components/project-bonuses.tsx");
    const dashboard = await call(
      await loaderOf("dashboard"),
      request(`/projects/${projectId}`, { cookie: cookies.owner }),
      pid(),
    );
    const data = (await dashboard.json()).bonuses;
    const element = createElement(AuthenticityTokenProvider, {
      token: "t",
      children: createElement(ProjectBonuses, { projectId, data }),
    });
    const handler = createStaticHandler([{ path: "/", element }]);
    const context = await handler.query(new Request("http://localhost/"));
    if (context instanceof Response) throw new Error("unexpected response");
    const router = createStaticRouter(handler.dataRoutes, context);
    const html = renderToStaticMarkup(createElement(StaticRouterProvider, { router, context })).replace(
      /<!-- -->/g,
      "",
    );
    expect(html).toContain(`Labeler ${pseudonym(0)} · 5 answers · quality 0.90`);
    expect(html).toContain("Great rationales");
    expect(html).toContain("waiting for the next payout");
    expect(html).toMatch(/Up to <span data-testid="bonus-available">[\d.,]+ PWT<\/span> can be given now/);
    expect(html).not.toContain(labelers[0].id);
  });
});
