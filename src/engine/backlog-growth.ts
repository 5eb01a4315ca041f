import { SATURATION_SAMPLE_MS } from './loop-saturation.ts';

/** While arrivals wait for a user, the users may grow by at least this share per window (≈10× a second). */
export const BACKLOG_GROWTH_SHARE = 1 / 8;

/** Users wanted beyond what Little's law asks (arrivals/s × task time): arrivals come in bursts. */
export const USERS_HEADROOM = 1.25;

/**
 * How fast the open model adds users for arrivals that have waited too long for one. Each window it may
 * add what the load needs by Little's law (the arrival rate × the task time, with headroom) beyond the
 * users there are, and at least a share of them: a run short of users for a slow target catches up within
 * a window or two, one whose tasks are quick grows exponentially but never in a storm. The task time is
 * the mean of the last window's tasks that ended on a volley with time to spare (saturated, a task's time
 * is mostly volley's own: it would ask for ever more users), or, while none ends, at least the time
 * since one last did. A user per waiting arrival made hundreds of connections at 30,000/s after any
 * pause, and a generator with more users busy at once spends more per request (bench/users-busy.ts).
 */
export class BacklogGrowth {
  readonly #windowMs: number;
  #windowStartMs = Number.NEGATIVE_INFINITY;
  /** Users that may still be made this window. */
  #budget = 0;
  #taskMsSum = 0;
  #tasks = 0;
  /** Mean task time of the last window with tasks that ended, ms; 0 before any. */
  #taskMs = 0;
  /** When a task last ended (or the run began). */
  #lastEndMs = Number.POSITIVE_INFINITY;

  constructor(windowMs = SATURATION_SAMPLE_MS) {
    this.#windowMs = windowMs;
  }

  /** The run's arrivals begin at `atMs`. */
  begin(atMs: number): void {
    this.#lastEndMs = atMs;
  }

  /**
   * A task of an arrival ended at `endedMs`, `ms` after it began on its user; null: its time does not
   * count (volley was saturated, so the time is volley's own as much as the target's).
   */
  taskEnded(endedMs: number, ms: number | null): void {
    this.#lastEndMs = endedMs;
    if (ms === null) return;
    this.#taskMsSum += ms;
    this.#tasks += 1;
  }

  /**
   * Whether one more user may be made at `nowMs`, with `users` open and `rate()` arrivals per second
   * asked for (read once a window); counts it.
   */
  allow(nowMs: number, users: number, rate: () => number): boolean {
    if (nowMs - this.#windowStartMs >= this.#windowMs) {
      this.#windowStartMs = nowMs;
      if (this.#tasks > 0) this.#taskMs = this.#taskMsSum / this.#tasks;
      // No task ended all window: they take at least as long as none has.
      else this.#taskMs = Math.max(this.#taskMs, nowMs - this.#lastEndMs);
      this.#taskMsSum = 0;
      this.#tasks = 0;
      const needed = Math.ceil((rate() * this.#taskMs * USERS_HEADROOM) / 1000);
      this.#budget = Math.max(1, Math.floor(users * BACKLOG_GROWTH_SHARE), needed - users);
    }
    if (this.#budget === 0) return false;
    this.#budget -= 1;
    return true;
  }
}
