import { OptionError } from './option-error.ts';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Seconds from "90s", "1h30m", "2m", "500ms", "1.5s", or a bare number of seconds (as Locust's -t takes them).
 * `what` names the setting in the error message.
 */
export function parseDuration(value: string | number, what: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new OptionError(`${what}: expected a duration ≥ 0, got ${value}`);
  }
  const text = value.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] ?? 0);
    consumed = PART.lastIndex;
  }
  if (text === '' || consumed !== text.length) {
    throw new OptionError(`${what}: invalid duration "${value}"; use e.g. 30s, 5m, 1h30m, 500ms`);
  }
  return total;
}
