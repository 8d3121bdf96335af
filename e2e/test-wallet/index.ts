import { bundleForBrowser } from "./bundle.ts";
import { seedFromHex } from "./wallet.ts";

export { TEST_WALLET_NAME, testWalletAddress } from "./wallet.ts";

/**
 * A script for `page.addInitScript` that registers the Pairwise Test Wallet, holding the ed25519 key whose
 * 32-byte seed is `secretSeedHex`, in every page the test opens.
 */
export async function testWalletInitScript(secretSeedHex: string): Promise<string> {
  seedFromHex(secretSeedHex); // a bad seed fails here rather than silently inside the page
  return bundleForBrowser(
    `import { installTestWallet } from "./e2e/test-wallet/wallet.ts";\ninstallTestWallet(${JSON.stringify(secretSeedHex)});`,
  );
}
