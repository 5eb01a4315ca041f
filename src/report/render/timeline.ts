import type { StatsSnapshot } from '../../metrics/summary.ts';

/**
 * The run over time, for the HTML report's charts, as columns (what uPlot draws): one entry per kept
 * snapshot. Rates and percentiles are the last-10-s figures, as Locust's charts show them.
 */
export interface TimelineData {
  /** Epoch seconds. */
  time: number[];
  users: number[];
  rps: number[];
  failuresPerSec: number[];
  p50Ms: number[];
  p95Ms: number[];
  p99Ms: number[];
}

export const DEFAULT_TIMELINE_POINTS = 1200;

/**
 * Collects one point per snapshot (about one a second) with bounded memory: when `maxPoints` are held,
 * every other point is dropped and from then on only every 2nd (then 4th, …) snapshot is kept, so a
 * 24-hour run still charts evenly with at most `maxPoints` points.
 */
export class RunTimeline {
  readonly #maxPoints: number;
  readonly #data: TimelineData = emptyTimeline();
  /** Keep one snapshot in `#stride`. */
  #stride = 1;
  #seen = 0;

  constructor(maxPoints: number = DEFAULT_TIMELINE_POINTS) {
    if (!Number.isInteger(maxPoints) || maxPoints < 2) {
      throw new RangeError(`timeline: maxPoints must be a whole number ≥ 2, got ${maxPoints}`);
    }
    this.#maxPoints = maxPoints;
  }

  add(snapshot: StatsSnapshot): void {
    const index = this.#seen++;
    if (index % this.#stride !== 0) return;
    const a = snapshot.aggregated;
    const d = this.#data;
    d.time.push(snapshot.timestamp / 1000);
    d.users.push(snapshot.users);
    d.rps.push(a.currentRps);
    d.failuresPerSec.push(a.currentFailuresPerSec);
    d.p50Ms.push(a.currentPercentiles['50'] ?? 0);
    d.p95Ms.push(a.currentPercentiles['95'] ?? 0);
    d.p99Ms.push(a.currentPercentiles['99'] ?? 0);
    if (d.time.length >= this.#maxPoints) this.#halve();
  }

  get length(): number {
    return this.#data.time.length;
  }

  /** A copy of the points kept so far. */
  data(): TimelineData {
    const d = this.#data;
    return {
      time: [...d.time],
      users: [...d.users],
      rps: [...d.rps],
      failuresPerSec: [...d.failuresPerSec],
      p50Ms: [...d.p50Ms],
      p95Ms: [...d.p95Ms],
      p99Ms: [...d.p99Ms],
    };
  }

  /** Keeps the points at even indices, which are exactly the snapshots a doubled stride keeps. */
  #halve(): void {
    for (const column of Object.values(this.#data) as number[][]) {
      let kept = 0;
      for (let i = 0; i < column.length; i += 2) column[kept++] = column[i] as number;
      column.length = kept;
    }
    this.#stride *= 2;
  }
}

export function emptyTimeline(): TimelineData {
  return { time: [], users: [], rps: [], failuresPerSec: [], p50Ms: [], p95Ms: [], p99Ms: [] };
}
