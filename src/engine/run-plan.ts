import type { SampleSink } from '../metrics/sink.ts';
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
  /** Extra per-request observers (e.g. the Prometheus exporter's histograms), after the run's own stats. */
  sampleSinks?: readonly SampleSink[];
  /** The command line, for reports. */
  command: string;
  /** Aborting it stops the run cleanly (reports are still written). */
  signal?: AbortSignal;
  log?: RunLogger;
}
