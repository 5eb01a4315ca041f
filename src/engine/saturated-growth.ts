import { SATURATION_SAMPLE_MS } from './loop-saturation.ts';

/** While volley is saturated, the users may grow by at most this share per window (≈3.6× a second). */
export const SATURATED_GROWTH_SHARE = 1 / 16;

/**
 * How fast the open model adds users while volley's own event loop is saturated: only while the arrivals
 * waiting for a user are not draining (fewer of them than a window before means the users are catching
 * up), and then by a share of the users per window, so growth is exponential but never a storm. A saturated
 * start (the JIT compiling, connections opening) used to make a user per waiting arrival once they had
 * waited a fixed time: thousands of users at 30,000/s, each one more connection to serve.
 */
export class SaturatedGrowth {
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
      this.#budget = Math.max(1, Math.floor(users * SATURATED_GROWTH_SHARE));
    }
    if (this.#draining || this.#budget === 0) return false;
    this.#budget -= 1;
    return true;
  }
}
