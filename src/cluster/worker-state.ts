import type { ArrivalSnapshot } from '../metrics/summary.ts';
import type { Link } from './link.ts';
import type { CoordinatorMessage, WorkerMessage } from './protocol.ts';

/** The coordinator's end of the link to one worker. */
export type WorkerLink = Link<CoordinatorMessage, WorkerMessage>;

/** Where a worker is in a multi-process run, as the coordinator sees it. */
export type WorkerState = 'connecting' | 'assigned' | 'ready' | 'running' | 'done' | 'lost';

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
  };
}
