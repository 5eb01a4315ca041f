/**
 * Everything measured for one (method, name) pair — or for the aggregated row, which is an
 * EndpointStats of its own fed every request rather than a merge recomputed on each read.
 */
import type { Histogram } from './histogram.ts';
import {
  addEncodedHistogram,
  createLatencyHistogram,
  destroyHistograms,
  destroyHistogramsWith,
  encodeHistogram,
  recorderOf,
} from './histogram.ts';
import type { LatencyDistribution } from './latency.ts';
import type { SerializedEndpoint } from './serialized-stats.ts';
import { SlidingWindow } from './sliding-window.ts';

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
    this.addCounts(other);
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
    return {
      method: this.method,
      name: this.name,
      requests: this.requests,
      failures: this.failures,
      minMs: this.minMs,
      maxMs: this.maxMs,
      sumMicros: this.sumMicros,
      contentBytes: this.contentBytes,
      histogram: encodeHistogram(this.histogram),
      window: this.window.serialize(originSecond),
      errors: [...this.failuresByError].map(([error, occurrences]) => ({ error, occurrences })),
    };
  }

  merge(data: SerializedEndpoint, originSecond: number): void {
    if (data.requests > 0) {
      this.addCounts(data);
      addEncodedHistogram(this.histogram, data.histogram);
    }
    this.window.merge(data.window, originSecond);
    for (const { error, occurrences } of data.errors) {
      this.failuresByError.set(error, (this.failuresByError.get(error) ?? 0) + occurrences);
    }
  }

  /** Frees the histograms' WebAssembly memory now; the object must not be used afterwards. */
  dispose(): void {
    destroyHistograms(this, this.allHistograms());
  }

  private addCounts(other: Omit<SerializedEndpoint, 'histogram' | 'window' | 'errors'>): void {
    if (this.requests === 0 || other.minMs < this.minMs) this.minMs = other.minMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
    this.requests += other.requests;
    this.failures += other.failures;
    this.sumMicros += other.sumMicros;
    this.contentBytes += other.contentBytes;
  }

  private allHistograms(): Histogram[] {
    return [this.histogram, ...this.window.histograms()];
  }
}
