// The browser wallet glue (app/utils/wallet.client.ts, the wallet picker) against the injected Pairwise Test
// Wallet, on a page served by route interception: the app server is not used.
import { ed25519 } from "@noble/curves/ed25519";
import { expect, test, type Page } from "@playwright/test";
import {
  Keypair,
  PublicKey,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import bs58 from "bs58";
import { createSiwsChallenge, verifySiws } from "../reward/tokens/wallets/siws.ts";
import { bundleForBrowser } from "./test-wallet/bundle.ts";
import type { GlueWindow } from "./test-wallet/glue-page.tsx";
import { TEST_WALLET_NAME, testWalletAddress, testWalletInitScript } from "./test-wallet/index.ts";

const SEED = "7e".repeat(32);
const ORIGIN = "http://wallet.test";
const MEMO_PROGRAM = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
const BLOCKHASH = bs58.encode(new Uint8Array(32).fill(9));
const wallet = new PublicKey(testWalletAddress(SEED));

let gluePage: Promise<string> | undefined;

async function openGluePage(page: Page, { withWallet }: { withWallet: boolean }) {
  if (withWallet) await page.addInitScript(await testWalletInitScript(SEED));
  gluePage ??= bundleForBrowser('import "./e2e/test-wallet/glue-page.tsx";');
  const script = await gluePage;
  await page.route(`${ORIGIN}/**`, (route) =>
    new URL(route.request().url()).pathname === "/glue.js"
      ? route.fulfill({ contentType: "text/javascript", body: script })
      : route.fulfill({
          contentType: "text/html",
          body: '<!doctype html><title>Wallet glue</title><div id="root"></div><script src="/glue.js"></script>',
        }),
  );
  await page.goto(`${ORIGIN}/link-wallet`);
}

/** Connects the test wallet through the glue and keeps the connection on the page for later calls. */
async function connect(page: Page): Promise<string> {
  return page.evaluate(async (name) => {
    const w = window as GlueWindow;
    const found = w.glue.detectSolanaWallets().find((candidate) => candidate.name === name);
    if (!found) throw new Error(`${name} was not detected`);
    w.connection = await w.glue.connectWallet(found);
    return w.connection.address;
  }, TEST_WALLET_NAME);
}

async function signInPage(page: Page, transaction: Uint8Array): Promise<Uint8Array> {
  const signed = await page.evaluate(async (base64) => {
    const { glue, connection } = window as GlueWindow;
    return glue.bytesToBase64(await glue.signTransaction(connection!, glue.base64ToBytes(base64), "solana:localnet"));
  }, Buffer.from(transaction).toString("base64"));
  return Buffer.from(signed, "base64");
}

function memo(text: string, signers: PublicKey[]) {
  return new TransactionInstruction({
    programId: MEMO_PROGRAM,
    keys: signers.map((pubkey) => ({ pubkey, isSigner: true, isWritable: false })),
    data: Buffer.from(text),
  });
}

test("detects the injected wallet, connects, and signs a SIWS message the server verifies", async ({ page }) => {
  await openGluePage(page, { withWallet: true });
  const detected = await page.evaluate(() => {
    const { glue } = window as GlueWindow;
    return glue.detectSolanaWallets().map((w) => ({ name: w.name, transactions: glue.canSignTransactions(w) }));
  });
  expect(detected).toEqual([{ name: TEST_WALLET_NAME, transactions: true }]);

  const address = await connect(page);
  expect(address).toBe(wallet.toBase58());

  const domain = new URL(ORIGIN).host;
  const challenge = createSiwsChallenge({
    domain,
    address,
    uri: `${ORIGIN}/link-wallet`,
    chainId: "localnet",
    statement: "Link this wallet to Pairwise.",
    now: new Date(),
    ttlMs: 300_000,
  });
  const signed = await page.evaluate((message) => {
    const { glue, connection } = window as GlueWindow;
    return glue.signSiwsMessage(connection!, message);
  }, challenge.message);
  expect(signed.address).toBe(address);
  const verified = verifySiws({
    message: challenge.message,
    signature: signed.signature,
    expected: { domain, address: signed.address, nonce: challenge.nonce, now: new Date() },
  });
  expect(verified.address).toBe(wallet.toBase58());
});

test("signs a legacy transaction it pays for, in the fee payer's slot", async ({ page }) => {
  await openGluePage(page, { withWallet: true });
  await connect(page);
  const tx = new Transaction({ feePayer: wallet, recentBlockhash: BLOCKHASH }).add(memo("redeem 5 credits", [wallet]));
  const unsigned = tx.serialize({ requireAllSignatures: false, verifySignatures: false });

  const signed = Transaction.from(await signInPage(page, unsigned));
  expect(signed.signatures.map((s) => s.publicKey.toBase58())).toEqual([wallet.toBase58()]);
  expect(signed.verifySignatures()).toBe(true);
  expect(signed.serializeMessage()).toEqual(tx.serializeMessage());
});

test("signs a v0 transaction in its own slot and leaves the server's slot for the server", async ({ page }) => {
  await openGluePage(page, { withWallet: true });
  await connect(page);
  const server = Keypair.fromSeed(new Uint8Array(32).fill(3));
  const message = new TransactionMessage({
    payerKey: server.publicKey,
    recentBlockhash: BLOCKHASH,
    instructions: [memo("burn for credits", [wallet])],
  }).compileToV0Message();
  const unsigned = new VersionedTransaction(message).serialize();

  const signed = VersionedTransaction.deserialize(await signInPage(page, unsigned));
  expect(signed.message.staticAccountKeys.slice(0, 2).map(String)).toEqual([
    server.publicKey.toBase58(),
    wallet.toBase58(),
  ]);
  expect(signed.signatures[0]).toEqual(new Uint8Array(64));
  expect(ed25519.verify(signed.signatures[1], signed.message.serialize(), wallet.toBytes())).toBe(true);

  signed.sign([server]);
  expect(ed25519.verify(signed.signatures[0], signed.message.serialize(), server.publicKey.toBytes())).toBe(true);
});

test("refuses a transaction the wallet is not asked to sign", async ({ page }) => {
  await openGluePage(page, { withWallet: true });
  await connect(page);
  const stranger = Keypair.fromSeed(new Uint8Array(32).fill(4)).publicKey;
  const tx = new Transaction({ feePayer: stranger, recentBlockhash: BLOCKHASH }).add(memo("not yours", [stranger]));
  await expect(
    signInPage(page, tx.serialize({ requireAllSignatures: false, verifySignatures: false })),
  ).rejects.toThrow(/not a required signer/);
});

test("the wallet picker lists the wallet with its icon and connects it", async ({ page }) => {
  await openGluePage(page, { withWallet: true });
  const wallets = page.getByRole("list", { name: "Solana wallets" });
  await expect(wallets.getByRole("listitem")).toHaveCount(1);
  await expect(wallets.getByRole("listitem")).toContainText(TEST_WALLET_NAME);
  await expect(wallets.locator("img")).toHaveAttribute("src", /^data:image\/svg\+xml;base64,/);
  await page.getByRole("button", { name: `Connect ${TEST_WALLET_NAME}` }).click();
  await expect(page.getByText(`Connected ${wallet.toBase58()}`)).toBeVisible();
});

test("the wallet picker says so when no wallet is installed", async ({ page }) => {
  await openGluePage(page, { withWallet: false });
  await expect(page.getByRole("status")).toContainText("No Solana wallet found");
  await expect(page.getByRole("button", { name: /^Connect/ })).toHaveCount(0);
});
