import { SATURATION_SAMPLE_MS } from './loop-saturation.ts';

/** With time to spare, the users working off a backlog may grow by at least this share per window. */
export const BACKLOG_GROWTH_SHARE = 1 / 8;

/** Users wanted beyond what Little's law asks (arrivals/s × task time): arrivals come in bursts. */
export const USERS_HEADROOM = 1.25;

/**
 * While volley is behind, at most this many users (or, if more, what Little's law asks of the base task
 * time) work off waiting arrivals at once. One core sent 100,000 requests a second with 8 to 32 users
 * busy, 88,000 with 128 and 52,000 with 512 (bench/users-busy.ts): at 50,000 arrivals/s, 500 users busy
 * with a backlog could not send more than arrived, so a run that once fell behind stayed behind.
 */
export const SATURATED_BUSY_USERS = 32;

/** The base task time is the quickest task of the last this many windows (see #baseTaskMs). */
const BASE_WINDOWS = 16;

/**
 * How many users may work off the arrivals waiting for one, at once: the open model wakes idle users,
 * keeps finishing ones working and makes new ones for its backlog only within this limit. Recomputed once
 * a window:
 * - volley behind (its event loop saturated): SATURATED_BUSY_USERS, or what Little's law asks of the base
 *   task time if more (a slow target needs many users busy, and they cost little while they wait). Users
 *   beyond it stay idle: with responses waiting to be read, more busy at once only make each request
 *   dearer.
 * - volley with time to spare: what the load needs by Little's law (the arrival rate × the task time,
 *   with headroom), and at least a share more than are busy: a run short of users for a slow target
 *   catches up within a window or two, one whose tasks are quick grows exponentially, never in a storm.
 *
 * The task time is the base task time (the quickest recent task that ended on a volley with time to
 * spare), or, while none ends, at least the time since one last did.
 */
export class BacklogLimit {
  readonly #windowMs: number;
  #windowStartMs = Number.NEGATIVE_INFINITY;
  #limit = SATURATED_BUSY_USERS;
  /** Whether volley was behind when the limit was last computed. */
  #limitBehind = true;
  /** Tasks counted since the limit's window began. */
  #tasks = 0;
  /** Task time of the last window computed, ms; 0 before any. */
  #taskMs = 0;
  /** When a task last ended (or the run began). */
  #lastEndMs = Number.POSITIVE_INFINITY;
  /** The quickest counted task of each window, with when the window closed, oldest first. */
  #baseWindows: { endMs: number; quickestMs: number }[] = [];
  #baseWindowStartMs = Number.NEGATIVE_INFINITY;
  #baseWindowQuickestMs = Number.POSITIVE_INFINITY;

  constructor(windowMs = SATURATION_SAMPLE_MS) {
    this.#windowMs = windowMs;
  }

  /** The run's arrivals begin at `atMs`. */
  begin(atMs: number): void {
    this.#lastEndMs = atMs;
  }

  /**
   * A task of an arrival ended at `endedMs`, `ms` after it began on its user; null: its time does not
   * count (it ended while volley was saturated: at a cold start, while the JIT compiles, the quickest
   * task took 2 ms against nginx and asked for 200 users busy at 70,000/s).
   */
  taskEnded(endedMs: number, ms: number | null): void {
    this.#lastEndMs = endedMs;
    if (ms === null) return;
    this.#tasks += 1;
    if (endedMs - this.#baseWindowStartMs >= this.#windowMs) {
      if (this.#baseWindowQuickestMs !== Number.POSITIVE_INFINITY) {
        this.#baseWindows.push({ endMs: endedMs, quickestMs: this.#baseWindowQuickestMs });
      }
      this.#baseWindowStartMs = endedMs;
      this.#baseWindowQuickestMs = Number.POSITIVE_INFINITY;
    }
    if (ms < this.#baseWindowQuickestMs) this.#baseWindowQuickestMs = ms;
  }

  /**
   * The base task time at `nowMs`: the quickest counted task of the last BASE_WINDOWS windows; 0 if
   * none. The quickest, as TCP Vegas takes its base round trip: the target's own time with the least of
   * volley's queueing in it. A volley at 85–90 % of a core still queues: window means of 2–50 ms against
   * nginx's fraction of a millisecond asked for thousands of users, each making every request dearer.
   * Only recent windows: a target that slowed is followed within a second.
   */
  #baseTaskMs(nowMs: number): number {
    const since = nowMs - BASE_WINDOWS * this.#windowMs;
    if (this.#baseWindows.length > 0 && (this.#baseWindows[0]?.endMs as number) < since) {
      this.#baseWindows = this.#baseWindows.filter((w) => w.endMs >= since);
    }
    let quickest = this.#baseWindowQuickestMs;
    for (const w of this.#baseWindows) if (w.quickestMs < quickest) quickest = w.quickestMs;
    return quickest === Number.POSITIVE_INFINITY ? 0 : quickest;
  }

  /** Users busy at once that `rate` arrivals/s need at `nowMs`: Little's law of the base task time, with headroom. */
  usersNeeded(rate: number, nowMs: number): number {
    return Math.ceil((rate * this.#baseTaskMs(nowMs) * USERS_HEADROOM) / 1000);
  }

  /**
   * The most users that may work off waiting arrivals at once, at `nowMs` with `busy` users working,
   * `rate()` arrivals per second asked for and volley `behind` or not (read once a window, and again
   * as soon as volley falls behind or catches up: a limit for time to spare, kept up to a window after
   * the loop saturated, let 113 users take waiting arrivals instead of 32).
   */
  limit(nowMs: number, busy: number, rate: () => number, behind: boolean): number {
    if (nowMs - this.#windowStartMs < this.#windowMs && behind === this.#limitBehind) return this.#limit;
    this.#windowStartMs = nowMs;
    this.#limitBehind = behind;
    if (this.#tasks > 0) this.#taskMs = this.#baseTaskMs(nowMs);
    // No counted task ended all window: they take at least as long as none has ended.
    else this.#taskMs = Math.max(this.#taskMs, nowMs - this.#lastEndMs);
    this.#tasks = 0;
    const perSecond = rate();
    if (behind) {
      this.#limit = Math.max(SATURATED_BUSY_USERS, this.usersNeeded(perSecond, nowMs));
    } else {
      const needed = Math.ceil((perSecond * this.#taskMs * USERS_HEADROOM) / 1000);
      this.#limit = Math.max(busy + 1, Math.floor(busy * (1 + BACKLOG_GROWTH_SHARE)), needed);
    }
    return this.#limit;
  }
}
