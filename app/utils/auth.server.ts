import type { Role } from "../../db/schema/index.ts";
import { createUser, findUserByEmail, type PublicUser } from "../../db/queries/identity.ts";
import { db } from "./db.server.ts";
import { hashPassword, verifyPassword } from "../../accounts/passwords.ts";

export async function signUp(params: { name: string; email: string; password: string; role: Role }) {
  return createUser(db, {
    name: params.name,
    email: params.email,
    role: params.role,
    passwordHash: await hashPassword(params.password),
  });
}

// Verifies against a real hash even for unknown emails so response time does not reveal which accounts exist.
const DUMMY_HASH = hashPassword("not-a-real-password");

export async function verifyLogin(email: string, password: string): Promise<PublicUser | null> {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), password);
  if (!user || !ok) return null;
  const { passwordHash: _ignored, ...rest } = user;
  return rest;
}
