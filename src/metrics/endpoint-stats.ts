/**
 * Everything measured for one (method, name) pair — or for the aggregated row, which is an
 * EndpointStats of its own fed every request rather than a merge recomputed on each read.
 */
import type { Histogram } from './histogram.ts';
import {
  createLatencyHistogram,
  destroyHistograms,
  destroyHistogramsWith,
  LATENCY_DIGITS,
  recorderOf,
} from './histogram.ts';
import type { LatencyDistribution } from './latency.ts';
import { ENDPOINT, type SerializedEndpoint } from './serialized-stats.ts';
import { SlidingWindow } from './sliding-window.ts';
import { addSparse, encodeSparse } from './sparse-histogram.ts';

export class EndpointStats implements LatencyDistribution {
  readonly method: string;
  readonly name: string;
  requests = 0;
  failures = 0;
  /** 0 until the first request. */
  minMs = 0;
  maxMs = 0;
  /** Sum of response times in whole µs: integers add up exactly in any order, so merges are exact. */
  sumMicros = 0;
  contentBytes = 0;
  readonly histogram: Histogram = createLatencyHistogram();
  readonly #record = recorderOf(this.histogram);
  readonly window = new SlidingWindow();
  /** Failure message → occurrences. Filled by RunStats for real endpoints only. */
  readonly failuresByError = new Map<string, number>();

  constructor(method: string, name: string) {
    this.method = method;
    this.name = name;
    destroyHistogramsWith(this, this.allHistograms());
  }

  /**
   * `ms` is already clamped to the histogram's range; `micros` is its `toMicros`; `second` is the current
   * second on the owner's timeline (see SlidingWindow).
   */
  record(ms: number, micros: number, contentBytes: number, failed: boolean, second: number): void {
    if (this.requests === 0 || ms < this.minMs) this.minMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
    this.requests++;
    if (failed) this.failures++;
    this.sumMicros += micros;
    this.contentBytes += contentBytes;
    this.#record(micros);
    this.window.record(second, ms, micros, failed);
  }

  countFailure(error: string): void {
    this.failuresByError.set(error, (this.failuresByError.get(error) ?? 0) + 1);
  }

  avgMs(): number {
    return this.requests === 0 ? 0 : this.sumMicros / this.requests / 1000;
  }

  avgContentBytes(): number {
    return this.requests === 0 ? 0 : this.contentBytes / this.requests;
  }

  /** Adds another endpoint's whole-run figures (not its window or failures): for thresholds over several methods. */
  addTotals(other: EndpointStats): void {
    if (other.requests === 0) return;
    this.addCounts(
      other.requests,
      other.failures,
      other.minMs,
      other.maxMs,
      other.sumMicros,
      other.contentBytes,
    );
    this.histogram.add(other.histogram);
  }

  clear(): void {
    this.requests = 0;
    this.failures = 0;
    this.minMs = 0;
    this.maxMs = 0;
    this.sumMicros = 0;
    this.contentBytes = 0;
    this.histogram.reset();
    this.window.clear();
    this.failuresByError.clear();
  }

  /** `originSecond`: the epoch second that `second` 0 of `record` stands for. */
  serialize(originSecond: number): SerializedEndpoint {
    return [
      this.method,
      this.name,
      this.requests,
      this.failures,
      this.minMs,
      this.maxMs,
      this.sumMicros,
      this.contentBytes,
      encodeSparse(this.histogram),
      this.window.serialize(originSecond),
      [...this.failuresByError],
    ];
  }

  /**
   * Adds an endpoint recorded elsewhere; `aggregated` (the aggregated row) gets its counts too, not its
   * histograms: those are rebuilt from the endpoints' when read (see `rebuildHistograms`).
   */
  merge(data: SerializedEndpoint, originSecond: number, aggregated: EndpointStats | null = null): void {
    const requests = data[ENDPOINT.requests];
    if (requests > 0) {
      const failures = data[ENDPOINT.failures];
      const minMs = data[ENDPOINT.minMs];
      const maxMs = data[ENDPOINT.maxMs];
      const sumMicros = data[ENDPOINT.sumMicros];
      const contentBytes = data[ENDPOINT.contentBytes];
      this.addCounts(requests, failures, minMs, maxMs, sumMicros, contentBytes);
      aggregated?.addCounts(requests, failures, minMs, maxMs, sumMicros, contentBytes);
      addSparse(data[ENDPOINT.histogram], LATENCY_DIGITS, this.histogram);
    }
    this.window.merge(data[ENDPOINT.window], originSecond, aggregated?.window ?? null);
    for (const [error, occurrences] of data[ENDPOINT.errors]) {
      this.failuresByError.set(error, (this.failuresByError.get(error) ?? 0) + occurrences);
    }
  }

  /**
   * For the aggregated row: its histograms (whole run and window) become the sum of `endpoints'`, whose
   * counts it holds the sum of. A coordinator merging a thousand deltas a second records each value once,
   * into its endpoint, and adds whole histograms only when a table or threshold reads them.
   */
  rebuildHistograms(endpoints: readonly EndpointStats[]): void {
    this.histogram.reset();
    for (const endpoint of endpoints) {
      if (endpoint.requests > 0) this.histogram.add(endpoint.histogram);
    }
    this.window.rebuild(endpoints.map((endpoint) => endpoint.window));
  }

  /** Frees the histograms' WebAssembly memory now; the object must not be used afterwards. */
  dispose(): void {
    destroyHistograms(this, this.allHistograms());
  }

  private addCounts(
    requests: number,
    failures: number,
    minMs: number,
    maxMs: number,
    sumMicros: number,
    contentBytes: number,
  ): void {
    if (this.requests === 0 || minMs < this.minMs) this.minMs = minMs;
    if (maxMs > this.maxMs) this.maxMs = maxMs;
    this.requests += requests;
    this.failures += failures;
    this.sumMicros += sumMicros;
    this.contentBytes += contentBytes;
  }

  private allHistograms(): Histogram[] {
    return [this.histogram, ...this.window.histograms()];
  }
}
