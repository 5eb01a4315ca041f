import type { Histogram } from './histogram.ts';
import { REPORTED_PERCENTILES } from './summary.ts';

/** Response times of some requests: exact count, min and max (ms) plus an HDR histogram in µs. */
export interface LatencyDistribution {
  readonly requests: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly histogram: Histogram;
}

/**
 * Response time (ms, unrounded) at `percentile` (0..100). 0 = min and 100 = max, both exact;
 * in between, HDR's value (highest equivalent µs) clamped to [min, max] so that a single
 * 1234 ms request does not report a p50 above its own max. 0 when there were no requests.
 */
export function percentileMs(latency: LatencyDistribution, percentile: number): number {
  if (latency.requests === 0) return 0;
  if (percentile >= 100) return latency.maxMs;
  if (percentile <= 0) return latency.minMs;
  const ms = latency.histogram.getValueAtPercentile(percentile) / 1000;
  return Math.min(Math.max(ms, latency.minMs), latency.maxMs);
}

/** REPORTED_PERCENTILES keyed as written ("50", "99.9", "100"), in ms rounded to 3 decimals. */
export function reportedPercentiles(latency: LatencyDistribution): Record<string, number> {
  const percentiles: Record<string, number> = {};
  for (const percentile of REPORTED_PERCENTILES) {
    percentiles[String(percentile)] = round3(percentileMs(latency, percentile));
  }
  return percentiles;
}

/** Rounds to 3 decimals: µs for milliseconds, which is all the histograms resolve. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
