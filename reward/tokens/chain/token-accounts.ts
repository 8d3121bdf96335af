import type { PublicKey } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID, unpackAccount, unpackMint, type Account, type Mint } from "@solana/spl-token";
import { associatedTokenAccount } from "./token-account-address.ts";
import { AccountNotFoundError, ChainError, type AccountState, type ChainAdapter } from "./types.ts";

function asAccountInfo(state: AccountState) {
  return {
    data: Buffer.from(state.data),
    owner: state.owner,
    lamports: Number(state.lamports),
    executable: state.executable,
  };
}

/** Reads an SPL token account; throws ChainError when the account is something else. */
export function decodeTokenAccount(
  address: PublicKey,
  state: AccountState,
  programId: PublicKey = TOKEN_PROGRAM_ID,
): Account {
  try {
    return unpackAccount(address, asAccountInfo(state), programId);
  } catch (error) {
    throw new ChainError(
      `${address.toBase58()} is not a token account of ${programId.toBase58()}: ${(error as Error).name}`,
    );
  }
}

export function decodeMint(address: PublicKey, state: AccountState, programId: PublicKey = TOKEN_PROGRAM_ID): Mint {
  try {
    return unpackMint(address, asAccountInfo(state), programId);
  } catch (error) {
    throw new ChainError(`${address.toBase58()} is not a mint of ${programId.toBase58()}: ${(error as Error).name}`);
  }
}

/** What `owner` holds of the platform token (0 before its token account exists). */
export async function ownerTokenBalance(
  chain: ChainAdapter,
  token: { mint: PublicKey; tokenProgramId: PublicKey },
  owner: PublicKey,
): Promise<bigint> {
  try {
    return await chain.getTokenBalance(associatedTokenAccount(token.mint, owner, token.tokenProgramId));
  } catch (error) {
    if (error instanceof AccountNotFoundError) return 0n;
    throw error;
  }
}
