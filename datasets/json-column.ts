/** Where a value sits in one line of JSON, so that a problem about a field can name its column. */

export type JsonPath = readonly (string | number)[];

const SPACE = " \t\r\n\uFEFF";

function skipSpace(s: string, i: number): number {
  while (i < s.length && SPACE.includes(s[i])) i++;
  return i;
}

/** From an opening quote to just past the closing one. */
function skipString(s: string, i: number): number {
  for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === "\\") i++;
  return i + 1;
}

function skipValue(s: string, i: number): number {
  if (s[i] === '"') return skipString(s, i);
  if (s[i] !== "{" && s[i] !== "[") {
    while (i < s.length && !",]}".includes(s[i]) && !SPACE.includes(s[i])) i++;
    return i;
  }
  let depth = 0;
  for (; i < s.length; i++) {
    if (s[i] === '"') i = skipString(s, i) - 1;
    else if (s[i] === "{" || s[i] === "[") depth++;
    else if ((s[i] === "}" || s[i] === "]") && --depth === 0) return i + 1;
  }
  return i;
}

/** Index of the member `step` of the object or list starting at `at` (the last one, as JSON.parse keeps). */
function memberStart(s: string, at: number, step: string | number): number | undefined {
  const isObject = s[at] === "{";
  if (!isObject && s[at] !== "[") return undefined;
  let found: number | undefined;
  let i = skipSpace(s, at + 1);
  for (let index = 0; i < s.length && s[i] !== "}" && s[i] !== "]"; index++) {
    let key: string | number = index;
    if (isObject) {
      const end = skipString(s, i);
      key = JSON.parse(s.slice(i, end)) as string;
      i = skipSpace(s, skipSpace(s, end) + 1);
    }
    if (key === step) found = i;
    i = skipSpace(s, skipValue(s, i));
    if (s[i] === ",") i = skipSpace(s, i + 1);
  }
  return found;
}

/** The 1-based column where the value at `path` starts in `line`, a valid JSON text (or its deepest part found). */
export function columnAt(line: string, path: JsonPath): number {
  let at = skipSpace(line, 0);
  for (const step of path) {
    const next = memberStart(line, at, step);
    if (next === undefined) break;
    at = next;
  }
  return at + 1;
}
