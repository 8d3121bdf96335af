import { Keypair } from "@solana/web3.js";
import { ed25519 } from "@noble/curves/ed25519";
import bs58 from "bs58";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { apiRequest, bootApp, call } from "../support/app.ts";
import { makeUser } from "../support/fixtures.ts";

// No PUBLIC_HOST: outside production the site is the listening address, never the request's Host.
delete process.env.PUBLIC_HOST;
process.env.PORT = "3456";

let h: DbHandle;
let key = "";

beforeAll(async () => {
  h = await bootApp();
  const user = await makeUser(h.db, "labeler");
  key = await createApiKey(h.db, { userId: user.id, name: "k" });
});
afterAll(() => h.close());

async function post(route: "challenge" | "link", body: object, host: string) {
  const mod = await import(
    route === "challenge" ? "~/routes/api.v1+/wallet.challenge.ts" : "~/routes/api.v1+/wallet.ts"
  );
  const path = route === "challenge" ? "/api/v1/wallet/challenge" : "/api/v1/wallet";
  const response = await call(mod.action as never, apiRequest(path, key, body, `http://${host}`));
  return { status: response.status, body: await response.json() };
}

describe("the Sign-In-With-Solana domain without PUBLIC_HOST", () => {
  it("is the listening address, whatever Host the request names", async () => {
    const wallet = Keypair.generate();
    const challenge = await post("challenge", { address: wallet.publicKey.toBase58() }, "evil.example");
    expect(challenge.status).toBe(200);
    expect(challenge.body.message).toMatch(/^localhost:3456 wants you to sign in with your Solana account:/);
    expect(challenge.body.message).not.toContain("evil.example");
    // Signed as issued, it links (through any Host): the domain checked is the site's, not the request's.
    const signature = bs58.encode(
      ed25519.sign(new TextEncoder().encode(challenge.body.message), wallet.secretKey.slice(0, 32)),
    );
    expect(await post("link", { nonce: challenge.body.nonce, signature }, "evil.example")).toEqual({
      status: 200,
      body: { address: wallet.publicKey.toBase58() },
    });
  });
});
