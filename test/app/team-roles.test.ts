import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { createInvitation, listAuditLog } from "../../db/queries/teams.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import {
  ACTION_WORDS,
  mayDo,
  PROJECT_ACTIONS,
  type ProjectAction,
  type ProjectRole,
} from "../../accounts/project-roles.ts";
import { apiRequest, bearer, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, pairLines, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
type Who = "owner" | "co" | "rev" | "allCo" | "stranger" | "admin";
const users: Record<string, Awaited<ReturnType<typeof makeUser>>> = {};
const cookies: Record<string, string> = {};
const keys: Record<string, string> = {};
let projectId = "";

const routes = {
  project: () => import("~/routes/projects+/$projectId._index.tsx"),
  team: () => import("~/routes/projects+/$projectId.team.ts"),
  audit: () => import("~/routes/projects+/$projectId.audit.tsx"),
  exportPage: () => import("~/routes/projects+/$projectId.export.$kind.ts"),
  invitation: () => import("~/routes/invitations.$token.tsx"),
  projects: () => import("~/routes/projects+/_index.tsx"),
  apiProject: () => import("~/routes/api.v1+/projects.$projectId.ts"),
  apiItems: () => import("~/routes/api.v1+/projects.$projectId.items.ts"),
  apiQualifications: () => import("~/routes/api.v1+/projects.$projectId.qualifications.ts"),
  apiModels: () => import("~/routes/api.v1+/projects.$projectId.models.ts"),
  apiExport: () => import("~/routes/api.v1+/projects.$projectId.export.ts"),
  apiDeposits: () => import("~/routes/api.v1+/projects.$projectId.deposits.ts"),
  apiClose: () => import("~/routes/api.v1+/projects.$projectId.close.ts"),
  apiAudit: () => import("~/routes/api.v1+/projects.$projectId.audit-log.ts"),
  apiGold: () => import("~/routes/api.v1+/projects.$projectId.gold.ts"),
  review: () => import("~/routes/projects+/$projectId.review.tsx"),
  apiReviews: () => import("~/routes/api.v1+/projects.$projectId.reviews.ts"),
  apiBonuses: () => import("~/routes/api.v1+/projects.$projectId.bonuses.ts"),
};
type Fn = Parameters<typeof call>[0];
const loaderOf = async (r: keyof typeof routes) => ((await routes[r]()) as { loader?: Fn }).loader;
const actionOf = async (r: keyof typeof routes) => ((await routes[r]()) as { action?: Fn }).action;

/** The owner invites through the Team card; the invitee accepts through the link's page. Returns the link's path. */
async function invite(fields: { email: string; role: string; scope: string }, pid = projectId) {
  const response = await call(
    await actionOf("team"),
    await csrfFormPost(`/projects/${pid}/team`, cookies.owner, { intent: "invite", ...fields }),
    { projectId: pid },
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { invitationPath: string; message: string };
  expect(body.message).toMatch(/sends no email/);
  return body.invitationPath;
}
async function accept(path: string, cookie: string) {
  const token = path.split("/").pop()!;
  return call(await actionOf("invitation"), await csrfFormPost(path, cookie, {}), { token });
}

beforeAll(async () => {
  h = await bootApp();
  const make = {
    owner: "requester",
    co: "requester",
    rev: "requester",
    allCo: "requester",
    stranger: "requester",
    admin: "admin",
    labeler: "labeler",
  } as const;
  for (const [who, role] of Object.entries(make)) {
    users[who] = await makeUser(h.db, role, who);
    cookies[who] = await sessionCookie(users[who].id);
    keys[who] = await createApiKey(h.db, { userId: users[who].id, name: "k" });
  }
  const project = await makeProject(h.db, users.owner.id);
  await uploadPairs(h.db, project, 3);
  projectId = project.id;
  for (const who of ["owner", "co", "allCo"])
    await linkWallet(h.db, { userId: users[who].id, address: Keypair.generate().publicKey.toBase58() });

  const joined = await accept(await invite({ email: users.co.email, role: "co_owner", scope: "project" }), cookies.co);
  expect(joined.status).toBe(302);
  expect(joined.headers.get("Location")).toBe(`/projects/${projectId}`);
  // Addresses match case-insensitively.
  const rev = await invite({ email: users.rev.email.toUpperCase(), role: "reviewer", scope: "project" });
  expect((await accept(rev, cookies.rev)).status).toBe(302);
  const all = await invite({ email: users.allCo.email, role: "co_owner", scope: "all" });
  const allJoined = await accept(all, cookies.allCo);
  expect(allJoined.headers.get("Location")).toBe("/projects");
});
afterAll(() => h.close());

describe("the role table", () => {
  it("is the issue's matrix, action by action", () => {
    const table: Record<ProjectAction, ProjectRole[]> = {
      view: ["owner", "co_owner", "reviewer", "admin"],
      upload: ["owner", "co_owner", "admin"],
      settings: ["owner", "co_owner", "admin"],
      train: ["owner", "co_owner", "admin"],
      review: ["owner", "co_owner", "reviewer", "admin"],
      export: ["owner", "co_owner", "reviewer", "admin"],
      fund: ["owner", "co_owner", "admin"],
      bonus: ["owner", "co_owner", "admin"],
      close: ["owner", "admin"],
      team: ["owner"],
    };
    for (const action of PROJECT_ACTIONS)
      for (const role of ["owner", "co_owner", "reviewer", "admin"] as const)
        expect(mayDo(role, action), `${role} ${action}`).toBe(table[action].includes(role));
    expect(Object.keys(ACTION_WORDS).sort()).toEqual([...PROJECT_ACTIONS].sort());
  });
});

type Case = {
  action: ProjectAction;
  name: string;
  /** The status an allowed caller gets. */
  ok: number;
  run: (who: Who) => Promise<Response>;
  /** Callers allowed here besides those the table allows (none), and statuses differing from `ok`. */
  statusOf?: Partial<Record<Who, number>>;
};
const pid = () => ({ projectId });
const post = (who: Who, fields: Record<string, string>) => csrfFormPost(`/projects/${projectId}`, cookies[who], fields);
const json = (method: string, path: string, who: Who, body: unknown) =>
  request(path, {
    method,
    headers: bearer(keys[who], { "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });

const cases: Case[] = [
  {
    action: "view",
    name: "GET dashboard",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("project"), request(`/projects/${projectId}`, { cookie: cookies[who] }), pid()),
  },
  {
    action: "view",
    name: "GET audit page",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("audit"), request(`/projects/${projectId}/audit`, { cookie: cookies[who] }), pid()),
  },
  {
    action: "view",
    name: "GET /api/v1/projects/{id}",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("apiProject"), apiRequest(`/api/v1/projects/${projectId}`, keys[who]), pid()),
  },
  {
    action: "view",
    name: "GET /api/v1/projects/{id}/audit-log",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("apiAudit"), apiRequest(`/api/v1/projects/${projectId}/audit-log?limit=5`, keys[who]), pid()),
  },
  {
    action: "view",
    name: "GET /api/v1/projects/{id}/gold",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("apiGold"), apiRequest(`/api/v1/projects/${projectId}/gold`, keys[who]), pid()),
  },
  {
    action: "upload",
    name: "POST /api/v1/projects/{id}/items",
    ok: 201,
    run: async (who) =>
      call(
        await actionOf("apiItems"),
        request(`/api/v1/projects/${projectId}/items?filename=pairs.jsonl`, {
          method: "POST",
          headers: bearer(keys[who], { "Content-Type": "application/x-ndjson" }),
          body: pairLines(2, `by-${who}`),
        }),
        pid(),
      ),
  },
  {
    action: "settings",
    name: "dashboard pause",
    ok: 200,
    run: async (who) => call(await actionOf("project"), await post(who, { intent: "pause" }), pid()),
  },
  {
    action: "settings",
    name: "dashboard minimum quality",
    ok: 200,
    run: async (who) =>
      call(await actionOf("project"), await post(who, { intent: "threshold", threshold: "0.4" }), pid()),
  },
  {
    action: "settings",
    name: "PUT /api/v1/projects/{id}/qualifications",
    ok: 200,
    run: async (who) =>
      call(
        await actionOf("apiQualifications"),
        json("PUT", `/api/v1/projects/${projectId}/qualifications`, who, { tests: [], minPriorQuality: 0.2 }),
        pid(),
      ),
  },
  {
    action: "train",
    // Three items are too few to train on: an allowed caller is told so (a 400), a refused one never gets that far.
    name: "POST /api/v1/projects/{id}/models",
    ok: 400,
    run: async (who) =>
      call(await actionOf("apiModels"), json("POST", `/api/v1/projects/${projectId}/models`, who, {}), pid()),
  },
  {
    action: "train",
    name: "dashboard train",
    ok: 200,
    run: async (who) => call(await actionOf("project"), await post(who, { intent: "train" }), pid()),
  },
  {
    action: "export",
    name: "GET export page",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("exportPage"), request(`/projects/${projectId}/export/raw`, { cookie: cookies[who] }), {
        projectId,
        kind: "raw",
      }),
  },
  {
    action: "export",
    name: "GET /api/v1/projects/{id}/export",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("apiExport"), apiRequest(`/api/v1/projects/${projectId}/export?kind=raw`, keys[who]), pid()),
  },
  {
    action: "fund",
    name: "POST /api/v1/projects/{id}/deposits",
    ok: 201,
    // The admin has no wallet linked: past the role check, refused for that.
    statusOf: { admin: 409 },
    run: async (who) =>
      call(
        await actionOf("apiDeposits"),
        json("POST", `/api/v1/projects/${projectId}/deposits`, who, { amount: "1000" }),
        pid(),
      ),
  },
  {
    action: "settings",
    name: "PATCH /api/v1/projects/{id} (approval delay)",
    ok: 200,
    run: async (who) =>
      call(
        await actionOf("apiProject"),
        json("PATCH", `/api/v1/projects/${projectId}`, who, { approvalDelayHours: 48 }),
        pid(),
      ),
  },
  {
    action: "review",
    name: "GET review page",
    ok: 200,
    run: async (who) =>
      call(await loaderOf("review"), request(`/projects/${projectId}/review`, { cookie: cookies[who] }), pid()),
  },
  {
    action: "review",
    // No such answer: an allowed caller hears it was refused, a refused one never gets that far.
    name: "POST /api/v1/projects/{id}/reviews",
    ok: 200,
    run: async (who) =>
      call(
        await actionOf("apiReviews"),
        json("POST", `/api/v1/projects/${projectId}/reviews`, who, { labelIds: [987654], decision: "approve" }),
        pid(),
      ),
  },
  {
    action: "bonus",
    // Nobody has answered: an allowed caller is told there is no one to pay (409).
    name: "POST /api/v1/projects/{id}/bonuses",
    ok: 409,
    run: async (who) =>
      call(
        await actionOf("apiBonuses"),
        json("POST", `/api/v1/projects/${projectId}/bonuses`, who, { top: 3, amount: "1000", reason: "thanks" }),
        pid(),
      ),
  },
  {
    action: "team",
    name: "Team card invite",
    ok: 200,
    run: async (who) =>
      call(
        await actionOf("team"),
        await csrfFormPost(`/projects/${projectId}/team`, cookies[who], {
          intent: "invite",
          email: `new-${who}@example.test`,
          role: "reviewer",
          scope: "project",
        }),
        pid(),
      ),
  },
];
const ROLE_OF: Record<Who, ProjectRole | null> = {
  owner: "owner",
  co: "co_owner",
  rev: "reviewer",
  allCo: "co_owner",
  admin: "admin",
  stranger: null,
};
const WHO: Who[] = ["stranger", "rev", "co", "allCo", "admin", "owner"];

describe("team roles × actions, through the real routes", () => {
  for (const c of cases) {
    for (const who of WHO) {
      const role = ROLE_OF[who];
      const expected = role === null ? 404 : mayDo(role, c.action) ? (c.statusOf?.[who] ?? c.ok) : 403;
      it(`${c.action}: ${c.name} as ${who} → ${expected}`, async () => {
        const response = await c.run(who);
        expect(response.status).toBe(expected);
        if (expected === 403) {
          const text = await response.text();
          expect(text).toMatch(/may not/);
          if (c.name.includes("/api/")) expect(JSON.parse(text).error.code).toBe("forbidden_role");
        }
        if (expected === 404 && c.name.includes("/api/"))
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
      });
    }
  }

  it("close and refund: the owner and admins only (co-owners and reviewers are refused first)", async () => {
    for (const who of ["rev", "co", "allCo"] as const) {
      const refused = await call(await actionOf("project"), await post(who, { intent: "close" }), pid());
      expect(refused.status, who).toBe(403);
      expect(await refused.text()).toMatch(/may not close and refund/);
      const api = await call(
        await actionOf("apiClose"),
        json("POST", `/api/v1/projects/${projectId}/close`, who, {}),
        pid(),
      );
      expect(api.status, who).toBe(403);
    }
    const stranger = await call(await actionOf("project"), await post("stranger", { intent: "close" }), pid());
    expect(stranger.status).toBe(404);
    const closed = await call(await actionOf("project"), await post("owner", { intent: "close" }), pid());
    expect(((await closed.json()) as { message: string }).message).toMatch(/^Project closed/);
    const again = await call(
      await actionOf("apiClose"),
      json("POST", `/api/v1/projects/${projectId}/close`, "admin", {}),
      pid(),
    );
    expect(again.status).toBe(200);
    expect(((await again.json()) as { closed: boolean }).closed).toBe(false);
  });

  it("wrote an audit row for each logged action, with its actor", async () => {
    const rows = await listAuditLog(h.db, { ownerId: users.owner.id, projectId, limit: 100 });
    const by = (action: string) =>
      new Set(
        rows.filter((r) => r.action === action).map((r) => Object.keys(users).find((k) => users[k].id === r.actorId)),
      );
    expect(by("items.uploaded")).toEqual(new Set(["owner", "co", "allCo", "admin"]));
    expect(by("project.paused")).toEqual(new Set(["owner", "co", "allCo", "admin"]));
    expect(by("settings.changed")).toEqual(new Set(["owner", "co", "allCo", "admin"]));
    expect(by("qualifications.changed")).toEqual(new Set(["owner", "co", "allCo", "admin"]));
    expect(by("export.downloaded")).toEqual(new Set(["owner", "co", "rev", "allCo", "admin"]));
    expect(by("deposit.started")).toEqual(new Set(["owner", "co", "allCo"]));
    expect(by("project.closed")).toEqual(new Set(["owner"]));
    expect(by("team.invited")).toEqual(new Set(["owner"]));
    expect(by("team.joined")).toEqual(new Set(["co", "rev", "allCo"]));
    // Refused attempts leave nothing; details are small and carry no item content.
    expect(by("model.training").size).toBe(0);
    const upload = rows.find((r) => r.action === "items.uploaded")!;
    expect(upload.details).toMatchObject({ rows: 2, inserted: 2 });
    expect(JSON.stringify(rows.map((r) => r.details))).not.toMatch(/prompt \d/);
    const settings = rows.filter((r) => r.action === "settings.changed").map((r) => r.details);
    expect(settings).toContainEqual({ setting: "threshold", threshold: 0.4 });
    expect(settings).toContainEqual({ setting: "approval-delay", approvalDelayHours: 48, was: 72 });
  });

  it("members see names, never the owner's or each other's emails; the owner sees emails and invitations", async () => {
    const load = async (who: Who) =>
      (await (
        await call(await loaderOf("project"), request(`/projects/${projectId}`, { cookie: cookies[who] }), pid())
      ).json()) as {
        team: { role: string; members: { email: string | null; name: string }[]; invitations: unknown[] };
        auditLog: { actor: string; details: string }[];
        may: Record<string, boolean>;
      };
    const rev = await load("rev");
    expect(rev.team.role).toBe("reviewer");
    expect(rev.may).toMatchObject({ view: true, export: true, upload: false, close: false, team: false });
    expect(rev.team.members.length).toBe(3);
    expect(rev.team.members.every((m) => m.email === null)).toBe(true);
    expect(rev.team.invitations).toEqual([]);
    expect(JSON.stringify(rev.auditLog)).not.toContain("@");
    const owner = await load("owner");
    expect(owner.team.members.map((m) => m.email).sort()).toEqual(
      [users.co.email, users.rev.email, users.allCo.email].sort(),
    );
    expect(owner.team.invitations.length).toBeGreaterThan(0);
    expect(owner.auditLog.some((e) => e.actor.includes(users.owner.email))).toBe(true);
    // Amounts read in tokens, like everywhere else, not in base units.
    const deposit = owner.auditLog.find((e) => e.details.includes("amount"));
    expect(deposit?.details).toMatch(/amount: [\d,.]+ PWT/);
  });
});

describe("invitations by link", () => {
  it("send an anonymous visitor to sign in first, with a safe way back", async () => {
    const path = await invite({ email: "someone@example.test", role: "reviewer", scope: "project" });
    const response = await call(await loaderOf("invitation"), request(path), { token: path.split("/").pop()! });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
  });

  it("are refused to another account, a labeler account, once used, withdrawn or expired, with clear messages", async () => {
    const invitee = await makeUser(h.db, "requester", "invitee");
    const inviteeCookie = await sessionCookie(invitee.id);
    const path = await invite({ email: invitee.email, role: "reviewer", scope: "project" });
    const token = path.split("/").pop()!;
    const page = async (cookie: string) =>
      (await (await call(await loaderOf("invitation"), request(path, { cookie }), { token })).json()) as {
        offer: Record<string, unknown>;
        problem: string | null;
      };

    const seenByOther = await page(cookies.stranger);
    expect(seenByOther.problem).toMatch(/another email address/);
    expect(JSON.stringify(seenByOther)).not.toContain(invitee.email);
    const wrong = await accept(path, cookies.stranger);
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/another email address/);

    expect((await page(cookies.labeler)).problem).toMatch(/requester accounts/);
    expect((await accept(path, cookies.labeler)).status).toBe(403);

    expect(await page(inviteeCookie)).toMatchObject({ problem: null, offer: { role: "reviewer", state: "pending" } });
    expect((await accept(path, inviteeCookie)).status).toBe(302);
    const reused = await accept(path, inviteeCookie);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as { error: string }).error).toMatch(/accepted already/);
    expect((await page(inviteeCookie)).problem).toMatch(/works once/);

    // Withdrawn by the owner from the Team card.
    const later = await makeUser(h.db, "requester", "later");
    const laterCookie = await sessionCookie(later.id);
    const withdrawn = await invite({ email: later.email, role: "co_owner", scope: "project" });
    const owner = (await (
      await call(await loaderOf("project"), request(`/projects/${projectId}`, { cookie: cookies.owner }), pid())
    ).json()) as { team: { invitations: { id: string; email: string }[] } };
    const pending = owner.team.invitations.find((i) => i.email === later.email)!;
    const revoke = await call(
      await actionOf("team"),
      await csrfFormPost(`/projects/${projectId}/team`, cookies.owner, { intent: "revoke", invitationId: pending.id }),
      pid(),
    );
    expect(((await revoke.json()) as { message: string }).message).toMatch(/withdrawn/);
    const refused = await accept(withdrawn, laterCookie);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(/withdrawn/);

    // Expired.
    const { hashInvitationToken } = await import("~/utils/team.server.ts");
    const oldToken = "A".repeat(43);
    await createInvitation(h.db, {
      tokenHash: hashInvitationToken(oldToken),
      email: later.email,
      ownerId: users.owner.id,
      projectId,
      role: "reviewer",
      invitedBy: users.owner.id,
      expiresAt: new Date(Date.now() - 60_000),
    });
    const expired = await accept(`/invitations/${oldToken}`, laterCookie);
    expect(expired.status).toBe(409);
    expect(((await expired.json()) as { error: string }).error).toMatch(/expired/);

    // A made-up token is a 404 and nothing else.
    const bogus = await call(await loaderOf("invitation"), request("/invitations/zzz", { cookie: laterCookie }), {
      token: "zzz",
    });
    expect(bogus.status).toBe(404);
  });

  it("the invite form checks its input and needs the CSRF token", async () => {
    const bad = await call(
      await actionOf("team"),
      await csrfFormPost(`/projects/${projectId}/team`, cookies.owner, {
        intent: "invite",
        email: "not an email",
        role: "boss",
        scope: "project",
      }),
      pid(),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: string[] }).errors.join(" ")).toMatch(/valid email/);
    const form = new FormData();
    for (const [k, v] of Object.entries({
      intent: "invite",
      email: "x@example.test",
      role: "reviewer",
      scope: "project",
    }))
      form.set(k, v);
    const noCsrf = await call(
      await actionOf("team"),
      request(`/projects/${projectId}/team`, { method: "POST", cookie: cookies.owner, body: form }),
      pid(),
    );
    expect(noCsrf.status).toBe(403);
  });
});

describe("a membership of all the owner's projects", () => {
  it("reaches projects made later, shows them in the member's list with the role, and ends when removed", async () => {
    const later = await makeProject(h.db, users.owner.id, { title: "Made later" });
    const view = async () =>
      call(await loaderOf("project"), request(`/projects/${later.id}`, { cookie: cookies.allCo }), {
        projectId: later.id,
      });
    expect((await view()).status).toBe(200);
    // The reviewer joined one project only.
    const rev = await call(await loaderOf("project"), request(`/projects/${later.id}`, { cookie: cookies.rev }), {
      projectId: later.id,
    });
    expect(rev.status).toBe(404);

    const list = (await (
      await call(await loaderOf("projects"), request("/projects", { cookie: cookies.allCo }))
    ).json()) as { projects: { id: string; role: string }[] };
    expect(list.projects.find((p) => p.id === later.id)?.role).toBe("co_owner");
    const strangerList = (await (
      await call(await loaderOf("projects"), request("/projects", { cookie: cookies.stranger }))
    ).json()) as { projects: unknown[] };
    expect(strangerList.projects).toEqual([]);

    const owner = (await (
      await call(await loaderOf("project"), request(`/projects/${later.id}`, { cookie: cookies.owner }), {
        projectId: later.id,
      })
    ).json()) as { team: { members: { id: number; email: string; allProjects: boolean }[] } };
    const member = owner.team.members.find((m) => m.email === users.allCo.email)!;
    expect(member.allProjects).toBe(true);
    const removed = await call(
      await actionOf("team"),
      await csrfFormPost(`/projects/${later.id}/team`, cookies.owner, {
        intent: "remove",
        memberId: String(member.id),
      }),
      { projectId: later.id },
    );
    expect(removed.status).toBe(200);
    expect((await view()).status).toBe(404);
    const log = await listAuditLog(h.db, { ownerId: users.owner.id, projectId: later.id });
    expect(log[0]).toMatchObject({ action: "team.removed", projectId: null, actorId: users.owner.id });
  });
});
