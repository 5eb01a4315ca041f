import type { ArrivalSnapshot } from '../metrics/summary.ts';
import type { Link } from './link.ts';
import type { CoordinatorMessage, WorkerMessage } from './protocol.ts';

/** The coordinator's end of the link to one worker. */
export type WorkerLink = Link<CoordinatorMessage, WorkerMessage>;

/** Where a worker is in a multi-process run, as the coordinator sees it. */
/** leaving: it sent its last statistics after a signal of its own; lost unless the run is stopping too. */
export type WorkerState = 'connecting' | 'assigned' | 'ready' | 'running' | 'leaving' | 'done' | 'lost';

export interface Worker {
  index: number;
  link: WorkerLink;
  state: WorkerState;
  /** Users running at its last report. */
  users: number;
  peakUsers: number;
  /** Stats messages received: one per second of its run. */
  reports: number;
  /** Open model: its arrivals at its last report. */
  arrivals: ArrivalSnapshot | null;
  stopReason: string | null;
  /** "host:pid", from its hello. */
  host: string;
  /** Requests it reported so far. */
  requests: number;
  lossReason: string | null;
  /** When the coordinator last heard from it, and when it ended (monotonic epoch ms). */
  heardAtMs: number;
  endedAtMs: number | null;
  /** Its CPU at its last report, in % of one core; null when it does not say. */
  cpuPercent?: number | null;
  /** Its last few reports (arrival time, requests in them), for its current requests per second. */
  recent?: { atMs: number; requests: number }[];
}

/** One worker as the web UI's Workers tab shows it. */
export interface WorkerRow {
  /** 1-based, as the logs name workers. */
  index: number;
  host: string;
  state: WorkerState;
  users: number;
  /** Requests per second over its last few reports. */
  rps: number;
  cpuPercent: number | null;
}

/** Reports that make a worker's current req/s: about 5 s, smoothing one late report. */
const RECENT_REPORTS = 6;

/** Notes a stats report's request count and CPU for the worker's row. */
export function noteReport(worker: Worker, requests: number, cpuPercent: number | undefined): void {
  worker.recent ??= [];
  const recent = worker.recent;
  recent.push({ atMs: performance.now(), requests });
  if (recent.length > RECENT_REPORTS) recent.shift();
  worker.cpuPercent = cpuPercent ?? null;
}

export function workerRow(worker: Worker, nowMs = performance.now()): WorkerRow {
  const recent = worker.recent ?? [];
  const first = recent[0];
  // The requests of every report after the first, over the time since the first; a finished worker sends none.
  const spanSec = first ? (nowMs - first.atMs) / 1000 : 0;
  const ended = worker.state === 'done' || worker.state === 'lost';
  const rps =
    ended || !first || spanSec <= 0 ? 0 : recent.slice(1).reduce((n, r) => n + r.requests, 0) / spanSec;
  return {
    index: worker.index + 1,
    host: worker.host || worker.link.label,
    state: worker.state,
    users: worker.users,
    rps,
    cpuPercent: ended ? null : (worker.cpuPercent ?? null),
  };
}

export function newWorker(index: number, link: WorkerLink): Worker {
  return {
    index,
    link,
    state: 'connecting',
    users: 0,
    peakUsers: 0,
    reports: 0,
    arrivals: null,
    stopReason: null,
    host: '',
    requests: 0,
    lossReason: null,
    heardAtMs: 0,
    endedAtMs: null,
  };
}
