import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import type { SampleSink } from '../metrics/sink.ts';

/** Where every user's samples go: the run's statistics, and what open-model runs keep besides. */
export class RunSinks implements SampleSink {
  /** Closed when the run has ended: requests cut off at the stop are not counted. */
  open = true;
  /** The headline statistics (latency from the schedule for an arrival's first request). */
  readonly main: SampleSink;
  /** Open model: the same requests with latency measured from when they were sent (uncorrected). */
  uncorrected: SampleSink | null = null;

  constructor(main: SampleSink) {
    this.main = main;
  }

  request(method: string, name: string, ms: number, bytes: number, error: string | null): void {
    if (!this.open) return;
    this.main.request(method, name, ms, bytes, error);
    this.uncorrected?.request(method, name, ms, bytes, error);
  }

  /** Checks count in the headline statistics only: the uncorrected ones report latency. */
  check(method: string, name: string, check: string, passed: boolean): void {
    if (this.open) this.main.check?.(method, name, check, passed);
  }

  exception(error: unknown): void {
    if (this.open) this.main.exception(error);
  }
}

/**
 * One user's sample sink. It can be cut off alone (a retired user past its stop timeout), and in the open
 * model it measures the first request of each arrival from the arrival's intended time on the schedule
 * (wrk2's correction for coordinated omission), keeping the uncorrected figure too.
 */
export class UserSink implements SampleSink {
  open = true;
  readonly #run: RunSinks;
  /** performance.now() ms the current arrival was due; NaN outside an arrival (closed model). */
  #arrivalAtMs = Number.NaN;
  #firstPending = false;
  /** Capacity search: the step the current arrival belongs to, fed alongside the run's statistics. */
  step: SampleSink | null = null;

  constructor(run: RunSinks) {
    this.#run = run;
  }

  /** The next request is the arrival's first: its latency counts from `intendedMs`. */
  beginArrival(intendedMs: number, step: SampleSink | null): void {
    this.#arrivalAtMs = intendedMs;
    this.#firstPending = true;
    this.step = step;
  }

  endArrival(): void {
    this.#firstPending = false;
    this.step = null;
  }

  request(method: string, name: string, ms: number, bytes: number, error: string | null): void {
    const run = this.#run;
    if (!this.open || !run.open) return;
    let headline = ms;
    if (this.#firstPending) {
      this.#firstPending = false;
      const fromSchedule = performance.now() - this.#arrivalAtMs;
      if (fromSchedule > ms) headline = fromSchedule;
    }
    run.main.request(method, name, headline, bytes, error);
    run.uncorrected?.request(method, name, ms, bytes, error);
    this.step?.request(method, name, headline, bytes, error);
  }

  check(method: string, name: string, check: string, passed: boolean): void {
    if (!this.open || !this.#run.open) return;
    this.#run.check(method, name, check, passed);
    // A capacity step's thresholds may include `checks`.
    this.step?.check?.(method, name, check, passed);
  }

  exception(error: unknown): void {
    if (this.open) this.#run.exception(error);
  }
}
