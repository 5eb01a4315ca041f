import type { LogLevel } from '../log.ts';
import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';

/** What the Start form asks for. Everything else comes from the command line, config and scenario. */
export interface RunParams {
  users: number;
  /** Users started per second; null: all at once. */
  spawnRate: number | null;
  host: string;
  /** "30s", "5m"…; null: until stopped. */
  runTime: string | null;
  /** Only tasks with any of these tags; empty: all tasks. */
  tags: string[];
}

/** A run the web UI drives: the engine's LoadTestRun, seen through what the UI needs. */
export interface LiveRun {
  /** Resolves with the final summary once reports are written. */
  readonly done: Promise<RunSummary>;
  /** "closed": users loop over tasks; "open": arrivals per second, one task each. */
  readonly loadModel: 'closed' | 'open';
  /**
   * Arrivals per second the open model starts at; null for the closed model, or when stages, a shape
   * or a capacity search move it.
   */
  readonly arrivalRate: number | null;
  /** The planned length in seconds (run time or stages); null or absent when open-ended. */
  readonly plannedDurationSec?: number | null;
  /** Retargets the number of users (closed model). */
  setUsers(users: number, spawnRate?: number): void;
  /** Changes the arrivals per second (open model). */
  setArrivalRate(rate: number): void;
  stop(): void;
  resetStats(): void;
  /** Running users per user class; null when the engine cannot tell. */
  usersByClass(): Record<string, number> | null;
  /** A distributed run's workers now; absent for a run in this process. */
  workers?(): LiveWorker[];
}

/** One worker of a distributed run (--processes, --master), as the Workers tab shows it. */
export interface LiveWorker {
  /** 1-based. */
  index: number;
  /** "host:pid" as the worker said, or its address. */
  host: string;
  /** connecting, assigned, ready, running, done or lost. */
  state: string;
  users: number;
  /** Requests per second over its last few reports. */
  rps: number;
  /** % of one core at its last report; null when not known (or it ended). */
  cpuPercent: number | null;
}

/** How the UI's runs are spread: over worker processes on this machine, or over connecting workers. */
export interface ClusterInfo {
  kind: 'processes' | 'master';
  /** Workers each run uses. */
  workers: number;
  /** --master: the address workers connect to (as given). */
  master?: string;
}

/** How the run talks back to the UI. */
export interface RunHooks {
  /** About once a second while it runs. */
  onSnapshot(snapshot: StatsSnapshot): void;
  log(level: LogLevel, message: string): void;
}

/**
 * Starts a run. Throws (OptionError and friends, with a one-line message) when the parameters are bad;
 * the UI shows the message.
 */
export type RunLauncher = (params: RunParams, hooks: RunHooks) => LiveRun;
