import type { Fields } from './body-fields.ts';
import { badRequest } from './http-error.ts';

/** Field validators: each returns the clean value or throws a 400 that names the field. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Ids are INTEGER columns in both databases. */
const MAX_ID = 2_147_483_647;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

export function requiredString(f: Fields, name: string, maxLength = 200): string {
  const v = f[name];
  if (!present(v)) throw badRequest(`field "${name}" is required`);
  return checkString(v, name, maxLength);
}

/** null when absent or empty. */
export function optionalString(f: Fields, name: string, maxLength = 200): string | null {
  const v = f[name];
  return present(v) ? checkString(v, name, maxLength) : null;
}

function checkString(v: unknown, name: string, maxLength: number): string {
  if (typeof v !== 'string') throw badRequest(`field "${name}" must be a string`);
  const s = v.trim();
  if (s.length > maxLength) throw badRequest(`field "${name}" must be at most ${maxLength} characters`);
  return s;
}

/** Lower-cased, so uniqueness does not depend on letter case. */
export function requiredEmail(f: Fields, name = 'email'): string {
  return checkEmail(requiredString(f, name, 254), name);
}

export function checkEmail(value: string, name: string): string {
  if (!EMAIL.test(value)) throw badRequest(`field "${name}" must be an email address`);
  return value.toLowerCase();
}

/** null when absent; numeric strings (form bodies) are accepted. */
export function optionalNumber(f: Fields, name: string, min: number, max: number): number | null {
  const v = f[name];
  return present(v) ? checkNumber(v, name, min, max) : null;
}

export function checkNumber(v: unknown, name: string, min: number, max: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw badRequest(`field "${name}" must be a number from ${min} to ${max}`);
  }
  return n;
}

export function requiredId(f: Fields, name: string): number {
  const v = f[name];
  if (!present(v)) throw badRequest(`field "${name}" is required`);
  return checkId(v, `field "${name}"`);
}

/** A path parameter such as the `:id` of /students/:id. */
export function pathId(value: string | undefined, name = 'id'): number {
  return checkId(value, name);
}

function checkId(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_ID) {
    throw badRequest(`${what} must be a positive integer`);
  }
  return n;
}

/** `?limit=&offset=` for list endpoints; no limit means all rows. */
export function pageOf(query: URLSearchParams): { limit?: number; offset: number } {
  const limit = query.get('limit');
  const offset = query.get('offset');
  const page: { limit?: number; offset: number } = { offset: 0 };
  if (limit !== null) page.limit = checkQueryInt(limit, 'limit', 0, 100_000);
  if (offset !== null) page.offset = checkQueryInt(offset, 'offset', 0, MAX_ID);
  return page;
}

function checkQueryInt(value: string, name: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max))
    throw badRequest(`query parameter "${name}" must be an integer from ${min} to ${max}`);
  return n;
}
