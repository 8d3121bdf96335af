// A labeler's earnings not paid yet, split by review: awaiting review (inside the approval delay), approved (paid by
// the next payout), and rejected (not counted), as the Wallet's table and the labeling page's header show them.
import { asc, eq, sql } from "drizzle-orm";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { labelerQuality, labels } from "../../db/schema/index.ts";
import { bootApp } from "../support/app.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

const render = (element: ReactElement) =>
  renderToStaticMarkup(createElement(StaticRouter, { location: "/wallet" }, element));
/** Text as a person reads it: inline tags dropped, the others read as spaces, whitespace tidied. */
const text = (html: string) =>
  html
    .replace(/<\/?(abbr|span|strong|code|a)\b[^>]*>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, " ");

describe("earnings by review", () => {
  it("shows what awaits review, what is approved for the next payout, and the rejected answers apart", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, {
      title: "Haiku",
      rewardPerLabel: 200_000n,
      labelsPerItem: 1,
      budget: 10n ** 12n,
      approvalDelayHours: 24,
    });
    await uploadPairs(h.db, project, 6);
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a" });
    await h.db
      .insert(labelerQuality)
      .values({ projectId: project.id, labelerId: labeler.id, quality: 0.5, answers: 6, agreement: 0.8, chance: 0.5 });
    const ids = (
      await h.db.select({ id: labels.id }).from(labels).where(eq(labels.projectId, project.id)).orderBy(asc(labels.id))
    ).map((r) => r.id);
    // Two past the project's 24 hours (approved automatically), one approved by the requester, one rejected (its
    // appeal still possible), one rejected 10 days ago (too late to appeal); one is still inside the delay.
    await h.db.execute(
      sql`update labels set created_at = now() - interval '2 days' where id in (${ids[0]}, ${ids[1]})`,
    );
    await h.db.execute(sql`update labels set review_status = 'approved', reviewed_at = now() where id = ${ids[2]}`);
    await h.db.execute(sql`update labels set review_status = 'rejected', reviewed_at = now() where id = ${ids[3]}`);
    await h.db.execute(sql`update labels set review_status = 'rejected', reviewed_at = now() - interval '10 days',
      created_at = now() - interval '11 days' where id = ${ids[4]}`);

    const { loadEarnings } = await import("~/utils/earnings.server.ts");
    const earnings = await loadEarnings(labeler.id);
    // 3 approved × 0.2 × 0.5 = 0.3 PWT; 1 awaiting review = 0.1 PWT; the rejected two count for nothing.
    expect(earnings.totals).toMatchObject({ estimate: "400000", awaitingReview: "100000", approved: "300000" });
    expect(earnings.projects).toEqual([
      expect.objectContaining({
        unplannedLabels: 4,
        awaitingReviewLabels: 1,
        approvedLabels: 3,
        rejectedLabels: 2,
        rejectedOpenLabels: 1,
        estimateAwaitingReview: "100000",
        estimateApproved: "300000",
      }),
    ]);

    const { EarningsTable } = await import("~/components/earnings-table.tsx");
    const table = text(render(createElement(EarningsTable, { earnings })));
    expect(table).toContain("≈ 0.4 PWT estimated, not planned yet");
    expect(table).toContain("≈ 0.1 PWT awaiting review: 1 answer the requester may still approve or reject");
    expect(table).toContain("≈ 0.3 PWT approved: 3 answers waiting for the next payout");
    expect(table).toContain("2 answers rejected, not counted above (1 may still be approved on appeal)");
    expect(table).toMatch(/Haiku 4 0\.2 PWT × 0\.500 ≈ 0\.4 PWT 0 PWT 0 PWT 0 PWT/);
    expect(table).toMatch(/Haiku 1 ≈ 0\.1 PWT 3 ≈ 0\.3 PWT 2 \(1 open to appeal\)/);

    const { EarningsSummary } = await import("~/components/earnings-summary.tsx");
    const header = text(render(createElement(EarningsSummary, { earnings, projectId: project.id })));
    expect(header).toContain("This project (est.) ≈ 0.4 PWT · 1 awaiting review · 2 rejected");
    expect(header).toContain("Pending 0 PWT");
  });
});
