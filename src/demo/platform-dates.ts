import { badRequest } from './http-error.ts';

const DAY_MS = 86_400_000;

/** The UTC day of an epoch-ms time, YYYY-MM-DD (the platform's days are UTC days). */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A request date as the platform's clients send it (DD-MM-YYYY), or YYYY-MM-DD; returns YYYY-MM-DD. */
export function parseDay(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw badRequest(`field "${field}" is required`);
  const dmy = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text);
  const iso = dmy === null ? text : `${dmy[3]}-${dmy[2]}-${dmy[1]}`;
  // Round-tripping through Date rejects 31-02-2024 and friends.
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(iso) ||
    Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ||
    dayOf(Date.parse(`${iso}T00:00:00Z`)) !== iso
  ) {
    throw badRequest(`field "${field}" must be a date as DD-MM-YYYY (or YYYY-MM-DD)`);
  }
  return iso;
}

let lastRecordTime = 0;

/** Epoch ms that identifies a new food record: the clock, bumped so two uploads never share a value. */
export function nextRecordTime(): number {
  lastRecordTime = Math.max(Date.now(), lastRecordTime + 1);
  return lastRecordTime;
}
