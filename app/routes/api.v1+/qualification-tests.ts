import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createQualificationTest, listOwnedQualificationTests } from "../../../db/queries/qualifications.ts";
import { api, ApiError, readJson, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { parseTestSettings, testJson } from "~/utils/qualifications.server.ts";

/** The caller's qualification tests, newest first. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const tests = await listOwnedQualificationTests(db, user.id);
    return { tests: tests.map((t) => testJson(t.test, t.items)) };
  });

/** Creates a test (its items come next, through POST …/items). */
export const action = ({ request }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const parsed = parseTestSettings(await readJson(request));
    if (!parsed.ok)
      throw new ApiError(
        400,
        "invalid_input",
        parsed.problems.map((p) => `${p.field || "body"}: ${p.message}`).join("; "),
        parsed.problems,
      );
    const test = await createQualificationTest(db, { ownerId: user.id, ...parsed.settings });
    return Response.json({ test: testJson(test, 0) }, { status: 201 });
  });
