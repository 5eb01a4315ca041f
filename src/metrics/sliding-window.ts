/**
 * The last 10 seconds of one endpoint (Locust's "current" figures), in constant memory: a ring of
 * 10 per-second buckets, each reused when its slot comes round again.
 *
 * Seconds are whole seconds on the caller's timeline: RunStats counts them from its own creation so they
 * stay small integers (epoch seconds exceed V8's small-integer range and would be boxed on every call).
 * The serialized form uses epoch seconds, given the timeline's origin.
 */
import type { Histogram } from './histogram.ts';
import { createWindowHistogram, recorderOf, WINDOW_DIGITS } from './histogram.ts';
import type { LatencyDistribution } from './latency.ts';
import { SECOND, type SerializedSecond } from './serialized-stats.ts';
import { addSparse, encodeSparse } from './sparse-histogram.ts';

export const WINDOW_SECONDS = 10;

class SecondBucket {
  /** Second this bucket holds (meaningful only when it has requests). */
  second = -1;
  requests = 0;
  failures = 0;
  minMs = 0;
  maxMs = 0;
  readonly histogram: Histogram = createWindowHistogram();
  readonly record = recorderOf(this.histogram);

  clear(second: number): void {
    this.second = second;
    this.requests = 0;
    this.failures = 0;
    this.minMs = 0;
    this.maxMs = 0;
    this.histogram.reset();
  }
}

/** The window's figures at one moment; `histogram` is the caller's scratch histogram. */
export interface WindowTotals extends LatencyDistribution {
  readonly failures: number;
}

export class SlidingWindow {
  private readonly buckets: SecondBucket[] = [];

  constructor() {
    for (let i = 0; i < WINDOW_SECONDS; i++) this.buckets.push(new SecondBucket());
  }

  record(second: number, ms: number, micros: number, failed: boolean): void {
    const bucket = this.slot(second);
    // A different second (older after a full turn, or newer after the clock went back) is overwritten.
    if (bucket.second !== second) bucket.clear(second);
    if (bucket.requests === 0 || ms < bucket.minMs) bucket.minMs = ms;
    if (ms > bucket.maxMs) bucket.maxMs = ms;
    bucket.requests++;
    if (failed) bucket.failures++;
    bucket.record(micros);
  }

  /** Sums the seconds within the window ending in second `nowSecond` into `scratch` (reset first). */
  totals(nowSecond: number, scratch: Histogram): WindowTotals {
    let requests = 0;
    let failures = 0;
    let minMs = 0;
    let maxMs = 0;
    scratch.reset();
    for (const bucket of this.buckets) {
      if (bucket.requests === 0 || bucket.second > nowSecond || bucket.second <= nowSecond - WINDOW_SECONDS) {
        continue;
      }
      if (requests === 0 || bucket.minMs < minMs) minMs = bucket.minMs;
      if (bucket.maxMs > maxMs) maxMs = bucket.maxMs;
      requests += bucket.requests;
      failures += bucket.failures;
      scratch.add(bucket.histogram);
    }
    return { requests, failures, minMs, maxMs, histogram: scratch };
  }

  clear(): void {
    for (const bucket of this.buckets) bucket.clear(-1);
  }

  histograms(): Histogram[] {
    return this.buckets.map((bucket) => bucket.histogram);
  }

  serialize(originSecond: number): SerializedSecond[] {
    return this.buckets
      .filter((bucket) => bucket.requests > 0)
      .map(
        ({ second, requests, failures, minMs, maxMs, histogram }): SerializedSecond => [
          second + originSecond,
          requests,
          failures,
          minMs,
          maxMs,
          encodeSparse(histogram),
        ],
      );
  }

  /**
   * Adds seconds recorded elsewhere; a second older than the one in its slot is dropped (it left the
   * window). `also` (the aggregated row's window) gets their counts, not their histograms: see `rebuild`.
   */
  merge(seconds: readonly SerializedSecond[], originSecond: number, also: SlidingWindow | null = null): void {
    for (const incoming of seconds) {
      if (incoming[SECOND.requests] === 0) continue;
      const second = incoming[SECOND.second] - originSecond;
      also?.take(second, incoming);
      const into = this.take(second, incoming);
      if (into !== null) addSparse(incoming[SECOND.histogram], WINDOW_DIGITS, into);
    }
  }

  /**
   * Makes each second's histogram the sum of the same second's in `windows` (the endpoints' windows, of
   * which this is the aggregated row's): a second's requests are the sum of theirs, so their histograms add
   * up to its histogram. Cheaper than recording every merged value twice when many are merged between reads.
   */
  rebuild(windows: readonly SlidingWindow[]): void {
    for (let slot = 0; slot < WINDOW_SECONDS; slot++) {
      const bucket = this.buckets[slot] as SecondBucket;
      bucket.histogram.reset();
      if (bucket.requests === 0) continue;
      for (const window of windows) {
        const other = window.buckets[slot] as SecondBucket;
        if (other.requests > 0 && other.second === bucket.second) bucket.histogram.add(other.histogram);
      }
    }
  }

  /** Adds `incoming`'s counts into the bucket of `second` and returns its histogram; null if it left the window. */
  private take(second: number, incoming: SerializedSecond): Histogram | null {
    const bucket = this.slot(second);
    if (bucket.requests > 0 && second < bucket.second) return null;
    if (bucket.requests === 0 || second > bucket.second) bucket.clear(second);
    const minMs = incoming[SECOND.minMs];
    const maxMs = incoming[SECOND.maxMs];
    if (bucket.requests === 0 || minMs < bucket.minMs) bucket.minMs = minMs;
    if (maxMs > bucket.maxMs) bucket.maxMs = maxMs;
    bucket.requests += incoming[SECOND.requests];
    bucket.failures += incoming[SECOND.failures];
    return bucket.histogram;
  }

  private slot(second: number): SecondBucket {
    const index = ((second % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
    return this.buckets[index]!;
  }
}

/**
 * How many seconds the window at `nowMs` spans: the 9 whole seconds before the current one plus the
 * elapsed part of the current one (so 9..10 s), cut short by the start of the stats (run start or reset).
 */
export function windowSeconds(nowMs: number, statsStartMs: number): number {
  const windowStartMs = (Math.floor(nowMs / 1000) - (WINDOW_SECONDS - 1)) * 1000;
  return Math.max(0, nowMs - Math.max(windowStartMs, statsStartMs)) / 1000;
}
