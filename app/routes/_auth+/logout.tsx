import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/react";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { endSession } from "~/utils/session.server.ts";

export const loader = () => redirect("/");

export async function action({ request }: ActionFunctionArgs) {
  await validateCsrf(await request.formData(), request.headers);
  return endSession(request);
}
