import { round3 } from '../metrics/latency.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { SerializedRunStats } from '../metrics/serialized-stats.ts';
import type { ArrivalSnapshot, ArrivalSummary } from '../metrics/summary.ts';

/** The open model's arrival counts over a span (since the start or the last stats reset). */
export interface ArrivalCounts {
  durationSec: number;
  /** Arrivals the schedule had made due over the span (fractional): the target rate's numerator. */
  due: number;
  scheduled: number;
  launched: number;
  dropped: number;
  /** Of `dropped`, below maxUsers, volley saturated while they waited (or at the stop of the run). */
  droppedSaturated: number;
  maxUsers: number;
}

/**
 * The summary's `arrivals`: counts, rates over the span, and the iteration and uncorrected statistics.
 * One process and the coordinator of a multi-process run both build it here.
 */
export function arrivalSummary(
  counts: ArrivalCounts,
  uncorrected: RunStats,
  iterations: RunStats,
): ArrivalSummary {
  const { durationSec, due, ...rest } = counts;
  const perSec = (n: number) => (durationSec > 0 ? round3(n / durationSec) : 0);
  const table = uncorrected.snapshot(0);
  return {
    targetRate: perSec(due),
    achievedRate: perSec(counts.launched),
    durationSec: round3(durationSec),
    ...rest,
    iteration: iterations.snapshot(0).aggregated,
    uncorrected: { endpoints: table.endpoints, aggregated: table.aggregated },
  };
}

/** Several processes' live arrivals as one (rates add up too: each process has its share). */
export function addArrivalSnapshots(snapshots: readonly ArrivalSnapshot[]): ArrivalSnapshot | null {
  if (snapshots.length === 0) return null;
  const sum = (key: keyof ArrivalSnapshot) => snapshots.reduce((total, a) => total + a[key], 0);
  return {
    rate: round3(sum('rate')),
    scheduled: sum('scheduled'),
    launched: sum('launched'),
    dropped: sum('dropped'),
  };
}

/** One process's share of a multi-process open-model run, as a worker sends it at its end. */
export interface ArrivalShare {
  durationSec: number;
  scheduled: number;
  launched: number;
  dropped: number;
  /** Absent from a worker of a version before it: 0. */
  droppedSaturated?: number;
  maxUsers: number;
  uncorrected: SerializedRunStats;
  iterations: SerializedRunStats;
}

/**
 * The open model's arrivals of several processes as one: counts add up, the uncorrected and iteration
 * histograms merge exactly, the span is the longest process's.
 */
export class ArrivalTotals {
  #totals: { counts: ArrivalCounts; uncorrected: RunStats; iterations: RunStats } | null = null;

  /** Adds a process's share; throws StatsFormatError for statistics that cannot be merged. */
  add(share: ArrivalShare): void {
    if (!this.#totals) {
      const { durationSec, scheduled, launched, dropped, maxUsers } = share;
      const droppedSaturated = share.droppedSaturated ?? 0;
      const counts = {
        durationSec,
        due: scheduled,
        scheduled,
        launched,
        dropped,
        droppedSaturated,
        maxUsers,
      };
      this.#totals = { counts, uncorrected: new RunStats(), iterations: new RunStats() };
    } else {
      const c = this.#totals.counts;
      c.durationSec = Math.max(c.durationSec, share.durationSec);
      c.scheduled += share.scheduled;
      c.due = c.scheduled;
      c.launched += share.launched;
      c.dropped += share.dropped;
      c.droppedSaturated += share.droppedSaturated ?? 0;
      c.maxUsers += share.maxUsers;
    }
    this.#totals.uncorrected.merge(share.uncorrected);
    this.#totals.iterations.merge(share.iterations);
  }

  /**
   * The summary's `arrivals` (null: no process had any), then frees the histograms. Rates are over the
   * run's span, not each process's own rate added up (its phase offset would make that sum low); the target
   * counts the arrivals that came due (launched + dropped) in every process.
   */
  summary(): ArrivalSummary | null {
    const totals = this.#totals;
    if (!totals) return null;
    const summary = arrivalSummary(totals.counts, totals.uncorrected, totals.iterations);
    totals.uncorrected.dispose();
    totals.iterations.dispose();
    return summary;
  }
}
