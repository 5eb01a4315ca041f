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
  /** Per endpoint (the first MAX_TIMELINE_ENDPOINTS seen), aligned with `time`; null before it was seen. */
  endpoints?: TimelineEndpoint[];
}

export interface TimelineEndpoint {
  method: string;
  name: string;
  rps: (number | null)[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
}

export const DEFAULT_TIMELINE_POINTS = 1200;
/** Endpoints charted one by one: enough to pick from, bounded for a scenario with thousands of names. */
export const MAX_TIMELINE_ENDPOINTS = 30;

/**
 * Collects one point per snapshot (about one a second) with bounded memory: when `maxPoints` are held,
 * every other point is dropped and from then on only every 2nd (then 4th, …) snapshot is kept, so a
 * 24-hour run still charts evenly with at most `maxPoints` points.
 */
export class RunTimeline {
  readonly #maxPoints: number;
  readonly #data: TimelineData = emptyTimeline();
  readonly #endpoints = new Map<string, TimelineEndpoint>();
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
    this.#addEndpoints(snapshot, d.time.length - 1);
    if (d.time.length >= this.#maxPoints) this.#halve();
  }

  get length(): number {
    return this.#data.time.length;
  }

  #addEndpoints(snapshot: StatsSnapshot, index: number): void {
    for (const e of snapshot.endpoints) {
      const key = `${e.method} ${e.name}`;
      if (this.#endpoints.has(key) || this.#endpoints.size >= MAX_TIMELINE_ENDPOINTS) continue;
      const before = (): (number | null)[] => new Array(index).fill(null);
      this.#endpoints.set(key, {
        method: e.method,
        name: e.name,
        rps: before(),
        p50Ms: before(),
        p95Ms: before(),
      });
    }
    const seen = new Map(snapshot.endpoints.map((e) => [`${e.method} ${e.name}`, e]));
    for (const [key, series] of this.#endpoints) {
      const e = seen.get(key);
      const measured = e !== undefined && e.requests > 0;
      series.rps.push(e ? e.currentRps : null);
      series.p50Ms.push(measured ? (e.currentPercentiles['50'] ?? null) : null);
      series.p95Ms.push(measured ? (e.currentPercentiles['95'] ?? null) : null);
    }
  }

  /** A copy of the points kept so far. */
  data(): TimelineData {
    const d = this.#data;
    return {
      endpoints: [...this.#endpoints.values()].map((e) => ({
        method: e.method,
        name: e.name,
        rps: [...e.rps],
        p50Ms: [...e.p50Ms],
        p95Ms: [...e.p95Ms],
      })),
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
    const d = this.#data;
    const columns: (number | null)[][] = [
      d.time,
      d.users,
      d.rps,
      d.failuresPerSec,
      d.p50Ms,
      d.p95Ms,
      d.p99Ms,
    ];
    for (const e of this.#endpoints.values()) columns.push(e.rps, e.p50Ms, e.p95Ms);
    for (const column of columns) {
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
