/** Holds the sleep in progress of one user, so that it alone can be woken (a ramp-down retiring it). */
export interface SleepOwner {
  sleeper: { wake(): void } | null;
}

/**
 * The sleeping users of a run, woken together when it stops. One abort listener for all of them:
 * `timers/promises` would add (and later search for and remove) a listener per sleep on the run's
 * signal, which with thousands of users waiting costs memory and time.
 */
export class Sleepers {
  readonly #waiting = new Set<Sleeper>();
  readonly #signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    signal.addEventListener('abort', () => this.#wakeAll(), { once: true });
  }

  /** Resolves after `ms`, or as soon as the run stops (or `owner`'s sleep is woken). Never rejects. */
  sleep(ms: number, owner?: SleepOwner): Promise<void> {
    if (this.#signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = new Sleeper(this.#waiting, resolve, ms, owner ?? null);
      this.#waiting.add(sleeper);
    });
  }

  #wakeAll(): void {
    for (const sleeper of this.#waiting) sleeper.wake();
    this.#waiting.clear();
  }
}

class Sleeper {
  readonly #set: Set<Sleeper>;
  readonly #resolve: () => void;
  readonly #timer: NodeJS.Timeout;
  readonly #owner: SleepOwner | null;

  constructor(set: Set<Sleeper>, resolve: () => void, ms: number, owner: SleepOwner | null) {
    this.#set = set;
    this.#resolve = resolve;
    this.#owner = owner;
    if (owner) owner.sleeper = this;
    this.#timer = setTimeout(Sleeper.#done, ms, this);
  }

  static #done(sleeper: Sleeper): void {
    sleeper.#set.delete(sleeper);
    sleeper.#release();
    sleeper.#resolve();
  }

  wake(): void {
    clearTimeout(this.#timer);
    this.#set.delete(this);
    this.#release();
    this.#resolve();
  }

  #release(): void {
    if (this.#owner?.sleeper === this) this.#owner.sleeper = null;
  }
}

const byRun = new WeakMap<AbortSignal, Sleepers>();

/** The sleepers of the run that `signal` stops. */
export function sleepersOf(signal: AbortSignal): Sleepers {
  let sleepers = byRun.get(signal);
  if (sleepers === undefined) {
    sleepers = new Sleepers(signal);
    byRun.set(signal, sleepers);
  }
  return sleepers;
}
