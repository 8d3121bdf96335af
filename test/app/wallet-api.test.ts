import { Keypair } from "@solana/web3.js";
import { ed25519 } from "@noble/curves/ed25519";
import bs58 from "bs58";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { listAbuseSignals } from "../../db/queries/abuse.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { walletNonces } from "../../db/schema/index.ts";
import { issueWalletChallenge } from "../../reward/tokens/wallets/link.ts";
import { apiRequest, bootApp, call } from "../support/app.ts";
import { makeUser } from "../support/fixtures.ts";

// The site's configured public host (read when the app's modules load): messages name it, whatever Host says.
process.env.PUBLIC_HOST = "pairwise.test";

let h: DbHandle;
const keys: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await bootApp();
  for (const name of ["ana", "ben"]) {
    const user = await makeUser(h.db, "labeler", name);
    ids[name] = user.id;
    keys[name] = await createApiKey(h.db, { userId: user.id, name: "k" });
  }
});
afterAll(() => h.close());

async function post(route: string, who: string, body: object, host = "pairwise.test") {
  const mod = await import(
    route === "challenge" ? "~/routes/api.v1+/wallet.challenge.ts" : "~/routes/api.v1+/wallet.ts"
  );
  const path = route === "challenge" ? "/api/v1/wallet/challenge" : "/api/v1/wallet";
  const response = await call(mod.action as never, apiRequest(path, keys[who], body, `https://${host}`));
  return { status: response.status, body: await response.json() };
}

async function link(who: string, wallet: Keypair, options: { host?: string; tamper?: boolean } = {}) {
  const challenge = await post("challenge", who, { address: wallet.publicKey.toBase58() }, options.host);
  expect(challenge.status).toBe(200);
  expect(challenge.body.message).toContain("pairwise.test wants you to sign in with your Solana account:");
  const signed = options.tamper ? challenge.body.message.replace("Link", "Drain") : challenge.body.message;
  const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(signed), wallet.secretKey.slice(0, 32)));
  return { challenge, result: await post("link", who, { nonce: challenge.body.nonce, signature }, options.host) };
}

describe("linking a wallet by Sign-In-With-Solana", () => {
  it("links the signing wallet, and refuses the same nonce twice", async () => {
    const wallet = Keypair.generate();
    const { challenge, result } = await link("ana", wallet);
    expect(result).toEqual({ status: 200, body: { address: wallet.publicKey.toBase58() } });
    const { loader } = await import("~/routes/api.v1+/wallet.ts");
    const got = await call(loader as never, apiRequest("/api/v1/wallet", keys.ana));
    expect((await got.json()).address).toBe(wallet.publicKey.toBase58());

    const replay = await post("link", "ana", {
      nonce: challenge.body.nonce,
      signature: bs58.encode(new Uint8Array(64).fill(1)),
    });
    expect(replay).toMatchObject({ status: 400, body: { error: { code: "nonce_used" } } });
  });

  it("refuses a signature over another message, an expired challenge, and another domain", async () => {
    expect((await link("ana", Keypair.generate(), { tamper: true })).result).toMatchObject({
      status: 400,
      body: { error: { code: "siws_bad_signature" } },
    });
    // A message naming another domain (say one issued while a proxy passed a phishing Host) is refused.
    const elsewhere = Keypair.generate();
    const foreign = await issueWalletChallenge(h.db, {
      site: { domain: "evil.test", uri: "https://evil.test", chainId: "localnet" },
      userId: ids.ana,
      address: elsewhere.publicKey.toBase58(),
    });
    const foreignSignature = bs58.encode(
      ed25519.sign(new TextEncoder().encode(foreign.message), elsewhere.secretKey.slice(0, 32)),
    );
    expect(await post("link", "ana", { nonce: foreign.nonce, signature: foreignSignature })).toMatchObject({
      status: 400,
      body: { error: { code: "siws_wrong_domain" } },
    });
    const wallet = Keypair.generate();
    const challenge = await post("challenge", "ana", { address: wallet.publicKey.toBase58() });
    await h.db
      .update(walletNonces)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(walletNonces.nonce, challenge.body.nonce));
    const signature = bs58.encode(
      ed25519.sign(new TextEncoder().encode(challenge.body.message), wallet.secretKey.slice(0, 32)),
    );
    expect(await post("link", "ana", { nonce: challenge.body.nonce, signature })).toMatchObject({
      status: 400,
      body: { error: { code: "nonce_expired" } },
    });
  });

  it("names the configured host, never the request's Host, so a phishing host cannot get a message naming itself", async () => {
    const wallet = Keypair.generate();
    // The whole flow through a host that is not ours: the message (checked in link()) still names pairwise.test.
    const { challenge, result } = await link("ana", wallet, { host: "evil.example" });
    expect(challenge.body.message).not.toContain("evil.example");
    expect(challenge.body.message).toContain("URI: https://pairwise.test");
    expect(result).toEqual({ status: 200, body: { address: wallet.publicKey.toBase58() } });
  });

  it("changes the wallet with a new signature, and refuses an address another account linked", async () => {
    const first = Keypair.generate();
    const second = Keypair.generate();
    expect((await link("ben", first)).result.status).toBe(200);
    expect((await link("ben", second)).result.body).toEqual({ address: second.publicKey.toBase58() });
    // Ana may not take over the address Ben used before, and admins see both accounts.
    expect((await link("ana", first)).result).toMatchObject({ status: 409, body: { error: { code: "wallet_taken" } } });
    const shared = (await listAbuseSignals(h.db)).filter((s) => s.kind === "shared_wallet");
    expect(shared.map((s) => s.userId).sort()).toEqual([ids.ana, ids.ben].sort());
  });
});
