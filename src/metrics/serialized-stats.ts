/**
 * The JSON-safe form of a RunStats, sent by worker processes and merged exactly by `RunStats.merge`.
 * Histograms travel as their non-empty bins (sparse-histogram.ts), so merging loses nothing and costs what
 * was recorded.
 */
import type { CheckSummary, ExceptionSummary } from './summary.ts';

/**
 * v2: named checks' counts were added. v3: histograms in the uncompressed V2 encoding; empty endpoints left
 * out. v4: histograms as sparse bins; endpoints and seconds as positional arrays; the aggregated row only its
 * totals (the receiver adds the endpoints).
 */
export const SERIALIZED_STATS_FORMAT = 'volley.run-stats.v4';

export interface SerializedRunStats {
  format: typeof SERIALIZED_STATS_FORMAT;
  /** Only the endpoints that saw requests. */
  endpoints: SerializedEndpoint[];
  /**
   * The endpoints' requests and failures added up: a check that they are whole. The aggregated row's
   * histograms and window are the endpoints' own added, so a worker cannot send one that disagrees.
   */
  aggregated: SerializedTotals;
  exceptions: ExceptionSummary[];
  /** Named checks' passes and fails, added row by row. */
  checks: CheckSummary[];
}

export interface SerializedTotals {
  requests: number;
  failures: number;
}

/**
 * One endpoint, as a positional array: JSON arrays parse in about half the time of the same objects with
 * their keys, at half the size, and a coordinator parses one per endpoint per worker per second. Fields are
 * read through ENDPOINT's indexes.
 */
export type SerializedEndpoint = [
  method: string,
  name: string,
  requests: number,
  failures: number,
  minMs: number,
  maxMs: number,
  sumMicros: number,
  contentBytes: number,
  /** Sparse bins at LATENCY_DIGITS; their counts add up to `requests`. */
  histogram: string,
  /** Only the seconds that saw requests. */
  window: SerializedSecond[],
  /** Failure message and occurrences. */
  errors: SerializedFailure[],
];

export const ENDPOINT = {
  method: 0,
  name: 1,
  requests: 2,
  failures: 3,
  minMs: 4,
  maxMs: 5,
  sumMicros: 6,
  contentBytes: 7,
  histogram: 8,
  window: 9,
  errors: 10,
} as const;

/** One second of an endpoint's window; `second` is an epoch second (floor(ms / 1000)). */
export type SerializedSecond = [
  second: number,
  requests: number,
  failures: number,
  minMs: number,
  maxMs: number,
  /** Sparse bins at WINDOW_DIGITS; their counts add up to `requests`. */
  histogram: string,
];

export const SECOND = { second: 0, requests: 1, failures: 2, minMs: 3, maxMs: 4, histogram: 5 } as const;

export type SerializedFailure = [error: string, occurrences: number];

/** Thrown by `RunStats.merge` when handed something that is not a serialized RunStats of this version. */
export class StatsFormatError extends Error {
  override readonly name = 'StatsFormatError';
  constructor(found: unknown) {
    super(
      `cannot merge statistics in format ${JSON.stringify(found) ?? String(found)}: expected "${SERIALIZED_STATS_FORMAT}" (are all workers running the same volley version?)`,
    );
  }
}

/** Checks the envelope only: the rest comes from a trusted volley process. */
export function assertSerializedStats(data: unknown): asserts data is SerializedRunStats {
  const format = typeof data === 'object' && data !== null ? (data as { format?: unknown }).format : data;
  if (format !== SERIALIZED_STATS_FORMAT) throw new StatsFormatError(format);
}
