/**
 * The statistics of a run: per-endpoint and aggregated figures, failures, exceptions and named checks.
 * Fed by the HTTP client and the engine through SampleSink; read as snapshots (live) and a summary (final).
 *
 * Rates: `rps` = requests / seconds from `start()` (or the last `reset()`) to `stop()` (or now while running).
 * "Current" figures cover the last 10 seconds at one-second granularity (see SlidingWindow).
 */
import { CheckTable, type CheckTotals } from './check-table.ts';
import { monotonicEpochMs } from './clock.ts';
import { compareText } from './compare-text.ts';
import { EndpointStats } from './endpoint-stats.ts';
import type { StatsClock } from './endpoint-summary.ts';
import { statsElapsedSec, summarizeEndpoint } from './endpoint-summary.ts';
import { ExceptionTable } from './exception-table.ts';
import type { Histogram } from './histogram.ts';
import {
  createWindowHistogram,
  destroyHistograms,
  destroyHistogramsWith,
  encodeHistogramPortable,
  MAX_RESPONSE_TIME_MS,
  toMicros,
} from './histogram.ts';
import { round3 } from './latency.ts';
import { decideOutcome } from './run-outcome.ts';
import type { SerializedRunStats } from './serialized-stats.ts';
import { assertSerializedStats, ENDPOINT, SERIALIZED_STATS_FORMAT } from './serialized-stats.ts';
import type { SampleSink } from './sink.ts';
import type {
  EndpointSummary,
  FailureSummary,
  LatencyHistograms,
  RunMeta,
  RunSummary,
  StatsSnapshot,
  ThresholdResult,
} from './summary.ts';
import { HISTOGRAM_ENCODING } from './summary.ts';
import type { ThresholdSubject } from './threshold-evaluation.ts';
import { evaluateThresholds } from './threshold-evaluation.ts';
import type { Threshold } from './thresholds.ts';

export interface RunStatsOptions {
  /** Epoch milliseconds, may be fractional. Default: `monotonicEpochMs`. */
  now?: () => number;
}

export interface SummaryOptions {
  /** Exit code when requests failed and no fail_ratio threshold is set (Locust's --exit-code-on-error). */
  exitCodeOnError: number;
}

const AGGREGATED_NAME = 'Aggregated';

export class RunStats implements SampleSink {
  private readonly now: () => number;
  /** method → name → stats: two lookups by the caller's own strings, so a known endpoint costs no allocation. */
  private readonly byMethod = new Map<string, Map<string, EndpointStats>>();
  private readonly endpoints: EndpointStats[] = [];
  /** The endpoint the last request counted in (endpoints are never removed). */
  private lastEndpoint: EndpointStats | null = null;
  private readonly aggregated = new EndpointStats('', AGGREGATED_NAME);
  /** Merges added counts to the aggregated row but not values to its histograms: rebuilt when next read. */
  private aggregatedStale = false;
  private readonly exceptions = new ExceptionTable();
  private readonly checks = new CheckTable();
  /** Where the current-window histograms are summed when read. */
  private readonly scratch: Histogram = createWindowHistogram();
  private runStartMs: number;
  private statsStartMs: number;
  private stoppedAtMs: number | null = null;
  /** Epoch second that the windows' second 0 stands for (see SlidingWindow). */
  private readonly originSecond: number;

  /** The run counts as started at construction until `start()` says otherwise. */
  constructor(options: RunStatsOptions = {}) {
    this.now = options.now ?? monotonicEpochMs;
    this.runStartMs = this.statsStartMs = this.now();
    this.originSecond = Math.floor(this.runStartMs / 1000);
    destroyHistogramsWith(this, [this.scratch]);
  }

  start(atMs: number = this.now()): void {
    this.runStartMs = this.statsStartMs = atMs;
    this.stoppedAtMs = null;
  }

  /** Freezes the clock the figures are read at: rates and the current window stay as they were at `atMs`. */
  stop(atMs: number = this.now()): void {
    this.stoppedAtMs = atMs;
  }

  /**
   * Zeroes every figure and restarts the rates' clock; the run goes on (the web UI's reset).
   * Endpoints already seen stay listed with zeros, as in Locust.
   */
  reset(): void {
    for (const endpoint of this.endpoints) endpoint.clear();
    this.aggregated.clear();
    this.exceptions.clear();
    this.checks.clear();
    this.statsStartMs = this.readingTime();
  }

  request(
    method: string,
    name: string,
    responseTimeMs: number,
    contentBytes: number,
    error: string | null,
  ): void {
    // The same endpoint as the last request (a scenario of one request, or a burst of one): no look-up.
    let endpoint = this.lastEndpoint;
    if (endpoint === null || name !== endpoint.name || method !== endpoint.method) {
      endpoint = this.byMethod.get(method)?.get(name) ?? this.addEndpoint(method, name);
      this.lastEndpoint = endpoint;
    }
    // Negative or NaN → 0; beyond the histogram's range → its max (an outlier must not stop the run).
    // In range, the caller's own number is passed on: a computed double would be boxed on every call.
    let ms = responseTimeMs;
    if (!(ms >= 0)) ms = 0;
    else if (ms > MAX_RESPONSE_TIME_MS) ms = MAX_RESPONSE_TIME_MS;
    const micros = toMicros(ms);
    const bytes = contentBytes >= 0 && contentBytes !== Number.POSITIVE_INFINITY ? contentBytes : 0;
    const second = this.secondAt(this.now());
    const failed = error !== null;
    endpoint.record(ms, micros, bytes, failed, second);
    this.aggregated.record(ms, micros, bytes, failed, second);
    if (failed) endpoint.countFailure(error);
  }

  check(method: string, name: string, check: string, passed: boolean): void {
    this.checks.record(method, name, check, passed);
  }

  exception(error: unknown): void {
    this.exceptions.record(error);
  }

  snapshot(users: number): StatsSnapshot {
    this.refreshAggregated();
    const clock = this.clock();
    const { endpoints, aggregated } = this.summarizeEndpoints(clock);
    return {
      timestamp: Math.round(clock.nowMs),
      users,
      elapsedSec: round3(Math.max(0, clock.nowMs - this.runStartMs) / 1000),
      endpoints,
      aggregated,
      failures: this.failures(),
      exceptions: this.exceptions.list(),
      checks: this.checks.list(),
    };
  }

  /** The thresholds judged on the numbers so far (the run's `:abort` thresholds, once a second). */
  judge(thresholds: readonly Threshold[]): ThresholdResult[] {
    this.refreshAggregated();
    const merged: EndpointStats[] = [];
    try {
      return evaluateThresholds(
        thresholds,
        (scope) => this.subjectFor(scope, merged),
        statsElapsedSec(this.clock()),
        (scope) => this.checkTotalsFor(scope),
      );
    } finally {
      for (const stats of merged) stats.dispose();
    }
  }

  /** Requests and failures so far, and the most frequent failure (null when none failed). */
  failureRate(): { requests: number; failures: number; topError: string | null } {
    const { requests, failures } = this.aggregated;
    return { requests, failures, topError: failures > 0 ? (this.failures()[0]?.error ?? null) : null };
  }

  summary(meta: RunMeta, thresholds: readonly Threshold[], options: SummaryOptions): RunSummary {
    this.refreshAggregated();
    const clock = this.clock();
    const { endpoints, aggregated } = this.summarizeEndpoints(clock);
    const merged: EndpointStats[] = [];
    try {
      const results = evaluateThresholds(
        thresholds,
        (scope) => this.subjectFor(scope, merged),
        statsElapsedSec(clock),
        (scope) => this.checkTotalsFor(scope),
      );
      const { passed, exitCode } = decideOutcome(
        results,
        { sent: this.aggregated.requests, failed: this.aggregated.failures },
        options.exitCodeOnError,
      );
      return {
        schemaVersion: 1,
        meta,
        endpoints,
        aggregated,
        failures: this.failures(),
        exceptions: this.exceptions.list(),
        checks: this.checks.list(),
        thresholds: results,
        passed,
        exitCode,
        histograms: this.histograms(),
      };
    } finally {
      for (const stats of merged) stats.dispose();
    }
  }

  /** The whole-run histograms, for comparing runs (`volley compare`). */
  private histograms(): LatencyHistograms {
    return {
      encoding: HISTOGRAM_ENCODING,
      endpoints: this.sortedEndpoints().map((e) => ({
        method: e.method,
        name: e.name,
        histogram: encodeHistogramPortable(e.histogram),
      })),
      aggregated: encodeHistogramPortable(this.aggregated.histogram),
    };
  }

  /**
   * Everything recorded, JSON-safe, for `merge` in another process. Run timing is not included. Endpoints
   * without a request since the last `reset()` carry nothing and are left out (a coordinator merging a
   * thousand workers' deltas pays for what they recorded, not for every endpoint they know).
   */
  serialize(): SerializedRunStats {
    return {
      format: SERIALIZED_STATS_FORMAT,
      endpoints: this.endpoints
        .filter((endpoint) => endpoint.requests > 0)
        .map((endpoint) => endpoint.serialize(this.originSecond)),
      aggregated: { requests: this.aggregated.requests, failures: this.aggregated.failures },
      exceptions: this.exceptions.list(),
      checks: this.checks.list(),
    };
  }

  /**
   * Adds what another RunStats recorded, exactly (histograms included); the aggregated row gets the sum of
   * the endpoints (what it holds in the process that recorded them), its histograms when next read.
   * Throws StatsFormatError for data of another format version. Timing (start/stop) stays this instance's own.
   */
  merge(data: SerializedRunStats): void {
    assertSerializedStats(data);
    for (const endpoint of data.endpoints) {
      const method = endpoint[ENDPOINT.method];
      const name = endpoint[ENDPOINT.name];
      const stats = this.byMethod.get(method)?.get(name) ?? this.addEndpoint(method, name);
      stats.merge(endpoint, this.originSecond, this.aggregated);
    }
    if (data.endpoints.length > 0) this.aggregatedStale = true;
    for (const { message, count, stack } of data.exceptions) this.exceptions.add(message, count, stack);
    for (const check of data.checks) this.checks.add(check);
  }

  /** Frees the histograms' WebAssembly memory now, rather than when garbage-collected. Unusable afterwards. */
  dispose(): void {
    for (const endpoint of this.endpoints) endpoint.dispose();
    this.aggregated.dispose();
    destroyHistograms(this, [this.scratch]);
  }

  private addEndpoint(method: string, name: string): EndpointStats {
    let byName = this.byMethod.get(method);
    if (byName === undefined) {
      byName = new Map();
      this.byMethod.set(method, byName);
    }
    const endpoint = new EndpointStats(method, name);
    byName.set(name, endpoint);
    this.endpoints.push(endpoint);
    return endpoint;
  }

  /** The aggregated row's histograms, brought up to date with the merges since they were last read. */
  private refreshAggregated(): void {
    if (!this.aggregatedStale) return;
    this.aggregatedStale = false;
    this.aggregated.rebuildHistograms(this.endpoints);
  }

  private readingTime(): number {
    return this.stoppedAtMs ?? this.now();
  }

  private clock(): StatsClock {
    const nowMs = this.readingTime();
    return { nowMs, nowSecond: this.secondAt(nowMs), statsStartMs: this.statsStartMs };
  }

  private secondAt(epochMs: number): number {
    return Math.floor(epochMs / 1000) - this.originSecond;
  }

  /** By name then method, as Locust sorts its table. */
  private sortedEndpoints(): EndpointStats[] {
    return this.endpoints.toSorted((a, b) => compareText(a.name, b.name) || compareText(a.method, b.method));
  }

  /** Rows sorted by name then method, as Locust sorts its table. */
  private summarizeEndpoints(clock: StatsClock): {
    endpoints: EndpointSummary[];
    aggregated: EndpointSummary;
  } {
    const endpoints = this.sortedEndpoints().map((endpoint) =>
      summarizeEndpoint(endpoint, clock, this.scratch),
    );
    return { endpoints, aggregated: summarizeEndpoint(this.aggregated, clock, this.scratch) };
  }

  /** Most frequent first, then by name, method and message, so that merged runs list them identically. */
  private failures(): FailureSummary[] {
    const failures: FailureSummary[] = [];
    for (const { method, name, failuresByError } of this.endpoints) {
      for (const [error, occurrences] of failuresByError) failures.push({ method, name, error, occurrences });
    }
    return failures.sort(
      (a, b) =>
        b.occurrences - a.occurrences ||
        compareText(a.name, b.name) ||
        compareText(a.method, b.method) ||
        compareText(a.error, b.error),
    );
  }

  /**
   * A threshold's scope: "METHOD name" matches that endpoint, a bare name every method with that name.
   * Several matches are merged into a temporary EndpointStats (pushed to `merged` for disposal).
   */
  private subjectFor(scope: string | null, merged: EndpointStats[]): ThresholdSubject | null {
    if (scope === null) return this.aggregated;
    const matches = this.endpoints.filter((endpoint) => inScope(endpoint.method, endpoint.name, scope));
    if (matches.length <= 1) return matches[0] ?? null;
    const combined = new EndpointStats('', scope);
    merged.push(combined);
    for (const endpoint of matches) combined.addTotals(endpoint);
    return combined;
  }

  /** Named checks' totals for a threshold's scope (all of them for null); null when none ran there. */
  private checkTotalsFor(scope: string | null): CheckTotals | null {
    return this.checks.totals((method, name) => scope === null || inScope(method, name, scope));
  }
}

/** A threshold scope is "METHOD name" (that endpoint) or a bare name (every method with that name). */
function inScope(method: string, name: string, scope: string): boolean {
  return name === scope || `${method} ${name}` === scope;
}
