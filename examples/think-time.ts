import { between, constant, type WaitTime } from 'volley';

/**
 * The wait between a user's tasks (Locust's wait_time): `between(min, max)` seconds, unless the THINK_TIME
 * environment variable overrides it for this run — `THINK_TIME=0` (no think time: stress runs, CI),
 * `THINK_TIME=2` (always 2 s) or `THINK_TIME=1-3` (random between 1 and 3 s).
 */
export function thinkTime(min: number, max: number): WaitTime {
  const setting = process.env.THINK_TIME?.trim();
  if (!setting) return between(min, max);
  const [low, high] = setting.split('-').map(Number);
  if (low === undefined || !Number.isFinite(low) || (high !== undefined && !Number.isFinite(high))) {
    throw new RangeError(`THINK_TIME: expected seconds like "0", "2" or "1-3", got "${setting}"`);
  }
  return high === undefined ? constant(low) : between(low, high);
}
