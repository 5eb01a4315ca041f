import { createHttpClient } from '../http/client.ts';
import { HttpTransport } from '../http/transport.ts';
import { type RunLogger, streamLogger } from '../log.ts';
import { FanOutSink } from '../metrics/fan-out-sink.ts';
import { GeneratorCpuMonitor, overloadWarning } from '../metrics/generator-cpu.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { ArrivalSnapshot, ArrivalSummary, RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import { ReporterFanout } from '../report/reporter-fanout.ts';
import { resetUniqueValues } from '../script/unique.ts';
import type { AnyUserClass } from '../script/user.ts';
import { ArrivalScheduler } from './arrival-scheduler.ts';
import { CapacitySearch } from './capacity-search.ts';
import { ClosedScheduler } from './closed-scheduler.ts';
import { driveShape } from './load-shape.ts';
import { stagesDurationSec } from './load-stages.ts';
import { createRandom, deriveSeed, type Random } from './rng.ts';
import { runMeta } from './run-meta.ts';
import type { RunPlan } from './run-plan.ts';
import { createTaskPicker, selectTasks, type TaskPicker } from './task-picker.ts';
import { UserDistribution } from './user-distribution.ts';
import { RunSinks, UserSink } from './user-sink.ts';
import { VirtualUserRunner, type VuContext } from './virtual-user.ts';

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

/** One running virtual user. */
interface UserSlot {
  // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
  readonly vu: VirtualUserRunner<any>;
  readonly cls: AnyUserClass;
  readonly sink: UserSink;
  /** Open model: hands the user its next arrival (null: leave). Set while the user is idle. */
  wake: ((intendedMs: number | null) => void) | null;
  /** Open model: made to leave to free its place under the cap (already uncounted). */
  evicted?: boolean;
}

/** Arrival counts at the last stats reset, so rates cover the same span as the statistics. */
interface ArrivalBaseline {
  atMs: number;
  scheduled: number;
  launched: number;
  dropped: number;
  due: number;
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

class LoadTest implements LoadTestRun {
  readonly done: Promise<RunSummary>;
  readonly #plan: RunPlan;
  readonly #log: RunLogger;
  readonly #stats: RunStats;
  readonly #sinks: RunSinks;
  readonly #transport: HttpTransport;
  readonly #stopController = new AbortController();
  readonly #seed: number;
  // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
  readonly #pickers = new Map<AnyUserClass, () => TaskPicker<any>>();
  readonly #distribution: UserDistribution<unknown>;
  readonly #ctx: VuContext;
  /** Every user alive (closed and open). */
  readonly #running = new Set<UserSlot>();
  /** Every user's settled promise, to wait for at the stop. */
  readonly #finishing = new Set<Promise<void>>();
  /** Closed users in start order: ramp-downs retire the newest first. */
  #closedUsers: UserSlot[] = [];
  /** Retired closed users (class; id in a multi-process run), re-added first on the next ramp-up so the class ratio holds. */
  readonly #respawn: { cls: AnyUserClass; id: number | undefined }[] = [];
  /** Multi-process: how many of the partition's users have been started. */
  #partitionNext = 0;
  readonly #closed: ClosedScheduler;
  /** Open model: idle users per class, and how many open users exist. */
  readonly #idle = new Map<AnyUserClass, UserSlot[]>();
  #openUsers = 0;
  #arrivals: ArrivalScheduler | null = null;
  #launched = 0;
  #dropped = 0;
  #baseline: ArrivalBaseline = { atMs: 0, scheduled: 0, launched: 0, dropped: 0, due: 0 };
  #uncorrected: RunStats | null = null;
  #iterations: RunStats | null = null;
  #capacity: CapacitySearch | null = null;
  readonly #classRandom: Random;
  readonly #classWeights: { cls: AnyUserClass; cumulative: number }[] = [];
  #peakUsers = 0;
  #nextId = 1;
  #startMs = 0;
  #started = false;
  #stopping = false;
  /** API calls made before the run started, applied when it does. */
  readonly #pending: (() => void)[] = [];
  #endReason: string | null = null;
  #resolveEnd: () => void = () => {};
  readonly #ended = new Promise<void>((resolve) => {
    this.#resolveEnd = resolve;
  });
  readonly #stopDrivers: (() => void)[] = [];
  /** performance.now() ms the run is planned to end (run time or stages), Infinity when open-ended. */
  #plannedEndMs = Number.POSITIVE_INFINITY;
  /** The run ended at its planned end (run time, stages, a shape's null), not by a stop or signal. */
  #endedAsPlanned = false;

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
      ...(plan.recorder ? { interceptor: plan.recorder.interceptor } : {}),
    });
    this.#seed = plan.seed ?? Math.floor(Math.random() * 2 ** 32);
    resetUniqueValues(plan.seed, plan.partition?.index ?? 0);
    plan.recorder?.begin(this.#seed);
    for (const cls of plan.userClasses) {
      const tasks = selectTasks(cls, plan.tags, plan.excludeTags);
      if (tasks.length > 0) this.#pickers.set(cls, createTaskPicker(tasks, cls.sequential));
    }
    this.#distribution = new UserDistribution([...this.#pickers.keys()]);
    this.#ctx = {
      sink: this.#sinks,
      signal: this.#stopController.signal,
      iterations: plan.iterations,
      log: this.#log,
    };
    this.#closed = new ClosedScheduler({
      spawn: () => this.#spawnClosed(),
      retire: () => this.#retireClosed(),
    });
    this.#classRandom = createRandom(deriveSeed(this.#seed, 0));
    let cumulative = 0;
    const classes = [...this.#pickers.keys()];
    const weightOf = (cls: AnyUserClass) => (classes.some((c) => c.weight > 0) ? cls.weight : 1);
    for (const cls of classes) {
      cumulative += weightOf(cls);
      this.#classWeights.push({ cls, cumulative });
    }
    this.done = this.#run();
  }

  setUsers(users: number, spawnRate = Number.POSITIVE_INFINITY): void {
    if (!Number.isFinite(users) || users < 0)
      throw new RangeError(`setUsers: users must be ≥ 0, got ${users}`);
    this.#whenStarted(() => this.#closed.retarget(users, spawnRate));
  }

  setArrivalRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0)
      throw new RangeError(`setArrivalRate: rate must be ≥ 0, got ${rate}`);
    this.#whenStarted(() => this.#openArrivals().setRate(rate));
  }

  stop(): void {
    this.#end('stopped');
  }

  resetStats(): void {
    this.#stats.reset();
    this.#uncorrected?.reset();
    this.#iterations?.reset();
    const arrivals = this.#arrivals;
    this.#baseline = {
      atMs: performance.now(),
      scheduled: arrivals?.scheduled ?? 0,
      launched: this.#launched,
      dropped: this.#dropped,
      due: arrivals?.dueBy() ?? 0,
    };
  }

  snapshot(): StatsSnapshot {
    const snapshot = this.#stats.snapshot(this.#running.size);
    const arrivals = this.#arrivalSnapshot();
    return arrivals ? { ...snapshot, arrivals } : snapshot;
  }

  usersByClass(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const cls of this.#pickers.keys()) counts[cls.name] = 0;
    for (const slot of this.#running) counts[slot.cls.name] = (counts[slot.cls.name] ?? 0) + 1;
    return counts;
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
    await reporters.notify('onStart', {
      scenario: plan.scenario,
      host: plan.host,
      plannedDurationSec: plannedDurationSec(plan),
      users: plan.users,
      startedAt,
    });
    const cpuMonitor = new GeneratorCpuMonitor({
      onOverload: (percent) => this.#log('warn', overloadWarning(percent)),
    });
    cpuMonitor.start();
    this.#stats.start();
    this.#startMs = performance.now();
    this.#baseline.atMs = this.#startMs;
    this.#started = true;
    this.#startLoad();
    for (const action of this.#pending.splice(0)) action();
    this.#checkAllUsersGone();
    const snapshotTimer = setInterval(() => {
      void reporters.notify('onSnapshot', this.snapshot());
    }, 1000);

    let runTimer: NodeJS.Timeout | undefined;
    const runTimeSec = plan.runTimeSec ?? (plan.stages ? stagesDurationSec(plan.stages) : null);
    if (runTimeSec !== null) {
      // The schedule ends exactly at the planned end, however late the timer below fires.
      this.#plannedEndMs = this.#startMs + runTimeSec * 1000;
      this.#arrivals?.endAt(this.#plannedEndMs);
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
    clearTimeout(runTimer);
    external?.removeEventListener('abort', onExternalStop);

    // A planned end happens at its planned time even when its timer fired a hair before
    // performance.now() got there: what was due by then (the last user of a ramp, the last arrivals) goes.
    const stopMs = this.#endedAsPlanned
      ? this.#plannedEndMs
      : Math.min(performance.now(), this.#plannedEndMs);
    if (this.#endedAsPlanned) {
      this.#closed.advanceTo(stopMs);
      this.#arrivals?.launchBefore(stopMs);
    }
    // Stop: no new users or arrivals, wake sleeping and idle users, give busy ones the stop timeout.
    this.#stopping = true;
    for (const stopDriver of this.#stopDrivers) stopDriver();
    this.#closed.stop();
    this.#arrivals?.stop();
    this.#stopController.abort();
    for (const list of this.#idle.values()) for (const slot of list.splice(0)) slot.wake?.(null);
    if (this.#finishing.size > 0 && plan.stopTimeoutSec > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#finishing]),
        new Promise((resolve) => {
          graceTimer = setTimeout(resolve, plan.stopTimeoutSec * 1000);
        }),
      ]);
      clearTimeout(graceTimer);
    }
    this.#sinks.open = false;
    clearInterval(snapshotTimer);
    this.#capacity?.stop();
    const endedAt = new Date();
    this.#stats.stop();
    const generator = cpuMonitor.stop();
    this.#uncorrected?.stop();
    this.#iterations?.stop();
    let summary = this.#stats.summary(
      runMeta(plan, startedAt, endedAt, {
        peakUsers: this.#peakUsers,
        stopReason: this.#endReason ?? 'error',
        generator,
      }),
      plan.thresholds,
      { exitCodeOnError: plan.exitCodeOnError },
    );
    const arrivals = this.#arrivalSummary(stopMs);
    if (arrivals) summary = { ...summary, arrivals };
    if (this.#capacity) {
      const capacity = this.#capacity.summary();
      const found = capacity.sustainableRate !== null;
      // The thresholds were the search's breaking criteria: report their verdicts at the sustainable rate.
      summary = {
        ...summary,
        capacity,
        thresholds: this.#capacity.sustainableThresholds(),
        passed: found,
        exitCode: found ? 0 : Math.max(1, plan.exitCodeOnError),
      };
    }
    if (!plan.openStats) {
      this.#uncorrected?.dispose();
      this.#iterations?.dispose();
    }
    await this.#transport.destroy();
    if (plan.recorder) await plan.recorder.end(summary);
    await reporters.notify('onEnd', summary);
    return summary;
  }

  /** The plan's initial load: stages, a shape, a capacity search, or plain users / arrival rate. */
  #startLoad(): void {
    const plan = this.#plan;
    const control = {
      setUsers: (users: number, spawnRate: number | undefined, atMs: number) =>
        this.#closed.retarget(users, spawnRate ?? Number.POSITIVE_INFINITY, { atMs }),
      setArrivalRate: (rate: number, atMs: number) =>
        this.#openArrivals().plan([{ durationSec: 0, rate }], atMs),
      end: (reason: string, atMs?: number) => {
        if (atMs !== undefined) {
          this.#plannedEndMs = Math.min(this.#plannedEndMs, atMs);
          this.#arrivals?.endAt(this.#plannedEndMs);
        }
        this.#end(reason, atMs !== undefined);
      },
      log: (level: 'warn' | 'error', message: string) => this.#log(level, message),
    };
    if (plan.loadModel === 'closed') {
      if (plan.stages) this.#driveUserStages(plan.stages);
      else if (!plan.shape) {
        // A worker of a multi-process run starts its share of the ramp between the other workers' users.
        const delayMs = (plan.partition?.spawnDelaySec ?? 0) * 1000;
        this.#closed.retarget(plan.users, plan.spawnRate, { atMs: this.#startMs + delayMs });
      }
    } else if (plan.capacity) {
      const arrivals = this.#openArrivals();
      this.#capacity = new CapacitySearch(plan.capacity, plan.thresholds, {
        planRate: (rate, atMs) => arrivals.plan([{ durationSec: 0, rate }], atMs),
        launchBefore: (atMs) => arrivals.launchBefore(atMs),
        end: (reason) => this.#end(reason),
      });
      this.#capacity.start(this.#startMs);
    } else {
      const arrivals = this.#openArrivals();
      const ramps = [{ durationSec: 0, rate: plan.arrivalRate ?? 0 }];
      for (const stage of plan.stages ?? [])
        ramps.push({ durationSec: stage.durationSec, rate: stage.target });
      // A worker of a multi-process run takes its arrivals between the other workers'.
      arrivals.plan(ramps, this.#startMs + (plan.partition?.arrivalDelaySec ?? 0) * 1000);
    }
    if (plan.shape) this.#stopDrivers.push(driveShape(plan.shape, control, this.#startMs));
  }

  /** Closed-model stages: each ramps linearly to its target, the last change landing on the stage's end. */
  #driveUserStages(stages: NonNullable<RunPlan['stages']>): void {
    let atSec = 0;
    let from = 0;
    const timers: NodeJS.Timeout[] = [];
    for (const stage of stages) {
      const atMs = this.#startMs + atSec * 1000;
      const steps = Math.abs(stage.target - from);
      const rate = stage.durationSec > 0 && steps > 0 ? steps / stage.durationSec : Number.POSITIVE_INFINITY;
      const apply = () => this.#closed.retarget(stage.target, rate, { firstAtOnce: false, atMs });
      if (atSec === 0) apply();
      else timers.push(setTimeout(apply, Math.max(0, atMs - performance.now())));
      atSec += stage.durationSec;
      from = stage.target;
    }
    this.#stopDrivers.push(() => {
      for (const t of timers) clearTimeout(t);
    });
  }

  #openArrivals(): ArrivalScheduler {
    if (this.#arrivals) return this.#arrivals;
    const arrivals = new ArrivalScheduler((intendedMs) => this.#launchArrival(intendedMs));
    this.#arrivals = arrivals;
    this.#uncorrected = this.#plan.openStats?.uncorrected ?? new RunStats();
    this.#uncorrected.start();
    this.#iterations = this.#plan.openStats?.iterations ?? new RunStats();
    this.#iterations.start();
    this.#sinks.uncorrected = this.#uncorrected;
    arrivals.endAt(this.#plannedEndMs);
    arrivals.start(this.#startMs);
    return arrivals;
  }

  /** `givenId`: a worker of a multi-process run uses the run-wide id (so the seed) it was assigned. */
  #newUser(cls: AnyUserClass, givenId?: number): UserSlot {
    const picker = this.#pickers.get(cls);
    if (!picker) throw new Error(`no tasks for user class ${cls.name}`);
    const id = givenId ?? this.#nextId;
    this.#nextId += 1;
    const sink = new UserSink(this.#sinks);
    const http = createHttpClient({
      baseUrl: cls.host ?? this.#plan.host,
      transport: this.#transport,
      sink,
      timeoutMs: this.#plan.requestTimeoutMs,
      headers: { ...cls.headers },
    });
    const userHttp = this.#plan.recorder ? this.#plan.recorder.client(id, http) : http;
    const vu = new VirtualUserRunner(id, cls, picker(), userHttp, createRandom(deriveSeed(this.#seed, id)), {
      ...this.#ctx,
      sink,
    });
    const slot: UserSlot = { vu, cls, sink, wake: null };
    this.#running.add(slot);
    this.#peakUsers = Math.max(this.#peakUsers, this.#running.size);
    return slot;
  }

  /** Runs a user's whole life, inside the recorder's scope when recording or replaying. */
  #life(slot: UserSlot, run: () => Promise<void>): Promise<void> {
    const recorder = this.#plan.recorder;
    return recorder ? recorder.runUser(slot.vu.id, run) : run();
  }

  /** Tracks a user's life; when it ends, it leaves the running set. */
  #track(slot: UserSlot, life: Promise<void>): void {
    const done: Promise<void> = life.finally(() => {
      this.#running.delete(slot);
      this.#finishing.delete(done);
      this.#checkAllUsersGone();
    });
    this.#finishing.add(done);
  }

  #spawnClosed(): boolean {
    if (this.#stopping) return false;
    let next = this.#respawn.pop();
    const partition = this.#plan.partition;
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
    const slot = this.#newUser(next.cls, next.id);
    this.#closedUsers.push(slot);
    this.#track(
      slot,
      this.#life(slot, () => slot.vu.run()).finally(() => {
        const i = this.#closedUsers.indexOf(slot);
        if (i !== -1) this.#closedUsers.splice(i, 1);
      }),
    );
    return true;
  }

  /** Ramp-down: the newest closed user finishes its task (within --stop-timeout, if set) and leaves. */
  #retireClosed(): void {
    const slot = this.#closedUsers.pop();
    if (!slot) return;
    // A worker of a multi-process run brings the same user (id, so seed) back; one process a new one.
    this.#respawn.push({ cls: slot.cls, id: this.#plan.partition ? slot.vu.id : undefined });
    slot.vu.retire();
    const abandon = () => {
      // Past the stop timeout: what the user still does is not counted, and it no longer counts as running.
      slot.sink.open = false;
      this.#running.delete(slot);
    };
    // A removed user always finishes the task it is running (a sleeping one leaves at once); a
    // --stop-timeout caps how long that may take. At the end of the run, 0 means cut off at once instead.
    const timeoutSec = this.#plan.stopTimeoutSec;
    if (timeoutSec > 0) {
      const timer = setTimeout(() => {
        if (this.#running.has(slot)) abandon();
      }, timeoutSec * 1000);
      timer.unref();
    }
  }

  /** A plain closed run ends when all its users have stopped by themselves (iterations, vu.stop()). */
  #checkAllUsersGone(): void {
    const plan = this.#plan;
    const plainClosed = plan.loadModel === 'closed' && !plan.stages && !plan.shape && this.#arrivals === null;
    if (!plainClosed || !this.#started || this.#running.size > 0) return;
    if (this.#closed.idle && this.#closed.target > 0) {
      this.#end(plan.iterations !== null ? 'iterations' : 'all-users-stopped');
    }
  }

  #pickClass(): AnyUserClass {
    const total = this.#classWeights.at(-1)?.cumulative ?? 0;
    const r = this.#classRandom() * total;
    for (const w of this.#classWeights) if (r < w.cumulative) return w.cls;
    return this.#classWeights.at(-1)!.cls;
  }

  /** One arrival: a free user of a class chosen by weight runs one task; none free under the cap: dropped. */
  #launchArrival(intendedMs: number): void {
    if (this.#stopping) return;
    const cls = this.#pickClass();
    const idle = this.#idle.get(cls)?.pop();
    if (idle) {
      this.#launched += 1;
      const wake = idle.wake;
      idle.wake = null;
      wake?.(intendedMs);
      return;
    }
    if (this.#openUsers >= this.#plan.maxUsers && !this.#evictIdleUser()) {
      this.#dropped += 1;
      this.#capacity?.dropped(intendedMs);
      return;
    }
    this.#launched += 1;
    this.#openUsers += 1;
    const slot = this.#newUser(cls);
    this.#track(
      slot,
      this.#life(slot, () => this.#openUser(slot, intendedMs)).finally(() => {
        if (!slot.evicted) this.#openUsers -= 1;
      }),
    );
  }

  /** At the cap, an idle user of another class leaves to make room. */
  #evictIdleUser(): boolean {
    for (const list of this.#idle.values()) {
      const slot = list.pop();
      if (slot) {
        const wake = slot.wake;
        slot.wake = null;
        wake?.(null);
        slot.evicted = true;
        this.#openUsers -= 1; // its place is taken now; its life's end must not count it again
        return true;
      }
    }
    return false;
  }

  /** An open-model user: onStart once, then one task per arrival handed to it, onStop at the end. */
  async #openUser(slot: UserSlot, firstIntendedMs: number): Promise<void> {
    let intendedMs: number | null = firstIntendedMs;
    const step = this.#capacity?.stepFor(firstIntendedMs) ?? null;
    if (step) this.#capacity?.launched(step);
    const ok = await slot.vu.begin();
    if (!ok && step) this.#capacity?.arrivalDone(step);
    let first = true;
    while (ok && intendedMs !== null) {
      const arrivalStep = first ? step : (this.#capacity?.stepFor(intendedMs) ?? null);
      if (!first && arrivalStep) this.#capacity?.launched(arrivalStep);
      first = false;
      slot.sink.beginArrival(intendedMs, arrivalStep?.stats ?? null);
      const outcome = await slot.vu.runOnce();
      slot.sink.endArrival();
      if (this.#sinks.open && slot.sink.open) {
        this.#iterations?.request('', 'iteration', performance.now() - intendedMs, 0, null);
      }
      if (arrivalStep) this.#capacity?.arrivalDone(arrivalStep);
      if (outcome === 'stop-user' || this.#stopping || slot.vu.retired) break;
      intendedMs = await new Promise<number | null>((resolve) => {
        slot.wake = resolve;
        const list = this.#idle.get(slot.cls) ?? [];
        list.push(slot);
        this.#idle.set(slot.cls, list);
      });
    }
    await slot.vu.end();
  }

  #arrivalSnapshot(): ArrivalSnapshot | null {
    const arrivals = this.#arrivals;
    if (!arrivals) return null;
    const b = this.#baseline;
    return {
      rate: round3(arrivals.rate),
      scheduled: arrivals.scheduled - b.scheduled,
      launched: this.#launched - b.launched,
      dropped: this.#dropped - b.dropped,
    };
  }

  #arrivalSummary(stopMs: number): ArrivalSummary | null {
    const arrivals = this.#arrivals;
    if (!arrivals || !this.#uncorrected || !this.#iterations) return null;
    const b = this.#baseline;
    const durationSec = Math.max(0, stopMs - b.atMs) / 1000;
    const due = arrivals.dueBy(stopMs) - b.due;
    const launched = this.#launched - b.launched;
    const uncorrected = this.#uncorrected.snapshot(0);
    return {
      targetRate: durationSec > 0 ? round3(due / durationSec) : 0,
      achievedRate: durationSec > 0 ? round3(launched / durationSec) : 0,
      durationSec: round3(durationSec),
      scheduled: arrivals.scheduled - b.scheduled,
      launched,
      dropped: this.#dropped - b.dropped,
      maxUsers: this.#plan.maxUsers,
      iteration: this.#iterations.snapshot(0).aggregated,
      uncorrected: { endpoints: uncorrected.endpoints, aggregated: uncorrected.aggregated },
    };
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Run time for reports: --run-time, else the stages' total; null when open-ended. */
function plannedDurationSec(plan: RunPlan): number | null {
  return plan.runTimeSec ?? (plan.stages ? stagesDurationSec(plan.stages) : null);
}

/** Keep-alive connections per origin: one per user the run may have at once. */
function connectionsFor(plan: RunPlan): number {
  if (plan.loadModel === 'open' || plan.shape) return Math.max(1, plan.maxUsers);
  const stagePeak = Math.max(0, ...(plan.stages ?? []).map((s) => s.target));
  return Math.max(1, plan.users, stagePeak);
}
