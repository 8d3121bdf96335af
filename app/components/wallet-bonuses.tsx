import { BonusStatus, type BonusStatusData } from "~/components/project-bonuses.tsx";
import { formatAmount, type TokenDisplay } from "~/utils/tokens.ts";

export interface WalletBonusData extends BonusStatusData {
  id: number;
  kind: "bonus" | "qualification_test";
  title: string;
  amount: string;
  reason: string;
  createdAt: string;
}

/**
 * The labeler's bonuses on the Wallet: from which project, why, how much, and where each stands: waiting for the next
 * payout, or paid in an epoch (with its transaction). They are paid in the same ledger rows as answers, so each
 * payout above (and its Merkle proof) includes them.
 */
export function WalletBonuses({ bonuses, token }: { bonuses: WalletBonusData[]; token: TokenDisplay }) {
  if (bonuses.length === 0) return null;
  return (
    <section className="card" aria-labelledby="bonuses-heading">
      <h2 id="bonuses-heading" style={{ marginTop: 0 }}>
        Bonuses
      </h2>
      <table data-testid="wallet-bonuses" className="cards-on-phone">
        <thead>
          <tr>
            <th>When</th>
            <th>Project</th>
            <th>Reason</th>
            <th className="amount">Amount</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {bonuses.map((b) => (
            <tr key={b.id}>
              <td data-label="When">{b.createdAt.slice(0, 16).replace("T", " ")} UTC</td>
              <td data-label="Project">{b.title}</td>
              <td data-label="Reason">{b.reason}</td>
              <td data-label="Amount" className="amount">
                {formatAmount(b.amount, token)}
              </td>
              <td data-label="Status">
                <BonusStatus bonus={b} wallet="your" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">
        A bonus is paid with your payout of the first day planned after it was given: that payout&apos;s amount, and its
        Merkle proof, include it.
      </p>
    </section>
  );
}
