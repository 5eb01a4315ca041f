import type { SampleSink } from './sink.ts';

/**
 * Records into the run's statistics first, then hands each sample to extra sinks (e.g. the Prometheus
 * exporter's histograms). An extra sink that throws loses that sample, never the run's own figures.
 */
export class FanOutSink implements SampleSink {
  readonly #primary: SampleSink;
  readonly #extras: readonly SampleSink[];

  constructor(primary: SampleSink, extras: readonly SampleSink[]) {
    this.#primary = primary;
    this.#extras = extras;
  }

  request(method: string, name: string, ms: number, bytes: number, error: string | null): void {
    this.#primary.request(method, name, ms, bytes, error);
    for (const extra of this.#extras) {
      try {
        extra.request(method, name, ms, bytes, error);
      } catch {
        // An observer's bug must not fail the request that was measured.
      }
    }
  }

  check(method: string, name: string, check: string, passed: boolean): void {
    this.#primary.check?.(method, name, check, passed);
    for (const extra of this.#extras) {
      try {
        extra.check?.(method, name, check, passed);
      } catch {
        // As above.
      }
    }
  }

  exception(error: unknown): void {
    this.#primary.exception(error);
    for (const extra of this.#extras) {
      try {
        extra.exception(error);
      } catch {
        // As above.
      }
    }
  }
}
