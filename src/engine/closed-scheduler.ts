/** What the closed scheduler drives: start one more user, or retire one. */
export interface UserSpawner {
  /** Starts one user; false when no user class can take another (fixed counts full). */
  spawn(): boolean;
  /** Retires the most recently started user still running: it finishes its task, then leaves. */
  retire(): void;
}

export interface RetargetOptions {
  /**
   * true (Locust's ramp-up): the first change happens at once, change i at i / rate seconds.
   * false (a stage's ramp): change i at (i + 1) / rate, so the last change lands exactly at the ramp's end.
   */
  firstAtOnce?: boolean;
  /** When the ramp starts, performance.now() ms (default now): stages pass their planned start. */
  atMs?: number;
}

/**
 * The closed model's user count: moves from the current number of users to a target at `rate` users per
 * second (up by spawning, down by retiring), batching whatever is due at each timer tick. An infinite rate
 * changes everyone at once. Retargeting mid-ramp starts a new ramp from where the count is.
 */
export class ClosedScheduler {
  readonly #spawner: UserSpawner;
  /** Users started minus users retired (users that stopped by themselves still count: they are not replaced). */
  #current = 0;
  #target = 0;
  #rate = Number.POSITIVE_INFINITY;
  #firstAtOnce = true;
  #from = 0;
  #changed = 0;
  #rampStartMs = 0;
  #refused = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(spawner: UserSpawner) {
    this.#spawner = spawner;
  }

  get current(): number {
    return this.#current;
  }

  get target(): number {
    return this.#target;
  }

  /** No change pending: the target is reached, or spawning was refused. */
  get idle(): boolean {
    return this.#timer === null && (this.#current === this.#target || this.#refused || this.#stopped);
  }

  retarget(target: number, rate: number, options: RetargetOptions = {}): void {
    if (this.#stopped) return;
    // Whatever was due under the old ramp happens first, counted up to the new ramp's start.
    this.advanceTo(options.atMs ?? performance.now());
    if (this.#timer) clearTimeout(this.#timer); // set by that for the old ramp
    this.#target = Math.max(0, Math.floor(target));
    this.#rate = rate > 0 ? rate : Number.POSITIVE_INFINITY;
    this.#firstAtOnce = options.firstAtOnce ?? true;
    this.#from = this.#current;
    this.#changed = 0;
    this.#refused = false;
    this.#rampStartMs = options.atMs ?? performance.now();
    this.#tick();
  }

  /**
   * Makes now the changes due by `atMs` (performance.now() ms) that are still pending. The timer of a
   * stage or of the run's end may fire a fraction of a millisecond before performance.now() reaches its
   * time (libuv's loop clock is coarser): the last step of a ramp must not be lost to that.
   */
  advanceTo(atMs: number): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#tick(atMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(nowMs = performance.now()): void {
    this.#timer = null;
    if (this.#stopped) return;
    const steps = Math.abs(this.#target - this.#from);
    const up = this.#target > this.#from;
    const offset = this.#firstAtOnce ? 1 : 0;
    const elapsedSec = (nowMs - this.#rampStartMs) / 1000;
    const due =
      this.#rate === Number.POSITIVE_INFINITY
        ? steps
        : Math.min(steps, Math.max(0, Math.floor(elapsedSec * this.#rate + 1e-9) + offset));
    while (this.#changed < due && !this.#refused) {
      if (up) {
        if (!this.#spawner.spawn()) {
          this.#refused = true;
          break;
        }
        this.#current += 1;
      } else {
        this.#spawner.retire();
        this.#current -= 1;
      }
      this.#changed += 1;
    }
    if (this.#refused || this.#changed >= steps) return;
    const nextAtMs = this.#rampStartMs + ((this.#changed + 1 - offset) / this.#rate) * 1000;
    // When the timer fires, its time has come even if performance.now() is a hair short of it.
    this.#timer = setTimeout(
      () => this.#tick(Math.max(performance.now(), nextAtMs)),
      Math.max(0, nextAtMs - performance.now()),
    );
  }
}
