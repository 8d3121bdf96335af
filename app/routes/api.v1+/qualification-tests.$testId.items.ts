import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { listQualificationItems } from "../../../db/queries/qualifications.ts";
import { requireOwnTest, uploadTestItems } from "../../../labeling/qualification-tests.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { testJson } from "~/utils/qualifications.server.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

const ItemsBody = z.object({ items: z.array(z.unknown(), { message: "items must be a list of test items" }) });

/** Adds items (with their known answers) to the caller's test: all or nothing, 422 with each item's problems. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["requester"]);
    await requireOwnTest(db, { testId: params.testId ?? "", ownerId: user.id });
    const { items } = await parseJsonBody(request, ItemsBody);
    const added = await uploadTestItems(db, { testId: params.testId ?? "", ownerId: user.id, list: items });
    const test = await requireOwnTest(db, { testId: params.testId ?? "", ownerId: user.id });
    const total = (await listQualificationItems(db, test.id)).length;
    return Response.json({ added, test: testJson(test, total) }, { status: 201 });
  });
