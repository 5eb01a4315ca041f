import type { Dispatcher } from 'undici';
import type { HttpClient } from '../http/types.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { Threshold } from '../metrics/thresholds.ts';
import type { Reporter } from '../report/reporter.ts';
import type { AnyUserClass } from '../script/user.ts';

export type LogLevel = 'info' | 'warn' | 'error';
export type RunLogger = (level: LogLevel, message: string) => void;

/** Everything a run needs, resolved and validated (see `resolveRunPlan`). */
export interface RunPlan {
  /** Path of the scenario file, for reports. */
  scenario: string;
  userClasses: readonly AnyUserClass[];
  host: string;
  users: number;
  /** Users started per second; Infinity starts them all at once. */
  spawnRate: number;
  /** null: until iterations are done or the run is stopped. */
  runTimeSec: number | null;
  iterations: number | null;
  tags: readonly string[] | null;
  excludeTags: readonly string[] | null;
  stopTimeoutSec: number;
  thresholds: readonly Threshold[];
  seed: number | null;
  exitCodeOnError: number;
  insecure: boolean;
  requestTimeoutMs: number;
  reporters: readonly Reporter[];
  /** The command line, for reports. */
  command: string;
  /** Aborting it stops the run cleanly (reports are still written). */
  signal?: AbortSignal;
  log?: RunLogger;
  /** Records the run's exchanges, time and randomness, or replays them (src/record); absent: plain run. */
  recorder?: RunRecorder;
}

/** The hooks record/replay needs in a run, in the order the engine calls them. */
export interface RunRecorder {
  /** Wraps the transport's dispatch: records each exchange, or answers it from the recording. */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor;
  /** Once the run's seed is known, before any user starts. */
  begin(seed: number): void;
  /** The client user `userId`'s scenario gets. */
  client(userId: number, http: HttpClient): HttpClient;
  /** Runs a user's whole life, so its requests, time and randomness are attributed to it. */
  runUser(userId: number, run: () => Promise<void>): Promise<void>;
  /** After every user stopped, before the reporters: writes the recording, adds its verdict to the summary. */
  end(summary: RunSummary): Promise<void>;
}
