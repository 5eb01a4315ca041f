import { SATURATION_SAMPLE_MS } from './loop-saturation.ts';

/** While arrivals wait for a user, the users may grow by at most this share per window (≈10× a second). */
export const BACKLOG_GROWTH_SHARE = 1 / 8;

/**
 * How fast the open model adds users for arrivals waiting for one (volley not saturated): only while the
 * waiting arrivals are not draining (fewer of them than a window before means the users are catching up),
 * and then by a share of the users per window, so growth is exponential but never a storm. A user per
 * waiting arrival made hundreds of connections at 30,000/s after any pause, and a generator with more
 * users busy at once spends more per request (bench/README: 64 against 1,000 users on one core).
 */
export class BacklogGrowth {
  readonly #windowMs: number;
  #windowStartMs = Number.NEGATIVE_INFINITY;
  /** Users that may still be made this window: a share of those open at its start. */
  #budget = 0;
  #waitingAtStart = 0;
  #draining = false;

  constructor(windowMs = SATURATION_SAMPLE_MS) {
    this.#windowMs = windowMs;
  }

  /** Whether one more user may be made at `nowMs`, with `users` open and `waiting` arrivals waiting; counts it. */
  allow(nowMs: number, users: number, waiting: number): boolean {
    if (nowMs - this.#windowStartMs >= this.#windowMs) {
      this.#draining = waiting < this.#waitingAtStart;
      this.#windowStartMs = nowMs;
      this.#waitingAtStart = waiting;
      this.#budget = Math.max(1, Math.floor(users * BACKLOG_GROWTH_SHARE));
    }
    if (this.#draining || this.#budget === 0) return false;
    this.#budget -= 1;
    return true;
  }
}
