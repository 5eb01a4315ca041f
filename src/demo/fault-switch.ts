/** Fault rates as given to the `faults` option and `POST /__faults`. */
export interface FaultRates {
  /** Share of requests answered 500 with an "injected fault" body, 0..1. */
  errorRate: number;
  /** Share of requests whose connection is destroyed without an answer, 0..1. */
  resetRate: number;
}

export type FaultDecision = 'none' | 'error' | 'reset';

/** Why a rate cannot be used; the server turns it into a 400 or a DemoOptionError. */
export class FaultRateError extends Error {
  override name = 'FaultRateError';
}

/** The fault-injection test knob: one random draw per request decides reset, error, or nothing. */
export class FaultSwitch {
  #rates: FaultRates = { errorRate: 0, resetRate: 0 };
  readonly #random: () => number;

  constructor(initial: Partial<FaultRates> = {}, random: () => number = Math.random) {
    this.#random = random;
    this.update(initial);
  }

  get rates(): FaultRates {
    return { ...this.#rates };
  }

  /** Sets the given rates, keeping the others. @throws FaultRateError */
  update(change: Partial<Record<keyof FaultRates, unknown>>): FaultRates {
    const next = { ...this.#rates };
    for (const key of ['errorRate', 'resetRate'] as const) {
      const value = change[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        throw new FaultRateError(`${key} must be a number from 0 to 1`);
      }
      next[key] = value;
    }
    if (next.errorRate + next.resetRate > 1)
      throw new FaultRateError('errorRate + resetRate must be at most 1');
    this.#rates = next;
    return this.rates;
  }

  decide(): FaultDecision {
    const { errorRate, resetRate } = this.#rates;
    if (errorRate === 0 && resetRate === 0) return 'none';
    const draw = this.#random();
    if (draw < resetRate) return 'reset';
    if (draw < resetRate + errorRate) return 'error';
    return 'none';
  }
}
