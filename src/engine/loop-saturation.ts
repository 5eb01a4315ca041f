import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** The share of a sample the event loop must have been busy for the generator to count as saturated. */
export const SATURATED_UTILIZATION = 0.9;
/** How often the event loop's utilization is sampled: often enough to follow a start-up. */
export const SATURATION_SAMPLE_MS = 50;
/** The first sample comes sooner (see start). */
const FIRST_SAMPLE_MS = 10;

/** Whether the load generator has time to spare: what the open model asks before it makes a user. */
export interface SaturationSignal {
  readonly saturated: boolean;
  /**
   * When a sample last found it saturated (performance.now()); -Infinity: never. A verdict flips from
   * one 50 ms sample to the next: what happened while volley was behind is told by this, not by `saturated`.
   */
  readonly lastSaturatedMs: number;
  start(): void;
  stop(): void;
}

/**
 * Whether the load generator's own event loop had no time to spare over the last sample (node's event
 * loop utilization: the share of time it was not waiting for I/O). Saturated, the generator's users are
 * busy because their responses wait unread, not because the target is slow.
 */
export class LoopSaturation implements SaturationSignal {
  #last: EventLoopUtilization | null = null;
  #saturated = false;
  #lastSaturatedMs = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;
  #first: NodeJS.Timeout | null = null;

  get saturated(): boolean {
    return this.#saturated;
  }

  get lastSaturatedMs(): number {
    return this.#lastSaturatedMs;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#last = performance.eventLoopUtilization();
    this.#timer = setInterval(() => this.sample(), SATURATION_SAMPLE_MS);
    // Never keeps the process alive on its own.
    this.#timer.unref();
    // A start is the busiest moment (the JIT compiling, connections opening): judged after 10 ms, it makes
    // a few dozen users before the loop counts as saturated instead of a few hundred.
    this.#first = setTimeout(() => this.sample(), FIRST_SAMPLE_MS);
    this.#first.unref();
  }

  /** Takes one sample now (called by the timer; public for tests). */
  sample(): void {
    const now = performance.eventLoopUtilization();
    if (this.#last !== null) {
      this.#saturated =
        performance.eventLoopUtilization(now, this.#last).utilization >= SATURATED_UTILIZATION;
      if (this.#saturated) this.#lastSaturatedMs = performance.now();
    }
    this.#last = now;
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    if (this.#first !== null) clearTimeout(this.#first);
    this.#timer = null;
    this.#first = null;
    this.#saturated = false;
  }
}
