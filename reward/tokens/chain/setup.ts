import { Keypair, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import {
  MINT_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToCheckedInstruction,
} from "@solana/spl-token";
import { associatedTokenAccount } from "./token-account-address.ts";
import { sendAndConfirm, sendInstructions } from "./confirm.ts";
import { decodeMint, decodeTokenAccount } from "./token-accounts.ts";
import { ChainError, type ChainAdapter } from "./types.ts";

/** The platform's token as the payout and redemption code need it. */
export interface PlatformToken {
  mint: PublicKey;
  decimals: number;
  tokenProgramId: PublicKey;
  /** Pays fees and rent, owns the treasury token account, and is the mint authority of a mint created here. */
  treasury: Keypair;
  treasuryTokenAccount: PublicKey;
}

export interface PlatformMintOptions {
  treasury: Keypair;
  /** A keypair: the mint is created when missing (embedded chain, devnet). A public key: it must already exist. */
  mint: Keypair | PublicKey;
  decimals: number;
  /** Base units minted to the treasury when the mint is created here. */
  initialSupply?: bigint;
  /** Where the chain can airdrop (the embedded one), the treasury is topped up to this many lamports. */
  treasuryLamports?: bigint;
}

export class PlatformMintError extends ChainError {
  override name = "PlatformMintError";
}

/** Creates the mint (authority: the treasury), the treasury's token account, and mints the initial supply. */
export function buildCreatePlatformMintTransaction(params: {
  treasury: PublicKey;
  mint: PublicKey;
  decimals: number;
  initialSupply: bigint;
  mintRent: bigint;
  recentBlockhash: string;
}): VersionedTransaction {
  const { treasury, mint, decimals, initialSupply } = params;
  const treasuryTokenAccount = associatedTokenAccount(mint, treasury);
  const instructions = [
    SystemProgram.createAccount({
      fromPubkey: treasury,
      newAccountPubkey: mint,
      lamports: Number(params.mintRent),
      space: MINT_SIZE,
      programId: TOKEN_PROGRAM_ID,
    }),
    createInitializeMint2Instruction(mint, decimals, treasury, null),
    createAssociatedTokenAccountIdempotentInstruction(treasury, treasuryTokenAccount, treasury, mint),
  ];
  if (initialSupply > 0n)
    instructions.push(createMintToCheckedInstruction(mint, treasuryTokenAccount, treasury, initialSupply, decimals));
  const message = new TransactionMessage({
    payerKey: treasury,
    recentBlockhash: params.recentBlockhash,
    instructions,
  }).compileToV0Message();
  return new VersionedTransaction(message);
}

/**
 * Makes sure the platform mint and the treasury's token account exist, and checks an existing mint's decimals.
 * On first start of the embedded chain this creates them; against a real cluster (mint given as a public key) a
 * missing mint or treasury token account is an error, since creating them there is an operator's decision.
 */
export async function ensurePlatformMint(
  chain: ChainAdapter,
  options: PlatformMintOptions,
): Promise<PlatformToken & { created: boolean }> {
  const { treasury, decimals } = options;
  const mint = options.mint instanceof Keypair ? options.mint.publicKey : options.mint;
  if (options.treasuryLamports !== undefined && chain.requestAirdrop) {
    const balance = await chain.getBalance(treasury.publicKey);
    if (balance < options.treasuryLamports)
      await chain.requestAirdrop(treasury.publicKey, options.treasuryLamports - balance);
  }

  const mintState = await chain.getAccountInfo(mint);
  let created = false;
  let tokenProgramId = TOKEN_PROGRAM_ID;
  if (mintState) {
    tokenProgramId = mintState.owner;
    if (!tokenProgramId.equals(TOKEN_PROGRAM_ID) && !tokenProgramId.equals(TOKEN_2022_PROGRAM_ID)) {
      throw new PlatformMintError(`${mint.toBase58()} is not a token mint (owner ${tokenProgramId.toBase58()})`);
    }
    const actual = decodeMint(mint, mintState, tokenProgramId).decimals;
    if (actual !== decimals)
      throw new PlatformMintError(`mint ${mint.toBase58()} has ${actual} decimals, configured ${decimals}`);
  } else {
    if (!(options.mint instanceof Keypair))
      throw new PlatformMintError(`mint ${mint.toBase58()} does not exist on the chain`);
    const { blockhash, lastValidBlockHeight } = await chain.getLatestBlockhash();
    const tx = buildCreatePlatformMintTransaction({
      treasury: treasury.publicKey,
      mint,
      decimals,
      initialSupply: options.initialSupply ?? 0n,
      mintRent: await chain.getMinimumBalanceForRentExemption(MINT_SIZE),
      recentBlockhash: blockhash,
    });
    tx.sign([treasury, options.mint]);
    await sendAndConfirm(chain, tx.serialize(), lastValidBlockHeight);
    created = true;
  }

  const treasuryTokenAccount = associatedTokenAccount(mint, treasury.publicKey, tokenProgramId);
  let accountState = await chain.getAccountInfo(treasuryTokenAccount);
  if (!accountState) {
    if (!(options.mint instanceof Keypair)) {
      throw new PlatformMintError(
        `the treasury ${treasury.publicKey.toBase58()} has no token account for ${mint.toBase58()}`,
      );
    }
    const owner = treasury.publicKey;
    await sendInstructions(chain, treasury, [
      createAssociatedTokenAccountIdempotentInstruction(owner, treasuryTokenAccount, owner, mint, tokenProgramId),
    ]);
    accountState = await chain.getAccountInfo(treasuryTokenAccount);
  }
  if (!accountState)
    throw new PlatformMintError(`the treasury token account ${treasuryTokenAccount.toBase58()} was not created`);
  decodeTokenAccount(treasuryTokenAccount, accountState, tokenProgramId);
  return { mint, decimals, tokenProgramId, treasury, treasuryTokenAccount, created };
}
