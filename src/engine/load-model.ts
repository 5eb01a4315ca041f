import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import type { RunPlan } from './run-plan.ts';

/** How a retarget applies. */
export interface RetargetOptions {
  /** When the change takes effect, performance.now() ms (default now): steering passes its planned time. */
  atMs?: number;
  /** Closed model: users started or stopped per second on the way (default Infinity: at once). */
  spawnRate?: number;
  /**
   * Closed model. true (Locust's ramp-up): the first change happens at once; false (a stage's ramp): the
   * last change lands exactly at the ramp's end.
   */
  firstAtOnce?: boolean;
}

/**
 * A way of putting load on the system: the closed model (a number of users, each looping over its tasks)
 * or the open model (arrivals on a schedule, one task each). The run (LoadTest) owns the lifecycle and
 * starts, steers and stops its models through this; stages are a model's own schedule, while a shape, a
 * capacity search or the web UI steer a model by retargeting it. One model per file, like k6's executors.
 */
export interface LoadModel {
  /** Begins the model's own schedule (its users' ramp, its arrival stages) at `startMs`, performance.now() ms. */
  start(startMs: number): void;
  /** Moves the load to `target`: users (closed model) or arrivals per second (open model). */
  retarget(target: number, options?: RetargetOptions): void;
  /** The schedule ends at `atMs` (the run's planned end): nothing intended from then on starts. */
  endAt(atMs: number): void;
  /**
   * Makes now what was due before `atMs`: a planned end's timer may fire a fraction of a millisecond before
   * performance.now() gets there (libuv's loop clock is coarser), and what was due by then must not be lost.
   */
  advanceTo(atMs: number): void;
  /** No new users or arrivals from now on; idle users leave. Busy ones finish under the run's stop timeout. */
  stop(): void;
  /** Users of this model alive now. */
  readonly activeUsers: number;
  /** A stats reset: the model's own numbers start again from now. */
  resetStats(): void;
  /** The model's part of a live snapshot (the open model's arrivals; nothing for the closed model). */
  snapshotPart(): Partial<StatsSnapshot>;
  /** The run is over (`stopMs`: when the load stopped): the model's part of the summary. */
  summaryPart(stopMs: number): Partial<RunSummary>;
}

/** Keep-alive connections per origin: one per user the run may have at once. */
export function connectionsFor(plan: RunPlan): number {
  if (plan.loadModel === 'open' || plan.shape) return Math.max(1, plan.maxUsers);
  const stagePeak = Math.max(0, ...(plan.stages ?? []).map((s) => s.target));
  return Math.max(1, plan.users, stagePeak);
}
