/** A transaction signature, shortened, linked to an explorer where the cluster has one. */
export function SignatureLink({ signature, explorer }: { signature: string | null; explorer: string | null }) {
  if (!signature) return <>—</>;
  const short = <code>{signature.slice(0, 16)}…</code>;
  return explorer ? (
    <a href={explorer} target="_blank" rel="noreferrer">
      {short}
    </a>
  ) : (
    <span title="on the embedded chain; no public explorer">{short}</span>
  );
}
