/**
 * Sets the pw_device cookie to a hash of stable browser traits, once per browser, so the server can notice
 * several accounts used from one device. It is a signal for admins, not an identity.
 */
export async function ensureDeviceCookie(): Promise<void> {
  if (/(?:^|;\s*)pw_device=/.test(document.cookie) || !crypto.subtle) return;
  const traits = [
    navigator.userAgent,
    navigator.language,
    navigator.hardwareConcurrency,
    screen.width,
    screen.height,
    screen.colorDepth,
    Intl.DateTimeFormat().resolvedOptions().timeZone,
  ].join("|");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(traits)));
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  document.cookie = `pw_device=${hex}; path=/; max-age=${60 * 60 * 24 * 365}; samesite=lax`;
}
