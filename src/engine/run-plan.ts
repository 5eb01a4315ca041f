import type { RunStats } from '../metrics/run-stats.ts';
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
  /** Where samples are recorded; default a new RunStats. A worker process passes its own to stream it. */
  stats?: RunStats;
  /** This run is one worker's share of a multi-process run (see src/cluster/partition.ts). */
  partition?: RunPartition;
}

/** One user a partitioned run starts: its run-wide id (so its seed) and class, decided by the coordinator. */
export interface PartitionUser {
  id: number;
  userClass: AnyUserClass;
}

/**
 * Worker `index` of `count`'s share of a run: exactly these users, in this order, instead of the user
 * distribution; the first one `spawnDelaySec` after the start, then at the plan's (already divided) rate.
 */
export interface RunPartition {
  index: number;
  count: number;
  users: readonly PartitionUser[];
  spawnDelaySec: number;
}
