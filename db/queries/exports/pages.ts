/** Rows per page of an export: each page is one short keyset query, nothing is held open between pages. */
export const PAGE = 1000;

/**
 * Every row of a keyset-paginated query, a page at a time: `page(after)` returns up to PAGE rows with ids above
 * `after`, in id order. The next page is asked for only once the last row of this one has been taken.
 */
export async function* keysetPages<T extends { id: string | number }>(
  page: (after: number) => Promise<T[]>,
): AsyncGenerator<T> {
  let after = 0;
  for (;;) {
    const rows = await page(after);
    for (const row of rows) yield row;
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1].id);
  }
}

/** A jsonb value as it arrives: parsed already by PGlite, sometimes as text from postgres-js. */
export const parseJson = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);
