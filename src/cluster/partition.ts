/**
 * How a run is split between worker processes so that, together, they do exactly what one process would:
 *
 * - Users: the coordinator's view of the run is the single-process spawn order (Locust's class
 *   interleaving from UserDistribution, ids 1..N). User j (0-based) goes to worker j mod k, so each worker
 *   gets floor(N/k) or ceil(N/k) users, the class mix is exact overall and at every moment of a ramp-up,
 *   and user id i keeps its id, hence its per-user seed (deriveSeed(runSeed, id)).
 * - Ramp-up: single-process user j starts at j/R. Worker i's m-th user is user j = i + m·k, due at
 *   (i + m·k)/R = i/R + m/(R/k): the worker ramps at R/k after a delay of i/R, so the global ramp is unchanged.
 * - Iterations per user, run time, stop timeout, thresholds: unchanged (thresholds are evaluated once, by
 *   the coordinator, on the merged statistics).
 *
 * Pure: every worker computes its own share from the same plan, index and count, so the coordinator only
 * sends (settings, index, count) — the same over a pipe or, later, TCP.
 */
import type { PartitionUser, RunPlan } from '../engine/run-plan.ts';
import { selectTasks } from '../engine/task-picker.ts';
import { UserDistribution } from '../engine/user-distribution.ts';
import type { AnyUserClass } from '../script/user.ts';

/** Worker `index` of `count`'s share of `total`: floor or ceil, the remainder going to the first workers. */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * The class of every user of a single-process run, in spawn order (index j is user id j + 1). Shorter than
 * `users` when only fixed-count classes exist and they are full, as the single-process run stops there too.
 */
export function assignUserClasses(
  plan: Pick<RunPlan, 'userClasses' | 'users' | 'tags' | 'excludeTags'>,
): AnyUserClass[] {
  // The same classes the engine distributes over: those with a task left after tag selection.
  const classes = plan.userClasses.filter((c) => selectTasks(c, plan.tags, plan.excludeTags).length > 0);
  const distribution = new UserDistribution<unknown>(classes);
  const sequence: AnyUserClass[] = [];
  for (let j = 0; j < plan.users; j++) {
    const cls = distribution.next();
    if (!cls) break;
    sequence.push(cls as AnyUserClass);
  }
  return sequence;
}

/** Thrown for an impossible worker index or count: a programming error, not a user's. */
export class PartitionError extends RangeError {
  override readonly name = 'PartitionError';
}

/** Worker `workerIndex` (0-based) of `workerCount`'s share of `plan`. */
export function partitionPlan(plan: RunPlan, workerIndex: number, workerCount: number): RunPlan {
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new PartitionError(`worker count must be a whole number ≥ 1, got ${workerCount}`);
  }
  if (!Number.isInteger(workerIndex) || workerIndex < 0 || workerIndex >= workerCount) {
    throw new PartitionError(`worker index must be 0..${workerCount - 1}, got ${workerIndex}`);
  }
  const users: PartitionUser[] = [];
  assignUserClasses(plan).forEach((userClass, j) => {
    if (j % workerCount === workerIndex) users.push({ id: j + 1, userClass });
  });
  const finiteRate = Number.isFinite(plan.spawnRate);
  return {
    ...plan,
    users: users.length,
    spawnRate: finiteRate ? plan.spawnRate / workerCount : plan.spawnRate,
    partition: {
      index: workerIndex,
      count: workerCount,
      users,
      spawnDelaySec: finiteRate ? workerIndex / plan.spawnRate : 0,
    },
    // ── Open model (--arrival-rate, --max-users, stages; wired by the lead when that branch lands) ──
    // Split the same way, so that the merged schedule is the single-process one:
    // - arrivalRate: plan.arrivalRate / workerCount, with the worker's first arrival delayed by
    //   workerIndex / plan.arrivalRate (arrival j of the run, at j/rate, goes to worker j mod k);
    // - each stage's target rate: target / workerCount (stage durations unchanged);
    // - maxUsers (and preAllocated users, if any): shareOf(plan.maxUsers, workerIndex, workerCount);
    // - the coordinator must then not cap the worker count at `users` (see effectiveWorkerCount).
  };
}

/** Never more workers than users: a worker with no user would only add a process. */
export function effectiveWorkerCount(requested: number, plan: Pick<RunPlan, 'users'>): number {
  return Math.max(1, Math.min(requested, plan.users));
}
