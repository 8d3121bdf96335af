import { describe, expect, it } from "vitest";
import { publicClusterOf } from "../../../../reward/tokens/chain/clusters.ts";

describe("Solana clusters", () => {
  it("tells the public cluster from an RPC URL, and nothing for a private or local endpoint", () => {
    expect(publicClusterOf("https://api.devnet.solana.com")).toBe("devnet");
    expect(publicClusterOf("https://api.testnet.solana.com")).toBe("testnet");
    expect(publicClusterOf("https://api.mainnet-beta.solana.com")).toBe("mainnet");
    expect(publicClusterOf("http://127.0.0.1:8899")).toBeNull();
  });
});
