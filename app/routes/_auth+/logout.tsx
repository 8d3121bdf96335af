import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/react";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { endSession } from "~/utils/session.server.ts";

export const loader = () => redirect("/");

export async function action({ request }: ActionFunctionArgs) {
  await validateCsrf(await readFormData(request), request.headers);
  return endSession(request);
}
