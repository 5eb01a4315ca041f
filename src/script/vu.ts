import type { HttpClient } from '../http/types.ts';

export interface VuLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What a task, `onStart` and `onStop` receive: one virtual user. */
export interface VirtualUser<S = Record<string, unknown>> {
  /** 1-based, unique in the run. */
  readonly id: number;
  /** The user class's name (its export name). */
  readonly userName: string;
  /** This user's own HTTP client: cookie jar, default headers, base URL = the run's host. */
  readonly http: HttpClient;
  /** Per-user state, kept across tasks (set it in `onStart`). */
  state: S;
  readonly log: VuLogger;
  /** Task runs this user has completed. */
  readonly iteration: number;
  /** Seeded random source in [0, 1); reproducible with --seed. */
  random(): number;
  /** Aborted when the run stops: pass it to your own long waits or fetches. */
  readonly signal: AbortSignal;
  /** Sleeps, returning early when the run stops. */
  sleep(seconds: number): Promise<void>;
  /** Stops this user for the rest of the run (Locust's StopUser); `onStop` still runs. */
  stop(reason?: string): never;
  /** Ends the current task run now; the user waits, then picks its next task. */
  endTask(reason?: string): never;
}
