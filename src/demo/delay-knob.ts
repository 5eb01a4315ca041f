import { badRequest } from './http-error.ts';

/** Longest `?delay=` honoured; larger values are capped so a typo cannot hang a connection for hours. */
export const MAX_DELAY_MS = 60_000;

/**
 * The `?delay=MS` test knob: how long to wait before handling the request (0 when absent). Capped at
 * MAX_DELAY_MS; anything but a whole number of milliseconds is a 400.
 */
export function delayOf(query: URLSearchParams): number {
  const raw = query.get('delay');
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw.trim())) {
    throw badRequest(`query parameter "delay" must be a whole number of milliseconds (0–${MAX_DELAY_MS})`);
  }
  return Math.min(Number(raw.trim()), MAX_DELAY_MS);
}
