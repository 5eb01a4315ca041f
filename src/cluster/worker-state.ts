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
