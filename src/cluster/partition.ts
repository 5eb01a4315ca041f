/**
 * How a run is split between worker processes so that, together, they do exactly what one process would:
 *
 * - Users: the coordinator's view of the run is the single-process spawn order (Locust's class
 *   interleaving from UserDistribution, ids 1..N). User j (0-based) goes to worker j mod k, so each worker
 *   gets floor(N/k) or ceil(N/k) users, the class mix is exact overall and at every moment of a ramp-up,
 *   and user id i keeps its id, hence its per-user seed (deriveSeed(runSeed, id)).
 * - Ramp-up: single-process user j starts at j/R. Worker i's m-th user is user j = i + m·k, due at
 *   (i + m·k)/R = i/R + m/(R/k): the worker ramps at R/k after a delay of i/R, so the global ramp is unchanged.
 * - Stages: each worker ramps to its share of every stage's target over the stage's time.
 * - Open model: see partitionOpenPlan.
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
  if (plan.loadModel === 'open') return partitionOpenPlan(plan, workerIndex, workerCount);
  // Stages: every worker takes its share of each stage's target; it starts its users in single-process order.
  const peak = Math.max(plan.users, ...(plan.stages ?? []).map((s) => s.target));
  const users: PartitionUser[] = [];
  assignUserClasses({ ...plan, users: peak }).forEach((userClass, j) => {
    if (j % workerCount === workerIndex) users.push({ id: j + 1, userClass });
  });
  const finiteRate = Number.isFinite(plan.spawnRate);
  return {
    ...plan,
    // Its share of users, fewer when only full fixed-count classes remain (as a single process stops there).
    users: users.filter((u) => u.id <= plan.users).length,
    spawnRate: finiteRate ? plan.spawnRate / workerCount : plan.spawnRate,
    stages: plan.stages?.map((s) => ({ ...s, target: shareOf(s.target, workerIndex, workerCount) })) ?? null,
    partition: {
      index: workerIndex,
      count: workerCount,
      users,
      spawnDelaySec: finiteRate && !plan.stages ? workerIndex / plan.spawnRate : 0,
      arrivalDelaySec: 0,
    },
  };
}

/**
 * Open model: arrival j of the run (due at j/R) goes to worker j mod k, so each worker runs at R/k with its
 * first arrival i/R after the start, and together they keep the single-process timetable. Rate stages are
 * divided the same way (each worker ramps to target/k); the cap on users is shared like users.
 */
function partitionOpenPlan(plan: RunPlan, workerIndex: number, workerCount: number): RunPlan {
  const rate = plan.arrivalRate;
  return {
    ...plan,
    arrivalRate: rate === null ? null : rate / workerCount,
    maxUsers: Math.max(1, shareOf(plan.maxUsers, workerIndex, workerCount)),
    stages: plan.stages?.map((s) => ({ ...s, target: s.target / workerCount })) ?? null,
    partition: {
      index: workerIndex,
      count: workerCount,
      users: [],
      spawnDelaySec: 0,
      arrivalDelaySec: rate && rate > 0 && !plan.stages ? workerIndex / rate : 0,
    },
  };
}

/** Never more workers than users (at the peak of the stages): a worker with no user would only add a process. */
export function effectiveWorkerCount(
  requested: number,
  plan: Pick<RunPlan, 'users' | 'loadModel' | 'stages'>,
): number {
  if (plan.loadModel === 'open') return Math.max(1, requested);
  const peak = Math.max(plan.users, ...(plan.stages ?? []).map((s) => s.target));
  return Math.max(1, Math.min(requested, peak));
}
