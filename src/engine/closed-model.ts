import type { StatsSnapshot } from '../metrics/summary.ts';
import type { AnyUserClass } from '../script/user.ts';
import { ClosedScheduler } from './closed-scheduler.ts';
import type { LoadModel, RetargetOptions } from './load-model.ts';
import type { Stage } from './load-stages.ts';
import type { RunPartition } from './run-plan.ts';
import { UserDistribution } from './user-distribution.ts';
import type { UserPool, UserSlot } from './user-pool.ts';

/** The closed model's own schedule: a ramp to a number of users, stages, or nothing (steered only). */
export type ClosedSchedule =
  | { kind: 'users'; users: number; spawnRate: number; delaySec: number }
  | { kind: 'stages'; stages: readonly Stage[] }
  | null;

export interface ClosedModelOptions {
  pool: UserPool;
  schedule: ClosedSchedule;
  /** A worker of a multi-process run starts exactly these users, in order, instead of the distribution. */
  partition?: RunPartition | undefined;
  /** A retired user still busy after this long no longer counts (0: it finishes its task however long). */
  stopTimeoutSec: number;
}

/**
 * The closed model: a number of users, each looping over its tasks until the run stops; ramps start and
 * retire users at a spawn rate (Locust's, k6's ramping-vus). Users removed by a ramp-down finish their
 * current task first; the newest leaves first, and comes back first on the next ramp-up.
 */
export class ClosedModel implements LoadModel {
  readonly #pool: UserPool;
  readonly #options: ClosedModelOptions;
  readonly #scheduler: ClosedScheduler;
  readonly #distribution: UserDistribution<unknown>;
  /** Users in start order: ramp-downs retire the newest first. */
  readonly #users: UserSlot[] = [];
  /** Retired users (class; id in a multi-process run), re-added first on the next ramp-up so the class ratio holds. */
  readonly #respawn: { cls: AnyUserClass; id: number | undefined }[] = [];
  /** Multi-process: how many of the partition's users have been started. */
  #partitionNext = 0;
  readonly #stageTimers: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(options: ClosedModelOptions) {
    this.#options = options;
    this.#pool = options.pool;
    this.#distribution = new UserDistribution(options.pool.classes());
    this.#scheduler = new ClosedScheduler({ spawn: () => this.#spawn(), retire: () => this.#retire() });
  }

  get activeUsers(): number {
    return this.#users.length;
  }

  /** Users asked for (the ramp's target). */
  get target(): number {
    return this.#scheduler.target;
  }

  /** No change pending: the target is reached, or no user class can take another user. */
  get idle(): boolean {
    return this.#scheduler.idle;
  }

  start(startMs: number): void {
    const schedule = this.#options.schedule;
    if (schedule?.kind === 'users') {
      // A worker of a multi-process run starts its share of the ramp between the other workers' users.
      this.retarget(schedule.users, {
        spawnRate: schedule.spawnRate,
        atMs: startMs + schedule.delaySec * 1000,
      });
    } else if (schedule?.kind === 'stages') {
      this.#driveStages(schedule.stages, startMs);
    }
  }

  retarget(users: number, options: RetargetOptions = {}): void {
    this.#scheduler.retarget(users, options.spawnRate ?? Number.POSITIVE_INFINITY, {
      ...(options.firstAtOnce !== undefined ? { firstAtOnce: options.firstAtOnce } : {}),
      ...(options.atMs !== undefined ? { atMs: options.atMs } : {}),
    });
  }

  endAt(_atMs: number): void {
    // Users have no schedule of their own to cut: the run's end stops them.
  }

  advanceTo(atMs: number): void {
    this.#scheduler.advanceTo(atMs);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#stageTimers) clearTimeout(timer);
    this.#scheduler.stop();
  }

  resetStats(): void {}

  snapshotPart(): Partial<StatsSnapshot> {
    return {};
  }

  summaryPart(): Record<string, never> {
    return {};
  }

  /** Stages: each ramps linearly to its target, the last change landing on the stage's end. */
  #driveStages(stages: readonly Stage[], startMs: number): void {
    let atSec = 0;
    let from = 0;
    for (const stage of stages) {
      const atMs = startMs + atSec * 1000;
      const steps = Math.abs(stage.target - from);
      const spawnRate =
        stage.durationSec > 0 && steps > 0 ? steps / stage.durationSec : Number.POSITIVE_INFINITY;
      const apply = () => this.retarget(stage.target, { spawnRate, firstAtOnce: false, atMs });
      if (atSec === 0) apply();
      else this.#stageTimers.push(setTimeout(apply, Math.max(0, atMs - performance.now())));
      atSec += stage.durationSec;
      from = stage.target;
    }
  }

  #spawn(): boolean {
    if (this.#stopped) return false;
    let next = this.#respawn.pop();
    const partition = this.#options.partition;
    if (!next && partition) {
      // A worker of a multi-process run starts the users the coordinator gave it, in order.
      const assigned = partition.users[this.#partitionNext];
      if (assigned) {
        this.#partitionNext += 1;
        next = { cls: assigned.userClass, id: assigned.id };
      }
    } else if (!next) {
      const cls = this.#distribution.next();
      if (cls) next = { cls: cls as AnyUserClass, id: undefined };
    }
    if (!next) return false;
    const slot = this.#pool.create(next.cls, next.id);
    this.#users.push(slot);
    this.#pool.run(
      slot,
      () => slot.vu.run(),
      () => {
        const i = this.#users.indexOf(slot);
        if (i !== -1) this.#users.splice(i, 1);
      },
    );
    return true;
  }

  /** Ramp-down: the newest user finishes its task (within --stop-timeout, if set) and leaves. */
  #retire(): void {
    const slot = this.#users.pop();
    if (!slot) return;
    // A worker of a multi-process run brings the same user (id, so seed) back; one process a new one.
    this.#respawn.push({ cls: slot.cls, id: this.#options.partition ? slot.vu.id : undefined });
    slot.vu.retire();
    // A removed user always finishes the task it is running (a sleeping one leaves at once); a
    // --stop-timeout caps how long that may take. At the end of the run, 0 means cut off at once instead.
    const timeoutSec = this.#options.stopTimeoutSec;
    if (timeoutSec > 0) {
      const timer = setTimeout(() => {
        if (this.#pool.has(slot)) this.#pool.abandon(slot);
      }, timeoutSec * 1000);
      timer.unref();
    }
  }
}
