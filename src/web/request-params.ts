import { VolleyError } from '../errors.ts';
import type { RunParams } from './live-run.ts';

/** A request body the UI cannot act on; its message is shown to the user. */
export class BadRequestError extends VolleyError {
  override name = 'BadRequestError';
  override readonly code: string = 'VOLLEY_BAD_REQUEST';
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('expected a JSON object');
  }
  return body as Record<string, unknown>;
}

/** A number from a JSON number or a form string; undefined when empty. */
function optionalNumber(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new BadRequestError(`${what}: expected a number`);
  return n;
}

function users(value: unknown): number {
  const n = optionalNumber(value, 'users');
  if (n === undefined || !Number.isInteger(n) || n < 0) {
    throw new BadRequestError('users: expected a whole number ≥ 0');
  }
  return n;
}

function spawnRate(value: unknown): number | undefined {
  const n = optionalNumber(value, 'spawn rate');
  if (n !== undefined && n <= 0) throw new BadRequestError('spawn rate: expected users per second > 0');
  return n;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`${what}: expected a string`);
  return value.trim() || undefined;
}

/** The Start form: `{ users, spawnRate?, host?, runTime?, tags? }`; missing fields take the defaults. */
export function parseRunParams(body: unknown, defaults: RunParams): RunParams {
  const o = object(body);
  const u = users(o.users ?? defaults.users);
  if (u < 1) throw new BadRequestError('users: expected a whole number ≥ 1');
  const rate = o.spawnRate === undefined ? defaults.spawnRate : (spawnRate(o.spawnRate) ?? null);
  const host = o.host === undefined ? defaults.host : (optionalString(o.host, 'host') ?? '');
  const runTime =
    o.runTime === undefined ? defaults.runTime : (optionalString(o.runTime, 'run time') ?? null);
  let tags = defaults.tags;
  if (o.tags !== undefined) {
    const raw = Array.isArray(o.tags) ? o.tags : optionalString(o.tags, 'tags')?.split(/[,\s]+/);
    if (raw && !raw.every((t) => typeof t === 'string')) throw new BadRequestError('tags: expected strings');
    tags = ((raw ?? []) as string[]).map((t) => t.trim()).filter(Boolean);
  }
  return { users: u, spawnRate: rate, host, runTime, tags };
}

/** "Edit users": `{ users, spawnRate? }`. */
export function parseUsersChange(body: unknown): { users: number; spawnRate?: number } {
  const o = object(body);
  const u = users(o.users);
  const rate = spawnRate(o.spawnRate);
  return rate === undefined ? { users: u } : { users: u, spawnRate: rate };
}

/** "Edit" for an open-model run: `{ rate }` arrivals per second. */
export function parseRateChange(body: unknown): number {
  const o = object(body);
  const rate = optionalNumber(o.rate, 'arrival rate');
  if (rate === undefined || rate < 0)
    throw new BadRequestError('arrival rate: expected arrivals per second ≥ 0');
  return rate;
}
