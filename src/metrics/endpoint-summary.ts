import type { EndpointStats } from './endpoint-stats.ts';
import type { Histogram } from './histogram.ts';
import { percentileMs, reportedPercentiles, round3 } from './latency.ts';
import { windowSeconds } from './sliding-window.ts';
import type { EndpointSummary } from './summary.ts';

/** When figures are read: `nowMs` (the stop time once stopped) and when counting began (start or reset). */
export interface StatsClock {
  nowMs: number;
  /** `nowMs`'s second on the windows' timeline. */
  nowSecond: number;
  statsStartMs: number;
}

/** Seconds the whole-run rates divide by: from the start (or last reset) to now (or stop). */
export function statsElapsedSec(clock: StatsClock): number {
  return Math.max(0, clock.nowMs - clock.statsStartMs) / 1000;
}

/** One table row. `scratch` is a window-sized histogram this call may overwrite. */
export function summarizeEndpoint(
  stats: EndpointStats,
  clock: StatsClock,
  scratch: Histogram,
): EndpointSummary {
  const elapsedSec = statsElapsedSec(clock);
  const current = stats.window.totals(clock.nowSecond, scratch);
  const currentSec = windowSeconds(clock.nowMs, clock.statsStartMs);
  return {
    method: stats.method,
    name: stats.name,
    requests: stats.requests,
    failures: stats.failures,
    minMs: round3(stats.minMs),
    maxMs: round3(stats.maxMs),
    avgMs: round3(stats.avgMs()),
    medianMs: round3(percentileMs(stats, 50)),
    avgContentBytes: round3(stats.avgContentBytes()),
    rps: perSecond(stats.requests, elapsedSec),
    failuresPerSec: perSecond(stats.failures, elapsedSec),
    currentRps: perSecond(current.requests, currentSec),
    currentFailuresPerSec: perSecond(current.failures, currentSec),
    percentiles: reportedPercentiles(stats),
    currentPercentiles: reportedPercentiles(current),
  };
}

/** A rate rounded to 3 decimals; 0 over an empty interval. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? round3(count / seconds) : 0;
}
