import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DomainError } from "../../db/errors.ts";
import { listOwnedProjectsWithProgress } from "../../db/queries/projects.ts";
import {
  acceptInvitation,
  AUDIT_PAGE_MAX,
  changeMemberRole,
  createInvitation,
  findMemberRole,
  insertAuditEntry,
  listAuditLog,
  listPendingInvitations,
  listProjectMembers,
  removeMember,
  revokeInvitation,
} from "../../db/queries/teams.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const DAY = 24 * 3600_000;
let n = 0;
async function invite(
  ownerId: string,
  email: string,
  options: { projectId?: string | null; role?: "co_owner" | "reviewer"; expiresAt?: Date } = {},
) {
  n++;
  const tokenHash = `hash-${n}-${Date.now()}`;
  const invitation = await createInvitation(h.db, {
    tokenHash,
    email,
    ownerId,
    projectId: options.projectId ?? null,
    role: options.role ?? "reviewer",
    invitedBy: ownerId,
    expiresAt: options.expiresAt ?? new Date(Date.now() + DAY),
  });
  return { invitation, tokenHash };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe("team queries", () => {
  it("a membership of the one project wins over one of all the owner's projects; other owners' projects get none", async () => {
    const owner = await makeUser(h.db, "requester", "owner");
    const other = await makeUser(h.db, "requester", "other");
    const member = await makeUser(h.db, "requester", "member");
    const [p1, p2] = [await makeProject(h.db, owner.id), await makeProject(h.db, owner.id)];
    const foreign = await makeProject(h.db, other.id);

    const all = await invite(owner.id, member.email, { role: "co_owner" });
    await acceptInvitation(h.db, { tokenHash: all.tokenHash, userId: member.id, userEmail: member.email });
    const one = await invite(owner.id, member.email, { projectId: p2.id, role: "reviewer" });
    await acceptInvitation(h.db, { tokenHash: one.tokenHash, userId: member.id, userEmail: member.email });

    const role = (projectId: string, ownerId = owner.id) =>
      findMemberRole(h.db, { ownerId, projectId, userId: member.id });
    expect(await role(p1.id)).toBe("co_owner");
    expect(await role(p2.id)).toBe("reviewer");
    expect(await role(foreign.id, other.id)).toBeNull();

    // The requester's list shows both shared projects with the role held on each, and not the stranger's.
    const listed = await listOwnedProjectsWithProgress(h.db, member.id);
    expect(Object.fromEntries(listed.map((p) => [p.id, p.role]))).toEqual({ [p1.id]: "co_owner", [p2.id]: "reviewer" });
    const own = await listOwnedProjectsWithProgress(h.db, owner.id);
    expect(own.map((p) => p.role)).toEqual(["owner", "owner"]);

    // p2 has two member rows reaching it (its own and the all-projects one); p1 only the all-projects one.
    expect((await listProjectMembers(h.db, { ownerId: owner.id, projectId: p2.id })).length).toBe(2);
    const p1Members = await listProjectMembers(h.db, { ownerId: owner.id, projectId: p1.id });
    expect(p1Members).toMatchObject([{ userId: member.id, role: "co_owner", allProjects: true }]);

    // Role change and removal are scoped by owner: another owner cannot touch them.
    const memberId = p1Members[0].id;
    expect(await changeMemberRole(h.db, { ownerId: other.id, memberId, role: "reviewer" })).toBeNull();
    expect(await changeMemberRole(h.db, { ownerId: owner.id, memberId, role: "reviewer" })).toMatchObject({
      role: "reviewer",
    });
    expect(await role(p1.id)).toBe("reviewer");
    expect(await removeMember(h.db, { ownerId: other.id, memberId })).toBeNull();
    expect(await removeMember(h.db, { ownerId: owner.id, memberId })).not.toBeNull();
    expect(await role(p1.id)).toBeNull();
    expect(await role(p2.id)).toBe("reviewer");
  });

  it("accepts an invitation once, for its own address only (case-insensitive), never expired or revoked", async () => {
    const owner = await makeUser(h.db, "requester", "owner");
    const invitee = await makeUser(h.db, "requester", "invitee");
    const someoneElse = await makeUser(h.db, "requester", "else");
    const project = await makeProject(h.db, owner.id);

    const wrong = await invite(owner.id, invitee.email.toUpperCase(), { projectId: project.id });
    expect(
      await refusal(
        acceptInvitation(h.db, { tokenHash: wrong.tokenHash, userId: someoneElse.id, userEmail: someoneElse.email }),
      ),
    ).toBe("invitation_wrong_account");
    const ok = await acceptInvitation(h.db, {
      tokenHash: wrong.tokenHash,
      userId: invitee.id,
      userEmail: invitee.email,
    });
    expect(ok.member).toMatchObject({ userId: invitee.id, projectId: project.id, role: "reviewer" });
    expect(ok.invitation.acceptedBy).toBe(invitee.id);
    expect(
      await refusal(
        acceptInvitation(h.db, { tokenHash: wrong.tokenHash, userId: invitee.id, userEmail: invitee.email }),
      ),
    ).toBe("invitation_used");

    const expired = await invite(owner.id, invitee.email, { expiresAt: new Date(Date.now() - 1000) });
    expect(
      await refusal(
        acceptInvitation(h.db, { tokenHash: expired.tokenHash, userId: invitee.id, userEmail: invitee.email }),
      ),
    ).toBe("invitation_expired");

    const revoked = await invite(owner.id, invitee.email);
    expect(await revokeInvitation(h.db, { ownerId: someoneElse.id, invitationId: revoked.invitation.id })).toBeNull();
    expect(await revokeInvitation(h.db, { ownerId: owner.id, invitationId: revoked.invitation.id })).not.toBeNull();
    expect(await revokeInvitation(h.db, { ownerId: owner.id, invitationId: revoked.invitation.id })).toBeNull();
    expect(
      await refusal(
        acceptInvitation(h.db, { tokenHash: revoked.tokenHash, userId: invitee.id, userEmail: invitee.email }),
      ),
    ).toBe("invitation_revoked");
    expect(
      await refusal(acceptInvitation(h.db, { tokenHash: "nope", userId: invitee.id, userEmail: invitee.email })),
    ).toBe("invitation_not_found");

    // Pending lists leave out the accepted, expired and revoked ones.
    const pending = await invite(owner.id, "later@example.test", { projectId: project.id, role: "co_owner" });
    const listed = await listPendingInvitations(h.db, { ownerId: owner.id, projectId: project.id });
    expect(listed.map((i) => i.id)).toEqual([pending.invitation.id]);

    // Only the one project joined: the member's role there and nowhere else.
    const another = await makeProject(h.db, owner.id);
    expect(await findMemberRole(h.db, { ownerId: owner.id, projectId: another.id, userId: invitee.id })).toBeNull();
  });

  it("lists the audit log latest first, with the owner's all-projects entries, paged and bounded", async () => {
    const owner = await makeUser(h.db, "requester", "owner");
    const [p1, p2] = [await makeProject(h.db, owner.id), await makeProject(h.db, owner.id)];
    for (let i = 0; i < 5; i++)
      await insertAuditEntry(h.db, {
        ownerId: owner.id,
        projectId: p1.id,
        actorId: owner.id,
        action: "a",
        details: { i },
      });
    await insertAuditEntry(h.db, { ownerId: owner.id, projectId: p2.id, actorId: owner.id, action: "elsewhere" });
    await insertAuditEntry(h.db, { ownerId: owner.id, projectId: null, actorId: owner.id, action: "team.invited" });

    const first = await listAuditLog(h.db, { ownerId: owner.id, projectId: p1.id, limit: 4 });
    expect(first.map((e) => e.action)).toEqual(["team.invited", "a", "a", "a"]);
    expect(first.slice(1).map((e) => e.details)).toEqual([{ i: 4 }, { i: 3 }, { i: 2 }]);
    expect(first[0].actorEmail).toBe(owner.email);
    const second = await listAuditLog(h.db, { ownerId: owner.id, projectId: p1.id, limit: 4, before: first[3].id });
    expect(second.map((e) => e.details)).toEqual([{ i: 1 }, { i: 0 }]);
    // p1's log never shows p2's entries; a huge limit is capped.
    expect(second.every((e) => e.action !== "elsewhere")).toBe(true);
    for (let i = 0; i < AUDIT_PAGE_MAX + 5; i++)
      await insertAuditEntry(h.db, { ownerId: owner.id, projectId: p1.id, actorId: owner.id, action: "bulk" });
    expect((await listAuditLog(h.db, { ownerId: owner.id, projectId: p1.id, limit: 10_000 })).length).toBe(
      AUDIT_PAGE_MAX,
    );
  });
});
