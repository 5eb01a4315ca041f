/**
 * The run summary: the single source of truth every reporter renders (console, CSV, JSON, HTML, JUnit).
 * Times are milliseconds (floats, sub-millisecond resolution); rates are per second.
 * Serialised as-is by `--json-file`; see docs/json-schema.md. Bump `schemaVersion` on breaking changes.
 */

import type { GeneratorCpu } from './generator-cpu.ts';

/** Percentiles reported everywhere, in Locust's order. Keys of `EndpointSummary.percentiles`. */
export const REPORTED_PERCENTILES = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100] as const;

export interface EndpointSummary {
  /** HTTP method (Locust's "Type"); empty string for the aggregated row. */
  method: string;
  /** Request name (the `name` option, or the path without query); "Aggregated" for the total row. */
  name: string;
  requests: number;
  failures: number;
  /** 0 when there were no requests. */
  minMs: number;
  maxMs: number;
  avgMs: number;
  medianMs: number;
  avgContentBytes: number;
  /** Over the whole run. */
  rps: number;
  failuresPerSec: number;
  /** Over the last 10 s window (Locust's "current"). */
  currentRps: number;
  currentFailuresPerSec: number;
  /** Key: the percentile as written in REPORTED_PERCENTILES ("50", "99.9", "100"). Value: ms. */
  percentiles: Record<string, number>;
  /** The same percentiles over the last 10 s window (Locust's current response time percentiles). */
  currentPercentiles: Record<string, number>;
}

/** Live statistics, taken about once a second while a run goes on (console, stats history, web UI). */
export interface StatsSnapshot {
  /** Epoch milliseconds when taken. */
  timestamp: number;
  /** Users running at that moment. */
  users: number;
  /** Seconds since the run started. */
  elapsedSec: number;
  endpoints: EndpointSummary[];
  aggregated: EndpointSummary;
  failures: FailureSummary[];
  exceptions: ExceptionSummary[];
}

export interface FailureSummary {
  method: string;
  name: string;
  /** The failure message: "HTTP 500", the check's message, "connection refused (ECONNREFUSED) …". */
  error: string;
  occurrences: number;
}

export interface ExceptionSummary {
  /** `Error.name: message` of what a task threw. */
  message: string;
  count: number;
  /** Stack of the first occurrence. */
  stack: string;
}

export interface ThresholdResult {
  /** As the user wrote it, e.g. "GET /students: p95<500". */
  expression: string;
  /** "METHOD name" or "name" the threshold is scoped to; null for the aggregated row. */
  scope: string | null;
  /** e.g. "p95", "p99.9", "avg", "max", "min", "med", "fail_ratio", "rps", "requests", "failures". */
  metric: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  target: number;
  /** null when the metric could not be measured (no requests matched the scope). */
  actual: number | null;
  passed: boolean;
}

export interface RunMeta {
  volleyVersion: string;
  scenario: string;
  host: string;
  /** The command line as typed, argv joined with spaces. */
  command: string;
  startedAt: string;
  endedAt: string;
  durationSec: number;
  /** Highest number of concurrently running users. */
  peakUsers: number;
  seed: number | null;
  /** Why the run ended: "run-time", "iterations", "signal", "all-users-stopped", "error". */
  stopReason: string;
  /** The generator's own CPU; absent in summaries from older versions. */
  generator?: GeneratorCpu;
}

export interface RunSummary {
  schemaVersion: 1;
  meta: RunMeta;
  /** Sorted by (name, method), as Locust sorts its table. */
  endpoints: EndpointSummary[];
  aggregated: EndpointSummary;
  failures: FailureSummary[];
  exceptions: ExceptionSummary[];
  thresholds: ThresholdResult[];
  /** true when every threshold passed (and, without a fail_ratio threshold, no request failed). */
  passed: boolean;
  exitCode: number;
}
