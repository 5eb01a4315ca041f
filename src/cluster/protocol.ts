/**
 * What a coordinator and its workers say to each other: plain JSON objects, the same over a local pipe
 * (child_process IPC) and over TCP (one object per line), so a worker process is the same program whether
 * the coordinator forked it or it connected from another machine (`volley worker --master host:port`).
 *
 *   worker → coordinator   hello                 (once connected: its protocol, index and a nonce)
 *   coordinator → worker   challenge             (over TCP: its nonce and its proof of the cluster token)
 *   worker → coordinator   auth                  (over TCP: the worker's proof of the cluster token)
 *   coordinator → worker   refuse                (over TCP: why it will not take this worker; then it closes)
 *   coordinator → worker   assign                (settings, scenario, its index and the worker count)
 *   worker → coordinator   ready                 (scenario loaded, share computed; `users` it will start)
 *   coordinator → worker   start                 (all workers are ready: go)
 *   worker → coordinator   stats …               (about once a second: what it recorded since the last one)
 *   coordinator → worker   stop                  (run time over, Ctrl-C, …; the worker honours --stop-timeout)
 *   coordinator → worker   set-load              (the web UI's edit: the run's new users or rate; each takes its share)
 *   worker → coordinator   done                  (the last stats; then it exits)
 *   worker → coordinator   log / error           (any time: a log line; a fatal error, then it exits)
 *   both ways              ping                  (over TCP, every few seconds: see socket-link.ts)
 *
 * Statistics travel as deltas (RunStats.serialize then reset), merged exactly by RunStats.merge: counts
 * add, HDR histograms' non-empty bins add losslessly, per-second window buckets add by epoch second.
 */
import type { ArrivalShare } from '../engine/arrival-summary.ts';
import type { LogLevel } from '../log.ts';
import type { GeneratorCpu } from '../metrics/generator-cpu.ts';
import type { SerializedRunStats } from '../metrics/serialized-stats.ts';
import type { ArrivalSnapshot } from '../metrics/summary.ts';
import type { VolleyOptions } from '../script/options.ts';

/**
 * Bumped on any incompatible change; a worker speaking another version is refused at once.
 * 3: statistics deltas in format volley.run-stats.v4 (sparse histograms, aggregated row as totals).
 */
export const CLUSTER_PROTOCOL_VERSION = 3;

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  volleyVersion: string;
  /** Where the worker runs, for messages ("host:pid"). */
  worker: string;
  /** The share it asks for (`volley worker --index`, JOB_COMPLETION_INDEX); null: any free one. */
  index?: number | null;
  /** Random hex, for the challenge–response over TCP (see cluster-auth.ts). */
  nonce?: string;
}

export interface ChallengeMessage {
  type: 'challenge';
  nonce: string;
  /** HMAC proving the coordinator holds the cluster token. */
  proof: string;
}

export interface AuthMessage {
  type: 'auth';
  /** HMAC proving the worker holds the cluster token. */
  proof: string;
}

export interface RefuseMessage {
  type: 'refuse';
  /** One line: why this worker is not taken (duplicate index, run already started, wrong token…). */
  reason: string;
}

export interface AssignMessage {
  type: 'assign';
  protocol: number;
  workerIndex: number;
  workerCount: number;
  /** Scenario file path, as a local worker opens it. */
  scenario: string;
  /**
   * The scenario compiled into one ES module (volley itself left as an import), for workers on other
   * machines: they run it rather than open a path the coordinator names.
   */
  bundle?: string;
  /** The merged settings (config, scenario options, env, flags), seed included so all workers share it. */
  settings: VolleyOptions;
}

export interface StartMessage {
  type: 'start';
}

export interface StopMessage {
  type: 'stop';
}

/** The whole run's new load (not this worker's share): each worker takes its share, as of its assignment. */
export interface SetLoadMessage {
  type: 'set-load';
  /** Closed model: users in the whole run, started or retired at `spawnRate` per second (absent: at once). */
  users?: number;
  spawnRate?: number;
  /** Open model: arrivals per second of the whole run. */
  arrivalRate?: number;
}

export interface ReadyMessage {
  type: 'ready';
  /** Users this worker will start. */
  users: number;
}

export interface StatsMessage {
  type: 'stats';
  /** Recorded since the previous stats message. */
  stats: SerializedRunStats;
  /** Users running now. */
  users: number;
  /** Open model: this worker's arrivals so far (cumulative), for the live views' merged snapshot. */
  arrivals?: ArrivalSnapshot;
  /** The worker process's CPU since its previous stats message, in % of one core (the web UI's Workers tab). */
  cpuPercent?: number;
}

export interface DoneMessage {
  type: 'done';
  /** Recorded since the previous stats message, up to the end. */
  stats: SerializedRunStats;
  peakUsers: number;
  stopReason: string;
  /** Open model: this worker's arrivals, and its uncorrected and iteration statistics (whole run). */
  open?: OpenModelShare;
  /** The worker process's own CPU over its run. */
  generator?: GeneratorCpu;
  /** Set when the worker stopped because it was told to by its own signal ("SIGTERM"), not the coordinator. */
  interrupted?: string;
}

export interface OpenModelShare extends ArrivalShare {
  targetRate: number;
  achievedRate: number;
}

export interface LogMessage {
  type: 'log';
  level: LogLevel;
  message: string;
}

export interface ErrorMessage {
  type: 'error';
  /** One line, for the user. */
  message: string;
}

export type CoordinatorMessage =
  | ChallengeMessage
  | RefuseMessage
  | AssignMessage
  | StartMessage
  | StopMessage
  | SetLoadMessage;
export type WorkerMessage =
  | HelloMessage
  | AuthMessage
  | ReadyMessage
  | StatsMessage
  | DoneMessage
  | LogMessage
  | ErrorMessage;

const COORDINATOR_TYPES = new Set(['challenge', 'refuse', 'assign', 'start', 'stop', 'set-load']);
const WORKER_TYPES = new Set(['hello', 'auth', 'ready', 'stats', 'done', 'log', 'error']);

function typeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
}

/** Checks the envelope only: the coordinator checks each worker message's fields (worker-message-check.ts). */
export function isCoordinatorMessage(value: unknown): value is CoordinatorMessage {
  return COORDINATOR_TYPES.has(typeOf(value) as string);
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return WORKER_TYPES.has(typeOf(value) as string);
}
