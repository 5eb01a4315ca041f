import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import { ArrivalSchedule, type RateRamp } from './arrival-schedule.ts';

/**
 * Arrivals that fell due together are launched in slices of about this long, with a turn of the event
 * loop between: the responses that came in meanwhile are read, so the users that finished are free for
 * the next arrivals. Launched all at once, a cold start at 30,000/s snowballed: every arrival found no
 * user free and made one (with its connection), the launching held up the responses, and the run hit
 * its 5,000-user cap with a second-long stall and 2–8 % of arrivals dropped; in slices of 1 ms, none in
 * most runs (a median of 0 % over eight rounds, one at 1.2 %).
 */
export const LAUNCH_SLICE_MS = 1;

/**
 * Fires the open model's arrivals on time: each arrival is launched with the moment the schedule intended
 * for it (performance.now() milliseconds), so a late timer or a busy event loop shows up as latency
 * measured from the schedule instead of silently thinning the load (coordinated omission). Arrivals that
 * fell due while the timer was late are launched in slices (LAUNCH_SLICE_MS), each with its own intended
 * time.
 */
export class ArrivalScheduler {
  readonly #launch: (intendedMs: number) => void;
  readonly #schedule = new ArrivalSchedule(0);
  #originMs = 0;
  #started = false;
  #stopped = false;
  /** Index of the next arrival to launch; also the count launched so far (dropped ones included). */
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  /** The rest of a slice-launched batch, after a turn of the event loop. */
  #resume: NodeJS.Immediate | null = null;
  /** No arrival is due at or after this time (the run's planned end), however late the stop comes. */
  #endMs = Number.POSITIVE_INFINITY;

  constructor(launch: (intendedMs: number) => void) {
    this.#launch = launch;
  }

  /** Arrivals the schedule has put out so far (each launched or dropped). */
  get scheduled(): number {
    return this.#next;
  }

  /** The rate the schedule asks for now. */
  get rate(): number {
    return this.#schedule.rateAt(this.#nowSec());
  }

  /** Arrivals due by now according to the schedule (fractional): the target to compare launches with. */
  dueBy(atMs: number = performance.now()): number {
    const at = Math.min(atMs, this.#endMs);
    return this.#schedule.arrivalsBy(Math.max(0, (at - this.#originMs) / 1000));
  }

  start(atMs: number = performance.now()): void {
    this.#originMs = atMs;
    this.#started = true;
    this.#tick();
  }

  /** A constant rate from now on. */
  setRate(rate: number): void {
    this.#schedule.setRate(this.#nowSec(), rate);
    this.#reschedule();
  }

  /** Ramps from `atMs` (default now) on, e.g. the arrival-rate stages; replaces what was planned. */
  plan(ramps: readonly RateRamp[], atMs?: number): void {
    const at = atMs === undefined ? this.#nowSec() : Math.max(0, (atMs - this.#originMs) / 1000);
    this.#schedule.plan(at, ramps);
    this.#reschedule();
  }

  /** The schedule ends at `atMs` (performance.now() ms): arrivals intended from then on never launch. */
  endAt(atMs: number): void {
    this.#endMs = atMs;
  }

  /**
   * Launches now the arrivals intended before `atMs` (performance.now() ms) that are still pending. The
   * timer of a stage, a capacity step or the run's end may fire a fraction of a millisecond before
   * performance.now() reaches its time (libuv's loop clock is coarser): arrivals due by then still go.
   */
  launchBefore(atMs: number): void {
    if (!this.#started || this.#stopped) return;
    // All of them, now: what comes next (a new stage's plan, the end) must find them launched.
    this.#tick(atMs, false, false);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#resume) clearImmediate(this.#resume);
    this.#resume = null;
  }

  #nowSec(): number {
    return this.#started ? Math.max(0, (performance.now() - this.#originMs) / 1000) : 0;
  }

  #reschedule(): void {
    if (!this.#started || this.#stopped) return;
    this.#tick();
  }

  /**
   * Launches the arrivals due by `untilMs` (at least now; `inclusive` false: only those intended before
   * it), in slices unless told otherwise, then sets the timer for the next one.
   */
  #tick(untilMs = 0, inclusive = true, sliced = true): void {
    this.#cancel();
    if (this.#stopped) return;
    const now = performance.now();
    const until = Math.max(now, untilMs);
    const due = this.dueBy(until);
    let launched = 0;
    // 1e-9: an arrival due exactly now is not left for the next tick by rounding.
    while (this.#next <= due + 1e-9 && !this.#stopped) {
      const intendedMs = this.#originMs + this.#schedule.timeOf(this.#next) * 1000;
      if (intendedMs >= this.#endMs || (!inclusive && intendedMs >= untilMs)) break;
      this.#next += 1;
      this.#launch(Math.min(intendedMs, now));
      // The clock is read every 16 launches: a slice ends within about 16 launches of its time.
      if (sliced && ++launched % 16 === 0 && performance.now() - now >= LAUNCH_SLICE_MS) {
        this.#resume = setImmediate(() => {
          this.#resume = null;
          this.#tick(until, inclusive);
        });
        return;
      }
    }
    if (this.#stopped) return;
    const nextAtMs = this.#originMs + this.#schedule.timeOf(this.#next) * 1000;
    if (nextAtMs === Number.POSITIVE_INFINITY || nextAtMs >= this.#endMs) return;
    // When the timer fires, the arrival's time has come even if performance.now() is a hair short of it.
    this.#timer = setTimeout(() => this.#tick(nextAtMs), Math.max(0, nextAtMs - performance.now()));
  }
}
