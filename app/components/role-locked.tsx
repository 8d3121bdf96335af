import type { ReactNode } from "react";

/**
 * A dashboard card whose controls the caller's role may not use: shown, but with every control disabled (the
 * server refuses them anyway), rather than a 403 page after the click.
 */
export function RoleLocked({ allowed, children }: { allowed: boolean; children: ReactNode }) {
  if (allowed) return <>{children}</>;
  return (
    <fieldset disabled className="role-locked" data-testid="role-locked">
      {children}
    </fieldset>
  );
}
