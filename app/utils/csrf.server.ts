import { createCookie } from "@remix-run/node";
import { CSRF, CSRFError } from "remix-utils/csrf/server";
import { secureCookies, sessionSecret } from "./cookie-settings.server.ts";

const cookie = createCookie("pw_csrf", {
  path: "/",
  httpOnly: true,
  secure: secureCookies,
  sameSite: "lax",
  secrets: [sessionSecret],
});

export const csrf = new CSRF({ cookie, formDataKey: "csrf", secret: sessionSecret });

/** Refuses a form post whose token does not match the signed cookie (from the form, or the X-CSRF-Token header). */
export async function validateCsrf(formData: FormData, headers: Headers): Promise<void> {
  const token = headers.get("X-CSRF-Token");
  if (token && !formData.has("csrf")) formData.set("csrf", token);
  try {
    await csrf.validate(formData, headers);
  } catch (error) {
    if (error instanceof CSRFError)
      throw new Response("Invalid CSRF token; reload the page and try again.", { status: 403 });
    throw error;
  }
}
