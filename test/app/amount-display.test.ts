import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { getProject } from "../../db/queries/projects.ts";
import { ProjectCost } from "~/components/project-cost.tsx";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

// A symbol other than the default, set before config/env.ts parses the environment: every page must read it.
vi.hoisted(() => {
  process.env.TOKEN_SYMBOL = "LBL";
  process.env.TOKEN_DECIMALS = "6";
});

const token = { decimals: 6, symbol: "LBL" };
let h: DbHandle;
let requester = "";
let requesterId = "";

beforeAll(async () => {
  h = await bootApp();
  requesterId = (await makeUser(h.db, "requester")).id;
  requester = await sessionCookie(requesterId);
});
afterAll(() => h.close());

const newProject = () => import("~/routes/projects+/new.tsx");
const fields = { title: "Tokens typed", taskType: "pairwise", labelsPerItem: "3" };

async function createFromForm(amounts: { rewardPerLabel: string; budget: string }) {
  const { action } = await newProject();
  return call(action as never, await csrfFormPost("/projects/new", requester, { ...fields, ...amounts }));
}

describe("the new-project form takes tokens", () => {
  it("hands the form the token's decimals and symbol", async () => {
    const { loader } = await newProject();
    const page = await (await call(loader as never, request("/projects/new", { cookie: requester }))).json();
    expect(page.token).toEqual(token);
  });

  it("creates the project with the exact base units of the tokens typed", async () => {
    const created = await createFromForm({ rewardPerLabel: "0.5", budget: "1,234.000001" });
    expect(created.status).toBe(302);
    const id = /^\/projects\/([0-9a-f-]{36})$/.exec(created.headers.get("Location") ?? "")![1];
    expect(await getProject(h.db, id)).toMatchObject({ rewardPerLabel: 500_000n, budget: 1_234_000_001n });
  });

  it("refuses amounts it cannot convert exactly, or beyond the limits, with messages in tokens", async () => {
    const cases: [Record<"rewardPerLabel" | "budget", string>, Record<string, string[]>][] = [
      [
        { rewardPerLabel: "1.1234567", budget: "1e3" },
        {
          rewardPerLabel: ["Reward per label must be a number with at most 6 decimals of LBL"],
          budget: ["Budget must be a number with at most 6 decimals of LBL"],
        },
      ],
      [
        { rewardPerLabel: "1000.000001", budget: "1,000,000,001" },
        {
          rewardPerLabel: ["Reward per label must be at most 1,000 LBL"],
          budget: ["Budget must be at most 1,000,000,000 LBL"],
        },
      ],
      [
        { rewardPerLabel: "-1", budget: "" },
        { rewardPerLabel: expect.any(Array), budget: ["Enter the budget in LBL"] },
      ],
    ];
    for (const [amounts, errors] of cases) {
      const refused = await createFromForm(amounts);
      expect(refused.status, JSON.stringify(amounts)).toBe(400);
      expect((await refused.json()).error).toMatchObject(errors);
    }
  });

  it("leaves the JSON API in base units: tokens typed there are refused with its base-unit message", async () => {
    const key = await createApiKey(h.db, { userId: requesterId, name: "amounts" });
    const { action } = await import("~/routes/api.v1+/projects.ts");
    const post = (rewardPerLabel: string) =>
      call(
        action as never,
        apiRequest("/api/v1/projects", key, { ...fields, labelsPerItem: 3, rewardPerLabel, budget: "1000000" }),
      );
    const refused = await post("0.5");
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.details).toEqual([
      { field: "rewardPerLabel", message: "Reward per label must be a whole number of token base units" },
    ]);
    const created = await post("500000");
    expect(created.status).toBe(201);
    expect((await created.json()).project).toMatchObject({ rewardPerLabel: "500000", budget: "1000000" });
  });
});

describe("pages show amounts in tokens with the symbol", () => {
  it("the project list shows each project's reward per label", async () => {
    await makeProject(h.db, requesterId, { title: "Listed", rewardPerLabel: 2_500_000n, budget: 10n ** 12n });
    const { loader } = await import("~/routes/projects+/_index.tsx");
    const page = await (await call(loader as never, request("/projects", { cookie: requester }))).json();
    expect(page.projects.find((p: { title: string }) => p.title === "Listed").rewardPerLabel).toBe("2.5 LBL");
  });

  it("the dashboard gets the token to show its reward, budget and funds with", async () => {
    const project = await makeProject(h.db, requesterId, { rewardPerLabel: 1n, budget: 999_999_995_132_583n });
    const { loader } = await import("~/routes/projects+/$projectId._index.tsx");
    const page = await (
      await call(loader as never, request(`/projects/${project.id}`, { cookie: requester }), { projectId: project.id })
    ).json();
    expect(page.token).toEqual(token);
    expect(page.project).toMatchObject({ rewardPerLabel: "1", budget: "999999995132583" });
    expect(page.funds).toMatchObject({ funded: "999999995132583", remaining: "999999995132583" });
  });

  it("the treasury shows budgets and the funding ledger in tokens", async () => {
    const admin = await sessionCookie((await makeUser(h.db, "admin")).id);
    const project = await makeProject(h.db, requesterId, { title: "Treasury view", budget: 1_234_500_000n });
    const { loader } = await import("~/routes/admin+/treasury.tsx");
    const page = await (await call(loader as never, request("/admin/treasury", { cookie: admin }))).json();
    expect(page.symbol).toBe("LBL");
    expect(page.tokens).toMatch(/^[\d,]+(\.\d+)? LBL$/);
    expect(page.budgets.find((b: { id: string }) => b.id === project.id)).toMatchObject({
      budget: "1,234.5 LBL",
      committed: "0 LBL",
      paid: "0 LBL",
    });
    expect(page.funds.find((f: { title: string }) => f.title === "Treasury view").amount).toBe("1,234.5 LBL");
  });

  it("the new-project form says what an item costs and how many labels the budget pays for, as typed", () => {
    const cost = (reward?: string, budget?: string, labelsPerItem = "3") =>
      /data-testid="project-cost"[^>]*>([^<]*)</.exec(
        renderToStaticMarkup(ProjectCost({ reward, budget, labelsPerItem, token })),
      )?.[1];
    expect(cost("0.5", "1,000")).toBe(
      "Each item costs 1.5 LBL (3 labels × 0.5 LBL). The budget pays for 2,000 labels, 666 items in full.",
    );
    expect(cost("0.000001", "0.000001", "1")).toBe(
      "Each item costs 0.000001 LBL (1 label × 0.000001 LBL). The budget pays for 1 label, 1 item in full.",
    );
    expect(cost("2")).toBe("Each item costs 6 LBL (3 labels × 2 LBL).");
    expect(cost("0", "10")).toBe(
      "Each item costs 0 LBL (3 labels × 0 LBL). Labels are unpaid, so the budget limits nothing.",
    );
    expect(cost("1.1234567", "10")).toBe("Type the reward per label in LBL to see what an item costs.");
    expect(cost(undefined, "10")).toBe("Type the reward per label in LBL to see what an item costs.");
  });
});
