import { cookieSecure, env } from "../../config/env.ts";
import { loadSessionSecret } from "../../config/session-secret.ts";

/** Signs session and CSRF cookies; read once from the environment or its file, never from the database. */
export const sessionSecret = loadSessionSecret(env);
export const secureCookies = cookieSecure(env);
