import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import { round3 } from '../metrics/latency.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import type { AnyUserClass } from '../script/user.ts';
import type { RateRamp } from './arrival-schedule.ts';
import { ArrivalScheduler } from './arrival-scheduler.ts';
import { arrivalSummary } from './arrival-summary.ts';
import { BacklogLimit } from './backlog-limit.ts';
import type { LoadModel, RetargetOptions } from './load-model.ts';
import { LoopSaturation, type SaturationSignal } from './loop-saturation.ts';
import { createRandom, deriveSeed, type Random } from './rng.ts';
import type { OpenModelStats } from './run-plan.ts';
import type { UserPool, UserSlot } from './user-pool.ts';
import type { RunSinks } from './user-sink.ts';

/** Follows each arrival through its life: the capacity search charges it to the step it was scheduled in. */
export interface ArrivalObserver<Step extends { stats: RunStats }> {
  /** The step an arrival intended at `intendedMs` counts in; null: none. */
  stepFor(intendedMs: number): Step | null;
  launched(step: Step): void;
  arrivalDone(step: Step): void;
  /** `saturated`: below maxUsers, volley's own event loop saturated (see #endExpiredWaits). */
  dropped(intendedMs: number, saturated: boolean): void;
}

export interface OpenModelOptions {
  pool: UserPool;
  sinks: RunSinks;
  seed: number;
  maxUsers: number;
  /** The model's own schedule from the start (the arrival rate, then its stages); null: steered only. */
  ramps: readonly RateRamp[] | null;
  /** A worker of a multi-process run takes its arrivals this long after the start, between the others'. */
  delaySec: number;
  /** Where the uncorrected and iteration samples go (a worker passes its own to send them); default new ones. */
  stats?: OpenModelStats | undefined;
  /** Whether volley's own event loop is saturated; default measured (LoopSaturation). */
  loop?: SaturationSignal;
  /** Default BACKLOG_WAIT_MS; tests lengthen it. */
  backlogWaitMs?: number;
  /** Default ARRIVAL_PATIENCE_MS; tests lengthen it. */
  patienceMs?: number;
}

/**
 * How long an arrival that finds no user free waits for one to finish before it is dropped. Users that
 * are done but not yet free are the common case, not a full system: the arrivals that fell due during a
 * pause (a GC, a busy second) are launched before the responses that came in meanwhile are read, and a
 * start or a burst opens connections before users finish. The wait counts in the arrival's latency,
 * which runs from its intended time.
 */
export const ARRIVAL_PATIENCE_MS = 1000;

/**
 * An arrival launched this long after its intended time finds volley behind its schedule (a pause, a
 * busy turn of the event loop): it waits for a busy user of its class rather than making one, as when
 * the loop is saturated. On time, a timer's lateness is a millisecond or two.
 */
export const LATE_ARRIVAL_MS = 5;

/**
 * Users are added for waiting arrivals (within BacklogLimit) only once the oldest has waited this long: a
 * backlog the users clear within it (what a short pause leaves) needs no new connections.
 */
export const BACKLOG_WAIT_MS = 20;

/** Intended times of arrivals waiting for a user, oldest first. */
class WaitingArrivals {
  #times: number[] = [];
  #head = 0;

  get size(): number {
    return this.#times.length - this.#head;
  }

  /** The oldest one's intended time, or Infinity. */
  get oldest(): number {
    return this.#head < this.#times.length ? (this.#times[this.#head] as number) : Number.POSITIVE_INFINITY;
  }

  push(intendedMs: number): void {
    this.#times.push(intendedMs);
  }

  shift(): number | undefined {
    if (this.#head >= this.#times.length) return undefined;
    const value = this.#times[this.#head++];
    // Compacts now and then rather than shifting the array each time.
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    return value;
  }
}

/** Arrival counts at the last stats reset, so rates cover the same span as the statistics. */
interface ArrivalBaseline {
  atMs: number;
  scheduled: number;
  launched: number;
  dropped: number;
  droppedSaturated: number;
  due: number;
}

/**
 * The open model: arrivals on a schedule (k6's constant- and ramping-arrival-rate), each running one task
 * on a free user of a class chosen by weight. Users are made as needed up to maxUsers and kept idle between
 * arrivals; an arrival finding none free under the cap is dropped and counted. Latency is measured from
 * each arrival's intended time, so a slow system cannot hide by slowing the load (coordinated omission).
 */
export class OpenModel implements LoadModel {
  readonly #pool: UserPool;
  readonly #options: OpenModelOptions;
  readonly #arrivals: ArrivalScheduler;
  readonly #uncorrected: RunStats;
  readonly #iterations: RunStats;
  readonly #classRandom: Random;
  readonly #classWeights: { cls: AnyUserClass; cumulative: number }[] = [];
  /** Idle users per class, and how many open users exist. */
  readonly #idle = new Map<AnyUserClass, UserSlot[]>();
  /** Idle users of every class: the busy ones are the others. */
  #idleCount = 0;
  /** Per class, arrivals that found every user under the cap busy (see ARRIVAL_PATIENCE_MS). */
  readonly #waiting = new Map<AnyUserClass, WaitingArrivals>();
  #waitingCount = 0;
  #users = 0;
  /** Users per class (counted as #users is): an arrival may wait for one only when its class has some. */
  readonly #usersOf = new Map<AnyUserClass, number>();
  readonly #loop: SaturationSignal;
  readonly #backlog = new BacklogLimit();
  readonly #rateNow = (): number => this.#arrivals.rate;
  #launched = 0;
  #dropped = 0;
  #droppedSaturated = 0;
  #baseline: ArrivalBaseline = {
    atMs: 0,
    scheduled: 0,
    launched: 0,
    dropped: 0,
    droppedSaturated: 0,
    due: 0,
  };
  // biome-ignore lint/suspicious/noExplicitAny: the observer's step type is its own
  #observer: ArrivalObserver<any> | null = null;
  #stopped = false;
  /** Whether volley was saturated when the run stopped: the arrivals still waiting then are its own. */
  #saturatedAtStop = false;

  constructor(options: OpenModelOptions) {
    this.#options = options;
    this.#pool = options.pool;
    this.#loop = options.loop ?? new LoopSaturation();
    this.#arrivals = new ArrivalScheduler((intendedMs) => this.#launch(intendedMs));
    this.#uncorrected = options.stats?.uncorrected ?? new RunStats();
    this.#uncorrected.start();
    this.#iterations = options.stats?.iterations ?? new RunStats();
    this.#iterations.start();
    options.sinks.uncorrected = this.#uncorrected;
    this.#classRandom = createRandom(deriveSeed(options.seed, 0));
    const classes = options.pool.classes();
    const weightOf = (cls: AnyUserClass) => (classes.some((c) => c.weight > 0) ? cls.weight : 1);
    let cumulative = 0;
    for (const cls of classes) {
      cumulative += weightOf(cls);
      this.#classWeights.push({ cls, cumulative });
    }
  }

  get activeUsers(): number {
    return this.#users;
  }

  /** Arrivals are charged to `observer` (the capacity search) as they launch, finish or are dropped. */
  observe<Step extends { stats: RunStats }>(observer: ArrivalObserver<Step>): void {
    this.#observer = observer;
  }

  /** `countFromMs`: the statistics' origin, when the model joins a run after a stats reset. */
  start(startMs: number, countFromMs = startMs): void {
    this.#baseline.atMs = countFromMs;
    this.#loop.start();
    this.#backlog.begin(startMs);
    this.#arrivals.start(startMs);
    if (this.#options.ramps)
      this.#arrivals.plan(this.#options.ramps, startMs + this.#options.delaySec * 1000);
  }

  /** A constant `rate` of arrivals per second from `options.atMs` (default now) on. */
  retarget(rate: number, options: RetargetOptions = {}): void {
    if (options.atMs === undefined) this.#arrivals.setRate(rate);
    else this.#arrivals.plan([{ durationSec: 0, rate }], options.atMs);
  }

  endAt(atMs: number): void {
    this.#arrivals.endAt(atMs);
  }

  advanceTo(atMs: number): void {
    this.#arrivals.launchBefore(atMs);
  }

  stop(): void {
    this.#stopped = true;
    this.#saturatedAtStop = this.#loop.saturated;
    this.#arrivals.stop();
    this.#loop.stop();
    this.#idleCount = 0;
    for (const list of this.#idle.values()) for (const slot of list.splice(0)) slot.wake?.(null);
  }

  resetStats(): void {
    this.#uncorrected.reset();
    this.#iterations.reset();
    this.#baseline = {
      atMs: performance.now(),
      scheduled: this.#arrivals.scheduled,
      launched: this.#launched,
      dropped: this.#dropped,
      droppedSaturated: this.#droppedSaturated,
      due: this.#arrivals.dueBy(),
    };
  }

  snapshotPart(): Pick<StatsSnapshot, 'arrivals'> {
    const b = this.#baseline;
    return {
      arrivals: {
        rate: round3(this.#arrivals.rate),
        scheduled: this.#arrivals.scheduled - b.scheduled,
        launched: this.#launched - b.launched,
        dropped: this.#dropped - b.dropped,
      },
    };
  }

  /** Stops the model's own statistics' clocks; call when the run's statistics stop. */
  stopStats(): void {
    this.#uncorrected.stop();
    this.#iterations.stop();
  }

  summaryPart(stopMs: number): Pick<RunSummary, 'arrivals'> {
    // Arrivals still waiting found no user before the end (users finishing in the stop's grace served some).
    const belowCap = this.#users < this.#options.maxUsers;
    for (const queue of this.#waiting.values()) {
      for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
        this.#drop(at, belowCap && this.#waitedOnVolley(at, this.#saturatedAtStop));
      }
    }
    this.#waitingCount = 0;
    const b = this.#baseline;
    const summary = arrivalSummary(
      {
        durationSec: Math.max(0, stopMs - b.atMs) / 1000,
        due: this.#arrivals.dueBy(stopMs) - b.due,
        scheduled: this.#arrivals.scheduled - b.scheduled,
        launched: this.#launched - b.launched,
        dropped: this.#dropped - b.dropped,
        droppedSaturated: this.#droppedSaturated - b.droppedSaturated,
        maxUsers: this.#options.maxUsers,
      },
      this.#uncorrected,
      this.#iterations,
    );
    if (!this.#options.stats) {
      this.#uncorrected.dispose();
      this.#iterations.dispose();
    }
    return { arrivals: summary };
  }

  #pickClass(): AnyUserClass {
    const total = this.#classWeights.at(-1)?.cumulative ?? 0;
    const r = this.#classRandom() * total;
    for (const w of this.#classWeights) if (r < w.cumulative) return w.cls;
    return this.#classWeights.at(-1)!.cls;
  }

  /**
   * One arrival: a free user of a class chosen by weight runs one task; none free: a new user runs it, or
   * it waits for a user to finish (see #mustWait), and is dropped only when none does within
   * ARRIVAL_PATIENCE_MS.
   */
  #launch(intendedMs: number): void {
    if (this.#stopped) return;
    if (this.#waitingCount > 0) this.#endExpiredWaits(intendedMs);
    const cls = this.#pickClass();
    let queue = this.#waiting.get(cls);
    // An idle user takes the arrival, unless older ones of its class wait (users the limit keeps idle).
    if (queue === undefined || queue.size === 0) {
      const idle = this.#takeIdle(cls);
      if (idle) {
        this.#hand(idle, intendedMs);
        return;
      }
    }
    if (this.#mustWait(cls, intendedMs)) {
      if (queue === undefined) {
        queue = new WaitingArrivals();
        this.#waiting.set(cls, queue);
      }
      queue.push(intendedMs);
      this.#waitingCount += 1;
      this.#wakeIdleForWaiting(cls, queue);
      if (queue.size > 0 && this.#users < this.#options.maxUsers && this.#backlogMayGrow(cls, queue)) {
        this.#newUserForOldest(cls, queue);
      }
      return;
    }
    this.#newUser(cls, intendedMs);
  }

  /** An idle user taken with #takeIdle runs the arrival intended at `intendedMs`. */
  #hand(slot: UserSlot, intendedMs: number): void {
    this.#launched += 1;
    const wake = slot.wake;
    slot.wake = null;
    wake?.(intendedMs);
  }

  /** An idle user of `cls`, no longer counted idle; undefined: none. */
  #takeIdle(cls: AnyUserClass): UserSlot | undefined {
    const slot = this.#idle.get(cls)?.pop();
    if (slot !== undefined) this.#idleCount -= 1;
    return slot;
  }

  /** Whether one more user may take a waiting arrival, `busy` users working (see BacklogLimit). */
  #mayTakeWaiting(busy: number): boolean {
    const busyNow = this.#users - this.#idleCount;
    return busy < this.#backlog.limit(performance.now(), busyNow, this.#rateNow, this.#loop.saturated);
  }

  /** Idle users of `cls` take its oldest waiting arrivals, as far as BacklogLimit's limit allows. */
  #wakeIdleForWaiting(cls: AnyUserClass, queue: WaitingArrivals): void {
    const idle = this.#idle.get(cls);
    while (
      idle !== undefined &&
      idle.length > 0 &&
      queue.size > 0 &&
      this.#mayTakeWaiting(this.#users - this.#idleCount)
    ) {
      const slot = this.#takeIdle(cls) as UserSlot;
      this.#waitingCount -= 1;
      this.#hand(slot, queue.shift() as number);
    }
  }

  /**
   * Whether an arrival that found no free user waits for one instead of making a user: at the cap, and
   * whenever its class has users and volley is behind: its event loop saturated, the arrival itself late,
   * or arrivals of its class already waiting (users are then added for the oldest, at a pace). Behind, the
   * users are busy because their responses wait unread, not because the target is slow: a new user and its
   * connection only add work. At a cold start at 30,000/s a user per such arrival made 2,800, and the run
   * stayed at a full core for seconds.
   */
  #mustWait(cls: AnyUserClass, intendedMs: number): boolean {
    if ((this.#usersOf.get(cls) ?? 0) > 0) {
      if (this.#loop.saturated || (this.#waiting.get(cls)?.size ?? 0) > 0) return true;
      if (performance.now() - intendedMs >= LATE_ARRIVAL_MS) return true;
    }
    return this.#users >= this.#options.maxUsers && !this.#evictIdleUser();
  }

  /**
   * Below the cap, whether the oldest waiting arrival gets a new user now: none of its class is idle (kept
   * so by the limit), it has waited BACKLOG_WAIT_MS (the users are too few for the target), and one more
   * user busy is within BacklogLimit's limit.
   */
  #backlogMayGrow(cls: AnyUserClass, queue: WaitingArrivals): boolean {
    if ((this.#idle.get(cls)?.length ?? 0) > 0) return false;
    if (performance.now() - queue.oldest < (this.#options.backlogWaitMs ?? BACKLOG_WAIT_MS)) return false;
    return this.#mayTakeWaiting(this.#users - this.#idleCount);
  }

  #count(cls: AnyUserClass, change: 1 | -1): void {
    this.#users += change;
    this.#usersOf.set(cls, (this.#usersOf.get(cls) ?? 0) + change);
  }

  #newUser(cls: AnyUserClass, intendedMs: number): void {
    this.#launched += 1;
    this.#count(cls, 1);
    const slot = this.#pool.create(cls);
    this.#pool.run(
      slot,
      () => this.#live(slot, intendedMs),
      () => {
        if (!slot.evicted) this.#count(cls, -1);
        // Its place under the cap may serve an arrival of another class.
        if (this.#waitingCount > 0 && !this.#stopped) this.#serveOtherClass();
      },
    );
  }

  /** The oldest of a class's waiting arrivals stops waiting: a new user runs it. */
  #newUserForOldest(cls: AnyUserClass, queue: WaitingArrivals): void {
    this.#waitingCount -= 1;
    this.#newUser(cls, queue.shift() as number);
  }

  #drop(intendedMs: number, saturated: boolean): void {
    this.#dropped += 1;
    if (saturated) this.#droppedSaturated += 1;
    this.#observer?.dropped(intendedMs, saturated);
  }

  /**
   * The waiting arrivals intended more than the patience before `nowMs`: below the cap, on a volley with
   * time to spare all through their wait, each gets a user, an idle one first (its users were too few for
   * the target); at the cap, after the stop, or when volley was saturated during the wait, they are
   * dropped: a full core serves no more with more users. Below the cap, the drop is then volley's own.
   */
  #endExpiredWaits(nowMs: number): void {
    const limit = nowMs - (this.#options.patienceMs ?? ARRIVAL_PATIENCE_MS);
    const saturated = this.#stopped ? this.#saturatedAtStop : this.#loop.saturated;
    for (const [cls, queue] of this.#waiting) {
      while (queue.oldest < limit) {
        const belowCap = this.#users < this.#options.maxUsers;
        const volleysOwn = this.#waitedOnVolley(queue.oldest, saturated);
        // Not through the limit: it may wake no one, and this loop must end each expired wait.
        const idle = volleysOwn || this.#stopped ? undefined : this.#takeIdle(cls);
        if (idle) {
          this.#waitingCount -= 1;
          this.#hand(idle, queue.shift() as number);
        } else if (belowCap && !volleysOwn && !this.#stopped) {
          this.#newUserForOldest(cls, queue);
        } else {
          this.#drop(queue.shift() as number, belowCap && volleysOwn);
          this.#waitingCount -= 1;
        }
      }
    }
  }

  /**
   * Whether an arrival intended at `intendedMs` waited on volley itself: saturated now, or at any sample
   * since. One sample with time to spare amid saturated ones is no reason to make a user per arrival
   * that waited: tens of thousands wait at 70,000/s, and such a flicker once made 4,600 users at once.
   */
  #waitedOnVolley(intendedMs: number, saturatedNow: boolean): boolean {
    return saturatedNow || this.#loop.lastSaturatedMs >= intendedMs;
  }

  /**
   * The next waiting arrival of `cls` for a user that has finished its task, or null: none, or volley is
   * saturated and the user would be beyond BacklogLimit's limit (it stays idle). Within the limit, idle
   * users of its class join in.
   */
  #nextWaiting(cls: AnyUserClass): number | null {
    if (this.#waitingCount === 0) return null;
    this.#endExpiredWaits(performance.now());
    const queue = this.#waiting.get(cls);
    if (queue === undefined || queue.size === 0) return null;
    // Going on adds no user busy: with time to spare it always may. Saturated, the user asking (still
    // counted busy) goes on only within the limit, so the busy ones come down to it.
    if (this.#loop.saturated && !this.#mayTakeWaiting(this.#users - this.#idleCount - 1)) return null;
    const intendedMs = queue.shift() as number;
    this.#waitingCount -= 1;
    this.#launched += 1;
    this.#wakeIdleForWaiting(cls, queue);
    return intendedMs;
  }

  /**
   * A user has left: its place goes to the oldest waiting arrival of any class (one user for one, so a
   * user leaving never brings a storm of new ones for the waiting arrivals).
   */
  #serveOtherClass(): void {
    this.#endExpiredWaits(performance.now());
    if (this.#waitingCount === 0 || this.#users >= this.#options.maxUsers) return;
    let oldest: [AnyUserClass, WaitingArrivals] | null = null;
    for (const entry of this.#waiting)
      if (oldest === null || entry[1].oldest < oldest[1].oldest) oldest = entry;
    if (oldest !== null && oldest[1].size > 0) this.#newUserForOldest(oldest[0], oldest[1]);
  }

  /** At the cap, an idle user of another class leaves to make room. */
  #evictIdleUser(): boolean {
    for (const cls of this.#idle.keys()) {
      const slot = this.#takeIdle(cls);
      if (slot) {
        const wake = slot.wake;
        slot.wake = null;
        wake?.(null);
        slot.evicted = true;
        this.#count(slot.cls, -1); // its place is taken now; its life's end must not count it again
        return true;
      }
    }
    return false;
  }

  /** The idle users of `cls`: one list per class for the run, not defaulted and stored again per arrival. */
  #idleOf(cls: AnyUserClass): UserSlot[] {
    let list = this.#idle.get(cls);
    if (list === undefined) {
      list = [];
      this.#idle.set(cls, list);
    }
    return list;
  }

  /** A user's life: onStart once, then one task per arrival handed to it, onStop at the end. */
  async #live(slot: UserSlot, firstIntendedMs: number): Promise<void> {
    const observer = this.#observer;
    const sinks = this.#options.sinks;
    let intendedMs: number | null = firstIntendedMs;
    const step = observer?.stepFor(firstIntendedMs) ?? null;
    if (step) observer?.launched(step);
    const ok = await slot.vu.begin();
    if (!ok && step) observer?.arrivalDone(step);
    let first = true;
    while (ok && intendedMs !== null) {
      const arrivalStep = first ? step : (observer?.stepFor(intendedMs) ?? null);
      if (!first && arrivalStep) observer?.launched(arrivalStep);
      first = false;
      slot.sink.beginArrival(intendedMs, arrivalStep?.stats ?? null);
      const beganMs = performance.now();
      const outcome = await slot.vu.runOnce();
      slot.sink.endArrival();
      const endedMs = performance.now();
      this.#backlog.taskEnded(endedMs, this.#loop.saturated ? null : endedMs - beganMs);
      if (sinks.open && slot.sink.open) {
        this.#iterations.request('', 'iteration', endedMs - intendedMs, 0, null);
      }
      if (arrivalStep) observer?.arrivalDone(arrivalStep);
      if (outcome === 'stop-user' || slot.vu.retired) break;
      // Arrivals due before the stop still run in its grace, as those launched before it do.
      intendedMs = this.#nextWaiting(slot.cls);
      if (intendedMs !== null) continue;
      if (this.#stopped) break;
      // At the cap, an arrival of another class is waiting: this user leaves to make room for it.
      const waitingOfOthers = this.#waitingCount - (this.#waiting.get(slot.cls)?.size ?? 0);
      if (waitingOfOthers > 0 && this.#users >= this.#options.maxUsers) break;
      const idle = this.#idleOf(slot.cls);
      intendedMs = await new Promise<number | null>((resolve) => {
        slot.wake = resolve;
        idle.push(slot);
        this.#idleCount += 1;
      });
    }
    await slot.vu.end();
  }
}
