/**
 * The run summary: the single source of truth every reporter renders (console, CSV, JSON, HTML, JUnit).
 * Times are milliseconds (floats, sub-millisecond resolution); rates are per second.
 * Serialised as-is by `--json-file`; see docs/json-schema.md. Bump `schemaVersion` on breaking changes.
 */

import type { GeneratorCpu } from './generator-cpu.ts';
import type { RecordingSummary } from './recording-summary.ts';

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
  /** Named checks so far, sorted by request name, method and check name. */
  checks: CheckSummary[];
  /** Open model only: the arrivals so far. */
  arrivals?: ArrivalSnapshot;
}

/** The open model's arrivals at the moment of a snapshot (counts since the start or the last reset). */
export interface ArrivalSnapshot {
  /** Arrivals per second the schedule asks for right now. */
  rate: number;
  /** Arrivals the schedule has put out (launched + dropped). */
  scheduled: number;
  launched: number;
  /** Arrivals that found no free user under --max-users. */
  dropped: number;
}

/** The load model of a run: users looping over tasks (closed) or arrivals on a schedule (open). */
export type LoadModel = 'closed' | 'open';

/** The open model's arrivals over the run (counts since the start or the last reset). */
export interface ArrivalSummary {
  /** Arrivals per second the schedule asked for, on average: scheduled arrivals ÷ durationSec. */
  targetRate: number;
  /** Arrivals per second that ran: launched ÷ durationSec. */
  achievedRate: number;
  /** Seconds the schedule ran (the run, or since the last stats reset). */
  durationSec: number;
  /** Arrivals due by the schedule (launched + dropped). */
  scheduled: number;
  /** Arrivals that ran a task on a user. */
  launched: number;
  /**
   * Arrivals that found no free user within the patience (1 s): at maxUsers, the system under test was
   * too slow to keep up; see droppedSaturated for the rest.
   */
  dropped: number;
  /**
   * Of `dropped`, those that waited the patience below maxUsers with volley's own event loop saturated
   * at some moment of the wait, and those still waiting when a run that was saturated stopped: the load
   * generator, not the target, could not keep up (see `meta.generator`).
   */
  droppedSaturated: number;
  /** --max-users: the cap on concurrent virtual users. */
  maxUsers: number;
  /** Time from an arrival's intended time on the schedule to the end of its task (name "iteration"). */
  iteration: EndpointSummary;
  /**
   * The same requests with latency measured from when each was sent, not from the schedule
   * (the figure tools suffering from coordinated omission report). The headline tables are corrected.
   */
  uncorrected: { endpoints: EndpointSummary[]; aggregated: EndpointSummary };
}

/** One step of a capacity search: a constant arrival rate for a while, and how the target fared. */
export interface CapacityStep {
  /** Target arrival rate of the step, per second. */
  rate: number;
  /** Arrivals launched per second during the step. */
  achievedRate: number;
  launched: number;
  dropped: number;
  requests: number;
  /** Failed requests ÷ requests (0 without requests). */
  failRatio: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Every threshold held, nothing dropped beyond 1 %, and every arrival finished in time. */
  passed: boolean;
  /** Why the step failed ("p95<500 (actual 812.3)", "dropped 3.2% of arrivals", …); empty when passed. */
  broken: string[];
}

/** `--find-capacity`: the highest arrival rate the target sustained within the thresholds. */
export interface CapacitySummary {
  /** The highest rate whose step passed; null when even the first step failed. */
  sustainableRate: number | null;
  /** The rate of the first step that failed; null when the search ended first (max rate, time, stop). */
  breakingRate: number | null;
  /** The breaking criteria (the run's thresholds). */
  thresholds: string[];
  stepDurationSec: number;
  /** Every step in order: a chart-ready series. */
  steps: CapacityStep[];
  /** The latency table of the sustainable step (null when none passed). */
  sustainable: { endpoints: EndpointSummary[]; aggregated: EndpointSummary } | null;
}

export interface FailureSummary {
  method: string;
  name: string;
  /** The failure message: "HTTP 500", the check's message, "connection refused (ECONNREFUSED) …". */
  error: string;
  occurrences: number;
}

/** One named check (a key of a request's `check` record) on one endpoint. */
export interface CheckSummary {
  /** The check's name, as written in the `check` record. */
  name: string;
  /** The endpoint it ran on: the request's method and name, as in `endpoints`. */
  method: string;
  endpoint: string;
  passes: number;
  fails: number;
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
  /** e.g. "p95", "p99.9", "avg", "max", "min", "med", "fail_ratio", "checks", "rps", "requests", "failures". */
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
  /**
   * Why the run ended: "run-time", "iterations", "signal", "all-users-stopped", "error", "stages" (the last
   * stage ended), "shape" (the shape returned null), "capacity" (a capacity search ended), "stopped" (stop()),
   * "threshold-abort" (a `:abort` threshold failed during the run).
   */
  stopReason: string;
  /** "closed" (users) or "open" (arrival rate). */
  loadModel?: LoadModel;
  /** --profile, when one was used. */
  profile?: string | null;
  /** The generator's own CPU; absent in summaries from older versions. */
  generator?: GeneratorCpu;
  /** Users of each user class when the most users ran (one process only; absent otherwise). */
  usersByClass?: Record<string, number>;
}

export interface RunSummary {
  schemaVersion: 1;
  meta: RunMeta;
  /** Sorted by (name, method), as Locust sorts its table. */
  endpoints: EndpointSummary[];
  aggregated: EndpointSummary;
  failures: FailureSummary[];
  exceptions: ExceptionSummary[];
  /** Passes and fails of each named check, sorted by request name, method and check name. */
  checks: CheckSummary[];
  thresholds: ThresholdResult[];
  /** Open model: arrivals, dropped arrivals, iteration times and the uncorrected latency. */
  arrivals?: ArrivalSummary;
  /** --find-capacity: the search's steps and result. */
  capacity?: CapacitySummary;
  /** true when requests were sent and every threshold passed (and, without a fail_ratio threshold, none failed). */
  passed: boolean;
  exitCode: number;
  /** Present for record/replay runs (--record, --replay): what was recorded or replayed, and divergences. */
  recording?: RecordingSummary;
  /** The whole-run latency histograms behind `endpoints` and `aggregated` (what `volley compare` tests). */
  histograms?: LatencyHistograms;
  /** Multi-process runs (--processes, --master): each worker, by index. */
  workers?: WorkerSummary[];
}

/** One worker of a multi-process run, as the coordinator saw it. */
export interface WorkerSummary {
  /** Its share of the run (0-based; `volley worker --index`). */
  index: number;
  /** Where it ran: "host:pid" as it said in its hello. */
  host: string;
  /** Requests it reported. */
  requests: number;
  /** done: ran to the end and reported it all; lost: ended before the run did. */
  state: 'done' | 'lost';
  /** Why it was lost, one line. */
  lossReason?: string;
}

/** Whole-run latency histograms, each in the standard compressed HdrHistogram encoding (base64), values in µs. */
export interface LatencyHistograms {
  /** How each `histogram` is encoded: "hdr-base64-us". */
  encoding: typeof HISTOGRAM_ENCODING;
  endpoints: { method: string; name: string; histogram: string }[];
  aggregated: string;
}

export const HISTOGRAM_ENCODING = 'hdr-base64-us';
