/**
 * The closed model's ramp-up: starts `target` users at `spawnRate` per second, user i at exactly i / rate
 * seconds after the start (the first at once), batching whatever is due at each timer tick. An infinite
 * rate starts everyone at once.
 */
export class ClosedScheduler {
  readonly #spawn: () => boolean;
  readonly #target: number;
  readonly #rate: number;
  readonly #delayMs: number;
  #spawned = 0;
  #startedAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #resolveDone: () => void = () => {};
  /** Resolves when every user has been started (or spawning was stopped). */
  readonly done: Promise<void>;

  /**
   * `spawn` starts one user; it returns false when no user class can take another user. `delaySec` shifts
   * the whole ramp (a worker of a multi-process run starts its users between the other workers').
   */
  constructor(target: number, spawnRate: number, spawn: () => boolean, delaySec = 0) {
    this.#target = target;
    this.#rate = spawnRate;
    this.#delayMs = delaySec * 1000;
    this.#spawn = spawn;
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#resolveDone();
  }

  #tick(): void {
    this.#timer = null;
    const elapsedMs = performance.now() - this.#startedAt - this.#delayMs;
    const due =
      elapsedMs < 0
        ? 0
        : this.#rate === Number.POSITIVE_INFINITY
          ? this.#target
          : Math.min(this.#target, Math.floor((elapsedMs / 1000) * this.#rate + 1e-9) + 1);
    while (this.#spawned < due) {
      if (!this.#spawn()) {
        this.stop();
        return;
      }
      this.#spawned += 1;
    }
    if (this.#spawned >= this.#target) {
      this.stop();
      return;
    }
    const nextAtMs = this.#startedAt + this.#delayMs + (this.#spawned / this.#rate) * 1000;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, nextAtMs - performance.now()));
  }
}
