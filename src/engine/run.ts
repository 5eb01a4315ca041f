import { HttpTransport } from '../http/transport.ts';
import { type RunLogger, streamLogger } from '../log.ts';
import { FanOutSink } from '../metrics/fan-out-sink.ts';
import { GeneratorCpuMonitor, overloadWarning } from '../metrics/generator-cpu.ts';
import { THRESHOLD_ABORT_EXIT_CODE } from '../metrics/run-outcome.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import { ReporterFanout } from '../report/reporter-fanout.ts';
import { resetUniqueValues } from '../script/unique.ts';
import type { AnyUserClass } from '../script/user.ts';
import type { RateRamp } from './arrival-schedule.ts';
import { CapacitySearch } from './capacity-search.ts';
import { ClosedModel, type ClosedSchedule } from './closed-model.ts';
import { connectionsFor, type LoadModel } from './load-model.ts';
import { driveShape, type LoadControl } from './load-shape.ts';
import { OpenModel } from './open-model.ts';
import { plannedDurationSec, runMeta, runStartInfo } from './run-meta.ts';
import type { RunPlan } from './run-plan.ts';
import { RunWatch } from './run-watch.ts';
import { createTaskPicker, selectTasks, type TaskPicker } from './task-picker.ts';
import { UserPool } from './user-pool.ts';
import { RunSinks } from './user-sink.ts';

/** A run in progress, and the handles to steer it (the web UI drives runs through this). */
export interface LoadTestRun {
  readonly done: Promise<RunSummary>;
  /** Closed model: retarget the number of users, started/stopped at spawnRate per second (Infinity = at once). Users removed finish their current task first. */
  setUsers(users: number, spawnRate?: number): void;
  /** Open model: change the arrival rate (per second). */
  setArrivalRate(rate: number): void;
  /** Ends the run like an external stop signal; reports are still written. */
  stop(): void;
  /** Clears all statistics (Locust's "reset stats"), run keeps going. */
  resetStats(): void;
  /** Live numbers now. */
  snapshot(): StatsSnapshot;
  /** Running users per user-class name, for "current user ratio". */
  usersByClass(): Record<string, number>;
}

/**
 * Runs a load test to the end and returns its summary: users (closed model) or arrivals on a schedule
 * (open model), with stages, a shape or a capacity search steering them; stops honouring the stop
 * timeout, then hands the final numbers to every reporter. Never throws for what a scenario does.
 */
export function runLoadTest(plan: RunPlan): Promise<RunSummary> {
  return startLoadTest(plan).done;
}

/** Starts a load test and returns at once with the handles to steer it; `done` gives the summary. */
export function startLoadTest(plan: RunPlan): LoadTestRun {
  return new LoadTest(plan);
}

/**
 * The run's lifecycle: reporters, timers, the planned end, the stop and its grace, the summary. The load
 * itself comes from its load models (closed-model.ts, open-model.ts); a shape or a capacity search steers
 * them. A closed run can take arrivals too (a shape's or the web UI's rate): its open model starts then.
 */
class LoadTest implements LoadTestRun {
  readonly done: Promise<RunSummary>;
  readonly #plan: RunPlan;
  readonly #log: RunLogger;
  readonly #stats: RunStats;
  readonly #sinks: RunSinks;
  readonly #transport: HttpTransport;
  readonly #stopController = new AbortController();
  readonly #seed: number;
  readonly #pool: UserPool;
  readonly #closed: ClosedModel;
  #open: OpenModel | null = null;
  #capacity: CapacitySearch | null = null;
  #stopShape: (() => void) | null = null;
  #startMs = 0;
  /** When the statistics count from: the start, or the last stats reset. */
  #statsFromMs = 0;
  #started = false;
  #stopping = false;
  /** API calls made before the run started, applied when it does. */
  readonly #pending: (() => void)[] = [];
  #endReason: string | null = null;
  #resolveEnd: () => void = () => {};
  readonly #ended = new Promise<void>((resolve) => {
    this.#resolveEnd = resolve;
  });
  /** performance.now() ms the run is planned to end (run time or stages), Infinity when open-ended. */
  #plannedEndMs = Number.POSITIVE_INFINITY;
  /** The run ended at its planned end (run time, stages, a shape's null), not by a stop or signal. */
  #endedAsPlanned = false;
  /** Users per class when the most users ran (sampled once a second), for the reports' class ratio. */
  #classesAtPeak: Record<string, number> = {};
  #classesAtPeakTotal = 0;

  constructor(plan: RunPlan) {
    this.#plan = plan;
    this.#log = plan.log ?? streamLogger();
    this.#stats = plan.stats ?? new RunStats();
    this.#sinks = new RunSinks(
      plan.sampleSinks?.length ? new FanOutSink(this.#stats, plan.sampleSinks) : this.#stats,
    );
    this.#transport = new HttpTransport({
      connections: connectionsFor(plan),
      insecure: plan.insecure,
      ...plan.tls,
      ...(plan.proxy === null ? {} : { proxy: plan.proxy }),
      ...(plan.http2 ? { http2: true } : {}),
      ...(plan.recorder ? { interceptor: plan.recorder.interceptor } : {}),
    });
    this.#seed = plan.seed ?? Math.floor(Math.random() * 2 ** 32);
    resetUniqueValues(plan.seed, plan.partition?.index ?? 0);
    plan.recorder?.begin(this.#seed);
    // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
    const pickers = new Map<AnyUserClass, () => TaskPicker<any>>();
    for (const cls of plan.userClasses) {
      const tasks = selectTasks(cls, plan.tags, plan.excludeTags);
      if (tasks.length > 0) pickers.set(cls, createTaskPicker(tasks, cls.sequential));
    }
    this.#pool = new UserPool({
      plan,
      transport: this.#transport,
      sinks: this.#sinks,
      ctx: {
        sink: this.#sinks,
        signal: this.#stopController.signal,
        iterations: plan.iterations,
        log: this.#log,
      },
      seed: this.#seed,
      pickers,
      onUserGone: () => this.#checkAllUsersGone(),
    });
    this.#closed = new ClosedModel({
      pool: this.#pool,
      schedule: closedSchedule(plan),
      partition: plan.partition,
      stopTimeoutSec: plan.stopTimeoutSec,
    });
    this.done = this.#run();
  }

  setUsers(users: number, spawnRate = Number.POSITIVE_INFINITY): void {
    if (!Number.isFinite(users) || users < 0)
      throw new RangeError(`setUsers: users must be ≥ 0, got ${users}`);
    this.#whenStarted(() => this.#closed.retarget(users, { spawnRate }));
  }

  setArrivalRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0)
      throw new RangeError(`setArrivalRate: rate must be ≥ 0, got ${rate}`);
    this.#whenStarted(() => this.#openModel().retarget(rate));
  }

  stop(): void {
    this.#end('stopped');
  }

  resetStats(): void {
    this.#stats.reset();
    this.#statsFromMs = performance.now();
    for (const model of this.#models()) model.resetStats();
  }

  snapshot(): StatsSnapshot {
    let snapshot = this.#stats.snapshot(this.#pool.size);
    for (const model of this.#models()) snapshot = { ...snapshot, ...model.snapshotPart() };
    return snapshot;
  }

  usersByClass(): Record<string, number> {
    return this.#pool.usersByClass();
  }

  #models(): LoadModel[] {
    return this.#open ? [this.#closed, this.#open] : [this.#closed];
  }

  #whenStarted(action: () => void): void {
    if (this.#stopping) return;
    if (this.#started) action();
    else this.#pending.push(action);
  }

  #end(reason: string, asPlanned = false): void {
    if (this.#endReason !== null) return;
    this.#endReason = reason;
    this.#endedAsPlanned = asPlanned;
    this.#resolveEnd();
  }

  async #run(): Promise<RunSummary> {
    const plan = this.#plan;
    const reporters = new ReporterFanout(plan.reporters, this.#log);
    const startedAt = new Date();
    await reporters.notify('onStart', runStartInfo(plan, startedAt));
    const cpuMonitor = new GeneratorCpuMonitor({
      onOverload: (percent) => this.#log('warn', overloadWarning(percent)),
      loopDelay: true,
    });
    cpuMonitor.start();
    this.#stats.start();
    this.#startMs = performance.now();
    this.#statsFromMs = this.#startMs;
    this.#started = true;
    this.#startLoad();
    for (const action of this.#pending.splice(0)) action();
    this.#checkAllUsersGone();
    const watch = new RunWatch({
      stats: this.#stats,
      thresholds: plan.thresholds,
      log: this.#log,
      end: (reason) => this.#end(reason),
    });
    const snapshotTimer = setInterval(() => {
      void reporters.notify('onSnapshot', this.snapshot());
      this.#sampleClasses();
      watch.tick((performance.now() - this.#startMs) / 1000);
    }, 1000);

    let runTimer: NodeJS.Timeout | undefined;
    const runTimeSec = plannedDurationSec(plan);
    if (runTimeSec !== null) {
      // The schedule ends exactly at the planned end, however late the timer below fires.
      this.#plannedEndMs = this.#startMs + runTimeSec * 1000;
      for (const model of this.#models()) model.endAt(this.#plannedEndMs);
      const reason = plan.runTimeSec === null ? 'stages' : 'run-time';
      runTimer = setTimeout(
        () => this.#end(reason, true),
        Math.max(0, this.#startMs + runTimeSec * 1000 - performance.now()),
      );
    }
    const external = plan.signal;
    const onExternalStop = () => this.#end('signal');
    if (external) {
      if (external.aborted) this.#end('signal');
      else external.addEventListener('abort', onExternalStop, { once: true });
    }
    await this.#ended;
    this.#sampleClasses();
    clearTimeout(runTimer);
    external?.removeEventListener('abort', onExternalStop);

    // A planned end happens at its planned time even when its timer fired a hair before
    // performance.now() got there: what was due by then (the last user of a ramp, the last arrivals) goes.
    const stopMs = this.#endedAsPlanned
      ? this.#plannedEndMs
      : Math.min(performance.now(), this.#plannedEndMs);
    if (this.#endedAsPlanned) for (const model of this.#models()) model.advanceTo(stopMs);
    // Stop: no new users or arrivals, wake sleeping and idle users, give busy ones the stop timeout.
    this.#stopping = true;
    this.#stopShape?.();
    this.#stopController.abort();
    for (const model of this.#models()) model.stop();
    await this.#pool.settle(plan.stopTimeoutSec);
    this.#sinks.open = false;
    clearInterval(snapshotTimer);
    this.#capacity?.stop();
    const endedAt = new Date();
    this.#stats.stop();
    const generator = cpuMonitor.stop();
    this.#open?.stopStats();
    let summary = this.#stats.summary(
      runMeta(plan, startedAt, endedAt, {
        peakUsers: this.#pool.peak,
        stopReason: this.#endReason ?? 'error',
        generator,
        usersByClass: this.#classesAtPeak,
      }),
      plan.thresholds,
      { exitCodeOnError: plan.exitCodeOnError },
    );
    for (const model of this.#models()) summary = { ...summary, ...model.summaryPart(stopMs) };
    if (this.#capacity) summary = this.#capacity.applyTo(summary, plan.exitCodeOnError);
    if (watch.aborted) summary = { ...summary, passed: false, exitCode: THRESHOLD_ABORT_EXIT_CODE };
    await this.#transport.destroy();
    if (plan.recorder) await plan.recorder.end(summary);
    await reporters.notify('onEnd', summary);
    return summary;
  }

  #sampleClasses(): void {
    const byClass = this.#pool.usersByClass();
    const total = Object.values(byClass).reduce((sum, n) => sum + n, 0);
    if (total > this.#classesAtPeakTotal) {
      this.#classesAtPeak = byClass;
      this.#classesAtPeakTotal = total;
    }
  }

  /** The plan's initial load: a model's own schedule (users, stages, arrival rate), a capacity search, a shape. */
  #startLoad(): void {
    const plan = this.#plan;
    if (plan.loadModel === 'closed') this.#closed.start(this.#startMs);
    else if (!plan.capacity) this.#openModel(openRamps(plan));
    else {
      const open = this.#openModel();
      this.#capacity = new CapacitySearch(plan.capacity, plan.thresholds, {
        planRate: (rate, atMs) => open.retarget(rate, { atMs }),
        launchBefore: (atMs) => open.advanceTo(atMs),
        end: (reason) => this.#end(reason),
      });
      open.observe(this.#capacity);
      this.#capacity.start(this.#startMs);
    }
    if (plan.shape) this.#stopShape = driveShape(plan.shape, this.#shapeControl(), this.#startMs);
  }

  /** What a shape steers: the closed model's users, the open model's rate, the run's end. */
  #shapeControl(): LoadControl {
    return {
      setUsers: (users, spawnRate, atMs) => this.#closed.retarget(users, { spawnRate, atMs }),
      setArrivalRate: (rate, atMs) => this.#openModel().retarget(rate, { atMs }),
      end: (reason, atMs) => {
        if (atMs !== undefined) {
          this.#plannedEndMs = Math.min(this.#plannedEndMs, atMs);
          this.#open?.endAt(this.#plannedEndMs);
        }
        this.#end(reason, atMs !== undefined);
      },
      log: (level, message) => this.#log(level, message),
    };
  }

  /** The open model, started when first needed (an open plan at the start; a closed one when steered to a rate). */
  #openModel(ramps: readonly RateRamp[] | null = null): OpenModel {
    if (this.#open) return this.#open;
    const plan = this.#plan;
    const open = new OpenModel({
      pool: this.#pool,
      sinks: this.#sinks,
      seed: this.#seed,
      maxUsers: plan.maxUsers,
      ramps,
      delaySec: plan.partition?.arrivalDelaySec ?? 0,
      stats: plan.openStats,
    });
    this.#open = open;
    open.endAt(this.#plannedEndMs);
    open.start(this.#startMs, this.#statsFromMs);
    return open;
  }

  /** A plain closed run ends when all its users have stopped by themselves (iterations, vu.stop()). */
  #checkAllUsersGone(): void {
    const plan = this.#plan;
    const plainClosed = plan.loadModel === 'closed' && !plan.stages && !plan.shape && this.#open === null;
    if (!plainClosed || !this.#started || this.#pool.size > 0) return;
    if (this.#closed.idle && this.#closed.target > 0) {
      this.#end(plan.iterations !== null ? 'iterations' : 'all-users-stopped');
    }
  }
}

/** The closed model's own schedule: its stages, or a ramp to the plan's users unless a shape steers them. */
function closedSchedule(plan: RunPlan): ClosedSchedule {
  if (plan.loadModel !== 'closed') return null;
  if (plan.stages) return { kind: 'stages', stages: plan.stages };
  if (plan.shape) return null;
  // A worker of a multi-process run starts its share of the ramp between the other workers' users.
  return {
    kind: 'users',
    users: plan.users,
    spawnRate: plan.spawnRate,
    delaySec: plan.partition?.spawnDelaySec ?? 0,
  };
}

/** The open model's own schedule: the arrival rate at the start, then its stages' ramps. */
function openRamps(plan: RunPlan): RateRamp[] {
  const ramps = [{ durationSec: 0, rate: plan.arrivalRate ?? 0 }];
  for (const stage of plan.stages ?? []) ramps.push({ durationSec: stage.durationSec, rate: stage.target });
  return ramps;
}
