import { parseDuration } from './duration.ts';
import { OptionError } from './option-error.ts';

/** One stage: move linearly to `target` (users, or arrivals per second) over `durationSec` (0 = a jump). */
export interface Stage {
  durationSec: number;
  target: number;
}

/** Parsed stages and what their targets count. */
export interface ParsedStages {
  kind: 'users' | 'rate';
  stages: Stage[];
}

/** Arrivals per second from "50", "50/s", "3000/m" (per minute) or "2/h". */
export function parseRate(value: string | number, what: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new OptionError(`${what}: expected arrivals per second ≥ 0, got ${value}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*(s|m|h))?\s*$/i.exec(value);
  if (!m) throw new OptionError(`${what}: expected a rate like 50, 50/s or 3000/m, got "${value}"`);
  const perUnit = { s: 1, m: 60, h: 3600 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'];
  return Number(m[1]) / perUnit;
}

/**
 * `--stages "30s:50,2m:50,30s:0"` (users) or `"30s:100/s,1m:100/s"` (arrival rates), or `options.stages`
 * as that string or a list of `{ duration, users }` / `{ duration, rate }`. Targets must all be users or
 * all be rates.
 */
export function parseStages(value: unknown, what = '--stages'): ParsedStages {
  const items: { duration: string | number; target: string | number; rate: boolean }[] = [];
  if (typeof value === 'string') {
    for (const part of value.split(/[,;]/).map((p) => p.trim())) {
      if (part === '') continue;
      const m = /^([^:]+):(.+)$/.exec(part);
      if (!m)
        throw new OptionError(`${what}: expected DURATION:TARGET like 30s:50 or 1m:200/s, got "${part}"`);
      const target = (m[2] ?? '').trim();
      items.push({ duration: (m[1] ?? '').trim(), target, rate: /\//.test(target) });
    }
  } else if (Array.isArray(value)) {
    value.forEach((raw: unknown, i) => {
      if (typeof raw !== 'object' || raw === null)
        throw new OptionError(`${what}[${i}]: expected { duration, users } or { duration, rate }`);
      const s = raw as Record<string, unknown>;
      const duration = s.duration;
      if (typeof duration !== 'string' && typeof duration !== 'number')
        throw new OptionError(`${what}[${i}]: "duration" must be a duration like "30s"`);
      const target = s.rate ?? s.users ?? s.target;
      if (typeof target !== 'string' && typeof target !== 'number')
        throw new OptionError(`${what}[${i}]: expected "users" or "rate"`);
      items.push({
        duration,
        target,
        rate: s.rate !== undefined || (typeof target === 'string' && /\//.test(target)),
      });
    });
  } else {
    throw new OptionError(`${what}: expected "30s:50,1m:50,30s:0" or a list of { duration, users | rate }`);
  }
  if (items.length === 0) throw new OptionError(`${what}: no stage given`);
  const rates = items.filter((i) => i.rate).length;
  if (rates !== 0 && rates !== items.length)
    throw new OptionError(
      `${what}: mix of users and rates; give every target as users, or every one as a rate (N/s)`,
    );
  const kind = rates > 0 ? 'rate' : 'users';
  const stages = items.map((item, i): Stage => {
    const where = `${what} stage ${i + 1}`;
    const durationSec = parseDuration(item.duration, where);
    if (kind === 'rate') return { durationSec, target: parseRate(item.target, where) };
    const users = Number(item.target);
    if (!Number.isInteger(users) || users < 0)
      throw new OptionError(`${where}: expected a whole number of users ≥ 0, got "${item.target}"`);
    return { durationSec, target: users };
  });
  return { kind, stages };
}

export function stagesDurationSec(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationSec, 0);
}

/** Stages as text, for reports: "30s:50,2m:50,30s:0". */
export function formatStages(stages: readonly Stage[], kind: 'users' | 'rate'): string {
  return stages
    .map((s) => `${+s.durationSec.toFixed(3)}s:${+s.target.toFixed(3)}${kind === 'rate' ? '/s' : ''}`)
    .join(',');
}
