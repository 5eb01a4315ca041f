import type { Dispatcher } from 'undici';
import type { HttpClient } from '../http/types.ts';
import type { RunLogger } from '../log.ts';
import type { RunStats } from '../metrics/run-stats.ts';
import type { SampleSink } from '../metrics/sink.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { Threshold } from '../metrics/thresholds.ts';
import type { Reporter } from '../report/reporter.ts';
import type { LoadShape } from '../script/options.ts';
import type { AnyUserClass } from '../script/user.ts';
import type { Stage } from './load-stages.ts';

/** --find-capacity: raise the arrival rate step by step until a threshold breaks. */
export interface CapacitySearchPlan {
  /** Arrivals per second of the first step. */
  startRate: number;
  /** Added to the rate at each step. */
  stepRate: number;
  stepDurationSec: number;
  /** The search ends after the step at this rate even if nothing broke. */
  maxRate: number;
}

/** Everything a run needs, resolved and validated (see `resolveRunPlan`). */
export interface RunPlan {
  /** Path of the scenario file, for reports. */
  scenario: string;
  userClasses: readonly AnyUserClass[];
  host: string;
  /** "closed": `users` loop over tasks; "open": arrivals at `arrivalRate` (or rate stages), one task each. */
  loadModel: 'closed' | 'open';
  /** Closed model: users to start (0 in the open model). */
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
  /** PEM contents of --ca, --cert, --key (read when the plan is made). */
  tls: TlsFiles;
  /** --http2: HTTP/2 through undici. */
  http2: boolean;
  /** --proxy; null: the environment's proxy variables. */
  proxy: string | null;
  requestTimeoutMs: number;
  reporters: readonly Reporter[];
  /** Extra per-request observers (e.g. the Prometheus exporter's histograms), after the run's own stats. */
  sampleSinks?: readonly SampleSink[];
  /** The command line, for reports. */
  command: string;
  /** Open model: arrivals per second at the start (before any stages); null in the closed model. */
  arrivalRate: number | null;
  /** Open model: the cap on concurrent virtual users; an arrival finding none free is dropped. */
  maxUsers: number;
  /** Ramps of users (closed model) or of arrivals per second (open model); null: none. */
  stages: readonly Stage[] | null;
  /** options.shape: ticked each second; null: none. */
  shape: LoadShape | null;
  /** --find-capacity (and --profile breakpoint); null: no search. */
  capacity: CapacitySearchPlan | null;
  /** --profile name, for reports; null: none. */
  profile: string | null;
  /** Aborting it stops the run cleanly (reports are still written). */
  signal?: AbortSignal;
  log?: RunLogger;
  /** Records the run's exchanges, time and randomness, or replays them (src/record); absent: plain run. */
  recorder?: RunRecorder;
  /** Where samples are recorded; default a new RunStats. A worker process passes its own to stream it. */
  stats?: RunStats;
  /** This run is one worker's share of a multi-process run (see src/cluster/partition.ts). */
  partition?: RunPartition;
  /** Open model: where the uncorrected and iteration samples go; a worker passes its own to send them. */
  openStats?: OpenModelStats;
}

/** The open model's statistics besides the headline ones. */
export interface OpenModelStats {
  uncorrected: RunStats;
  iterations: RunStats;
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
  /** Open model: this worker's first arrival comes this long after the start (its phase in the run's schedule). */
  arrivalDelaySec: number;
}

/** PEM contents of the TLS files given on the command line; absent when not given. */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}
