import { AsyncLocalStorage } from 'node:async_hooks';
import { ValueTape } from './captured-values.ts';
import type { CapturedValue, HarEntry } from './har.ts';

/** What record/replay keeps for one virtual user: its exchanges and the time/randomness it read. */
export class RecordedUser {
  readonly id: number;
  readonly tape: ValueTape;
  /** The recording's entries for this user, in order (replay, record-missing). */
  readonly expected: readonly HarEntry[];
  /** The entries of this run (record, record-missing), in request order; each resolves once it ended. */
  readonly entries: Promise<HarEntry>[] = [];
  /** Requests sent so far (redirect hops count). */
  sent = 0;
  /** Set at the first request that does not match the recording: the user stops there. */
  diverged = false;
  /** record-missing: once a request was not in the recording, the rest of this user goes to the network. */
  live = false;

  constructor(id: number, expected: readonly HarEntry[], values: readonly CapturedValue[] | null) {
    this.id = id;
    this.expected = expected;
    this.tape = new ValueTape(values);
  }
}

export interface UserScope {
  readonly user: RecordedUser;
  /** True in scenario code; false inside volley's HTTP client, so its own clock reads stay real. */
  readonly capturing: boolean;
}

/**
 * Which virtual user the running code belongs to. Async context follows awaits, timers and callbacks, so
 * a `Math.random()` deep in a scenario's helper is attributed to the right user even with many users
 * interleaving on one thread.
 */
export const userScope = new AsyncLocalStorage<UserScope>();

/** The user whose scenario code is running now, or null (engine code, another run, no recording). */
export function capturingUser(): RecordedUser | null {
  const scope = userScope.getStore();
  return scope?.capturing === true ? scope.user : null;
}
