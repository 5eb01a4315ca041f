/**
 * What a secret becomes: `__REDACTED_1__`, numbered per distinct value. Only letters, digits and `_`, so
 * a placeholder a replayed response hands the scenario comes back byte for byte wherever it goes: in a
 * path, a query string (encodeURIComponent and URLSearchParams leave it as is), a header, JSON or a form.
 * Recordings made before used `<redacted:1>`, which is still read.
 */
export function placeholder(n: number): string {
  return `__REDACTED_${n}__`;
}

/** The placeholder that stands for any secret, when a live request is compared with a recording. */
export const WILDCARD = '__REDACTED__';

const ONE = /^(?:__REDACTED(?:_\d+)?__|<redacted(?::\d+)?>)$/;
const NUMBERED = /__REDACTED_(\d+)__|<redacted:(\d+)>/g;

export function isPlaceholder(value: string): boolean {
  return ONE.test(value);
}

/** The highest placeholder number in `text` (0 when none). */
export function highestPlaceholder(text: string): number {
  let highest = 0;
  for (const m of text.matchAll(NUMBERED)) highest = Math.max(highest, Number(m[1] ?? m[2]));
  return highest;
}

/** Turns numbered placeholders into the wildcard, for comparing a live request with a recorded one. */
export function anonymisePlaceholders(text: string): string {
  return text.replace(NUMBERED, WILDCARD);
}
