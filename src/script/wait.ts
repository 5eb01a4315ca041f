/**
 * Wait times between task runs, in seconds, as in Locust. A user's `wait` is one of these, or a function
 * `(vu) => seconds` for anything else.
 */
export interface WaitContext {
  /** Seconds the task that just ended took. */
  taskDurationSec: number;
  /** The user's seeded random source in [0, 1). */
  random(): number;
}

export interface WaitTime {
  readonly description: string;
  seconds(ctx: WaitContext): number;
}

function assertSeconds(fn: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${fn}: expected a number of seconds ≥ 0, got ${value}`);
  }
}

/** A uniformly random wait between `min` and `max` seconds. */
export function between(min: number, max: number): WaitTime {
  assertSeconds('between', min);
  assertSeconds('between', max);
  if (max < min) throw new RangeError(`between(${min}, ${max}): max is below min`);
  return { description: `between(${min}, ${max})`, seconds: (ctx) => min + (max - min) * ctx.random() };
}

/** Always the same wait. */
export function constant(seconds: number): WaitTime {
  assertSeconds('constant', seconds);
  return { description: `constant(${seconds})`, seconds: () => seconds };
}

/** Starts a task every `seconds` at most: waits what is left of the period after the task ran. */
export function constantPacing(seconds: number): WaitTime {
  assertSeconds('constantPacing', seconds);
  return {
    description: `constantPacing(${seconds})`,
    seconds: (ctx) => Math.max(0, seconds - ctx.taskDurationSec),
  };
}

/** At most `runsPerSecond` task runs per second for each user (the inverse of constantPacing). */
export function constantThroughput(runsPerSecond: number): WaitTime {
  if (!Number.isFinite(runsPerSecond) || runsPerSecond <= 0) {
    throw new RangeError(`constantThroughput: expected runs per second > 0, got ${runsPerSecond}`);
  }
  const period = 1 / runsPerSecond;
  return {
    description: `constantThroughput(${runsPerSecond})`,
    seconds: (ctx) => Math.max(0, period - ctx.taskDurationSec),
  };
}
