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

  /** Resolves after `ms`, or as soon as the run stops. Never rejects. */
  sleep(ms: number): Promise<void> {
    if (this.#signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = new Sleeper(this.#waiting, resolve, ms);
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

  constructor(set: Set<Sleeper>, resolve: () => void, ms: number) {
    this.#set = set;
    this.#resolve = resolve;
    this.#timer = setTimeout(Sleeper.#done, ms, this);
  }

  static #done(sleeper: Sleeper): void {
    sleeper.#set.delete(sleeper);
    sleeper.#resolve();
  }

  wake(): void {
    clearTimeout(this.#timer);
    this.#resolve();
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
