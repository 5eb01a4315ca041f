/**
 * The coordinator of a multi-process run: hands every worker its share, starts them together, merges what
 * they stream into one RunStats and drives the ordinary reporters from it, so that console, CSV and JSON
 * output look exactly like a single process's (reporters never learn that there were processes).
 * Thresholds, the summary and the exit code are computed once, here, on the merged statistics.
 */
import { ArrivalTotals, addArrivalSnapshots } from '../engine/arrival-summary.ts';
import { plannedDurationSec, runMeta, runStartInfo } from '../engine/run-meta.ts';
import type { RunPlan } from '../engine/run-plan.ts';
import { type RunLogger, streamLogger } from '../log.ts';
import { monotonicEpochMs } from '../metrics/clock.ts';
import { busiestGenerator, type GeneratorCpu } from '../metrics/generator-cpu.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { SerializedRunStats } from '../metrics/serialized-stats.ts';
import type { RunSummary, WorkerSummary } from '../metrics/summary.ts';
import { ReporterFanout } from '../report/reporter-fanout.ts';
import type { VolleyOptions } from '../script/options.ts';
import { VOLLEY_VERSION } from '../version.ts';
import { ClusterError } from './cluster-error.ts';
import { Conditions } from './conditions.ts';
import { CLUSTER_PROTOCOL_VERSION, type WorkerMessage } from './protocol.ts';
import { checkWorkerMessage } from './worker-message-check.ts';
import {
  newWorker,
  noteReport,
  type Worker,
  type WorkerLink,
  type WorkerRow,
  type WorkerState,
  workerRow,
} from './worker-state.ts';

export type { WorkerLink };
export { ClusterError };

/** Exit code of a run during which a worker was lost: its numbers are incomplete, whatever they say. */
export const WORKER_LOST_EXIT_CODE = 3;

/** Bound on the users a worker may say it runs (its messages are checked: worker-message-check.ts). */
const MAX_USERS = 10_000_000;
/** How long the coordinator waits for its own stop after a worker reports a signal of its own. */
const SIGNAL_GRACE_MS = 1000;
/** How long workers get to load the scenario and report ready. */
const DEFAULT_START_TIMEOUT_MS = 60_000;
/** Beyond --stop-timeout, how long a stopping worker gets to send its last statistics before it is dropped. */
const STOP_GRACE_MS = 15_000;
/**
 * Beyond --run-time, how long the coordinator waits for the workers to end by themselves before it stops
 * them: each counts its run time from its own start message, which may reach it late on a busy machine.
 */
const RUN_TIME_GRACE_MS = 5_000;
/**
 * Live tables come on a fixed cadence, from whatever was merged by then: their cost does not grow with the
 * number of workers, and a slow worker does not hold them back. Skipped when nothing new arrived, unless
 * the last one is twice as old (the current rates still move as the window slides).
 */
const SNAPSHOT_INTERVAL_MS = 1000;
/**
 * Worker messages are queued as they arrive and handled in slices of about this long, each followed by a
 * turn of the event loop: a burst of reports (a thousand workers reporting in the same instant) cannot
 * hold back timers (live tables, heartbeats, stop deadlines) for longer than a slice.
 */
const MESSAGE_SLICE_MS = 10;

export interface CoordinatorOptions {
  /** Resolved as for a single process: reporters, signal, log, thresholds, users, ramp, run time… */
  plan: RunPlan;
  /** The settings `plan` was resolved from; each worker resolves the same plan from them, then its share. */
  settings: VolleyOptions;
  /** One per worker, connected. The worker count is their number. */
  links: readonly WorkerLink[];
  /** Scenario path sent to workers (default `plan.scenario`). */
  scenario?: string;
  /** The scenario compiled into one module, sent to workers on other machines (they open no path). */
  bundle?: string;
  startTimeoutMs?: number;
}

/** Runs the whole multi-process run and returns its summary (reports are written like a single run's). */
export function runCoordinator(options: CoordinatorOptions): Promise<RunSummary> {
  return new Coordinator(options).run();
}

/** A coordinated run the web UI steers while it goes on. */
export interface CoordinatorRun {
  readonly done: Promise<RunSummary>;
  /** Every worker now, in index order. */
  workers(): WorkerRow[];
  /** Closed model: the whole run's users, each worker taking its share (at spawnRate / workers per second). */
  setUsers(users: number, spawnRate?: number): void;
  /** Open model: the whole run's arrivals per second. */
  setArrivalRate(rate: number): void;
  /** Zeroes the merged statistics; the workers go on. */
  resetStats(): void;
  stop(): void;
}

/** runCoordinator with the handles the web UI needs. */
export function startCoordinator(options: CoordinatorOptions): CoordinatorRun {
  const coordinator = new Coordinator(options);
  return {
    done: coordinator.run(),
    workers: () => coordinator.workerRows(),
    setUsers: (users, spawnRate) =>
      coordinator.setLoad({ users, ...(spawnRate !== undefined ? { spawnRate } : {}) }),
    setArrivalRate: (rate) => coordinator.setLoad({ arrivalRate: rate }),
    resetStats: () => coordinator.resetStats(),
    stop: () => coordinator.stop(),
  };
}

class Coordinator {
  readonly #plan: RunPlan;
  readonly #options: CoordinatorOptions;
  readonly #log: RunLogger;
  readonly #workers: Worker[];
  readonly #stats = new RunStats();
  readonly #reporters: ReporterFanout;
  /** Seed shared by all workers so user id i gets the same per-user seed as in a single process. */
  readonly #seed: number;
  #started = false;
  /** Each worker process's own CPU, reported at its end. */
  readonly #generators: GeneratorCpu[] = [];
  /** Open model: the workers' arrivals, added up at their end. */
  readonly #arrivals = new ArrivalTotals();
  #stopReason: string | null = null;
  #startupError: string | null = null;
  #lastSnapshotAt = 0;
  /** Something was merged since the last live snapshot. */
  #fresh = false;
  /** Worker messages and closes not handled yet, in arrival order (see MESSAGE_SLICE_MS). */
  readonly #inbox: (() => void)[] = [];
  #inboxHead = 0;
  #draining = false;
  readonly #conditions = new Conditions();
  /** The web UI's edit made before the start (see setLoad). */
  #pendingLoad: { users?: number; spawnRate?: number; arrivalRate?: number } | null = null;

  constructor(options: CoordinatorOptions) {
    this.#options = options;
    this.#plan = options.plan;
    this.#log = options.plan.log ?? streamLogger();
    this.#reporters = new ReporterFanout(options.plan.reporters, this.#log);
    this.#seed = options.plan.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.#workers = options.links.map((link, index) => newWorker(index, link));
  }

  async run(): Promise<RunSummary> {
    const plan = this.#plan;
    for (const worker of this.#workers) {
      worker.link.onMessage((message) => this.#receive(() => this.#onMessage(worker, message)));
      worker.link.onClose((reason) => this.#receive(() => this.#onClose(worker, reason)));
    }
    const signal = plan.signal;
    const onAbort = () => this.#stopAll('signal');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#conditions.until(
        () => this.#startupError !== null || this.#stopReason !== null || this.#all('ready'),
        this.#options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        'workers did not report ready in time',
      );
      if (this.#startupError !== null) throw new ClusterError(this.#startupError);
      if (signal?.aborted) this.#stopAll('signal');
      const startedAt = new Date();
      if (this.#stopReason === null) await this.#start(startedAt);
      else for (const worker of this.#workers) this.#finish(worker, 'done');
      await this.#conditions.until(() => this.#allEnded());
      return await this.#end(startedAt);
    } catch (error) {
      // Told why, a worker exits non-zero with the reason rather than as if the run had ended well.
      const reason = `the run did not start: ${(error as Error).message}`;
      await Promise.all(
        this.#workers.map((w) => (w.state === 'lost' ? undefined : w.link.send({ type: 'refuse', reason }))),
      );
      for (const worker of this.#workers) worker.link.close();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #start(startedAt: Date): Promise<void> {
    const plan = this.#plan;
    await this.#reporters.notify('onStart', runStartInfo(plan, startedAt));
    this.#stats.start();
    this.#started = true;
    this.#lastSnapshotAt = performance.now();
    for (const worker of this.#workers) {
      // One stopped while the reporters started (Ctrl-C) may already be done.
      if (worker.state !== 'ready') continue;
      worker.state = 'running';
      void worker.link.send({ type: 'start' });
    }
    if (this.#pendingLoad) this.setLoad(this.#pendingLoad);
    const timers: NodeJS.Timeout[] = [];
    const plannedSec = plannedDurationSec(plan);
    if (plannedSec !== null) {
      // Each worker ends by its own run time, so none loses the end of its share to a stop sent on the
      // coordinator's clock; this stops one that does not.
      const reason = plan.runTimeSec === null ? 'stages' : 'run-time';
      timers.push(setTimeout(() => this.#stopAll(reason), plannedSec * 1000 + RUN_TIME_GRACE_MS));
    }
    timers.push(
      setInterval(() => {
        if (this.#fresh || performance.now() - this.#lastSnapshotAt >= 2 * SNAPSHOT_INTERVAL_MS) {
          this.#snapshot();
        }
      }, SNAPSHOT_INTERVAL_MS),
    );
    void this.#conditions
      .until(() => this.#allEnded())
      .then(() => {
        for (const timer of timers) clearTimeout(timer);
      });
  }

  async #end(startedAt: Date): Promise<RunSummary> {
    const plan = this.#plan;
    // The run ended when its last worker did, not when the coordinator finished waiting for a lost one:
    // a lost worker counts until the last time it was heard from.
    const endMs = Math.max(
      startedAt.getTime(),
      ...this.#workers.map((w) => (w.state === 'lost' ? w.heardAtMs : (w.endedAtMs ?? 0))),
    );
    const endedAt = new Date(Math.min(endMs, Date.now()));
    this.#stats.stop(Math.min(endMs, monotonicEpochMs()));
    const lost = this.#workers.filter((w) => w.state === 'lost');
    const workers: WorkerSummary[] = this.#workers.map((w) => ({
      index: w.index,
      host: w.host,
      requests: w.requests,
      state: w.state === 'lost' ? 'lost' : 'done',
      ...(w.lossReason !== null ? { lossReason: w.lossReason } : {}),
    }));
    const summary = this.#stats.summary(
      runMeta(plan, startedAt, endedAt, {
        // Each worker's peak, added: exact when the workers peak together, as a ramp-up makes them do.
        peakUsers: this.#workers.reduce((sum, w) => sum + w.peakUsers, 0),
        stopReason: this.#finalStopReason(),
        ...(this.#generators.length > 0 ? { generator: busiestGenerator(this.#generators) } : {}),
      }),
      plan.thresholds,
      { exitCodeOnError: plan.exitCodeOnError },
    );
    const arrivals = this.#arrivals.summary();
    const withArrivals = { ...(arrivals ? { ...summary, arrivals } : summary), workers };
    const result =
      lost.length > 0 ? { ...withArrivals, passed: false, exitCode: WORKER_LOST_EXIT_CODE } : withArrivals;
    for (const worker of this.#workers) worker.link.close();
    await this.#reporters.notify('onEnd', result);
    this.#stats.dispose();
    return result;
  }

  #finalStopReason(): string {
    if (this.#stopReason !== null) return this.#stopReason;
    const reasons = this.#workers.map((w) => w.stopReason).filter((r): r is string => r !== null);
    if (reasons.includes('run-time')) return 'run-time';
    return reasons[0] ?? 'error';
  }

  /** Queues what a link delivered, to be handled in order by `#drain`. */
  #receive(handle: () => void): void {
    this.#inbox.push(handle);
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(() => this.#drain());
  }

  /** Handles queued messages for one slice, then lets the event loop turn before the next. */
  #drain(): void {
    const until = performance.now() + MESSAGE_SLICE_MS;
    const inbox = this.#inbox;
    try {
      while (this.#inboxHead < inbox.length && performance.now() < until) {
        const handle = inbox[this.#inboxHead] as () => void;
        inbox[this.#inboxHead++] = noop;
        handle();
      }
    } finally {
      // Even past a throw (a bug, surfaced as before), what is queued still gets handled.
      if (this.#inboxHead === inbox.length) {
        inbox.length = 0;
        this.#inboxHead = 0;
        this.#draining = false;
      } else setImmediate(() => this.#drain());
      this.#conditions.changed();
    }
  }

  #onMessage(worker: Worker, message: WorkerMessage): void {
    if (worker.state === 'done' || worker.state === 'lost') return;
    worker.heardAtMs = monotonicEpochMs();
    const invalid = checkWorkerMessage(message, MAX_USERS);
    if (invalid !== null) {
      this.#fail(worker, `sent an invalid message (${invalid}): dropped`);
      return;
    }
    switch (message.type) {
      case 'hello':
        if (message.protocol !== CLUSTER_PROTOCOL_VERSION) {
          this.#fail(
            worker,
            `speaks protocol ${message.protocol} (volley ${message.volleyVersion}), this coordinator ${CLUSTER_PROTOCOL_VERSION} (volley ${VOLLEY_VERSION})`,
          );
          break;
        }
        worker.state = 'assigned';
        worker.host = message.worker;
        void worker.link.send({
          type: 'assign',
          protocol: CLUSTER_PROTOCOL_VERSION,
          workerIndex: worker.index,
          workerCount: this.#workers.length,
          scenario: this.#options.scenario ?? this.#plan.scenario,
          ...(this.#options.bundle !== undefined ? { bundle: this.#options.bundle } : {}),
          settings: workerSettings(this.#options.settings, this.#seed),
        });
        break;
      case 'auth':
        break;
      case 'ready':
        if (worker.state === 'assigned') worker.state = 'ready';
        break;
      case 'stats':
        if (!this.#merge(worker, message.stats)) break;
        worker.users = message.users;
        worker.arrivals = message.arrivals ?? worker.arrivals;
        worker.peakUsers = Math.max(worker.peakUsers, message.users);
        worker.reports += 1;
        noteReport(worker, message.stats.aggregated?.requests ?? 0, message.cpuPercent);
        break;
      case 'done':
        if (!this.#merge(worker, message.stats)) break;
        worker.peakUsers = Math.max(worker.peakUsers, message.peakUsers);
        worker.stopReason = message.stopReason;
        if (message.open) {
          const open = message.open;
          this.#tryMerge(worker, () => this.#arrivals.add(open));
        }
        if (message.generator) this.#generators.push(message.generator);
        if (message.interrupted !== undefined && this.#stopReason === null)
          this.#leaving(worker, message.interrupted);
        else this.#finish(worker, 'done');
        break;
      case 'log':
        this.#log(message.level, message.message);
        break;
      case 'error':
        this.#fail(worker, message.message);
        break;
    }
  }

  /**
   * A worker stopped by a signal of its own (a pod deleted, evicted, drained; `kill` on one process): what
   * it sent counts, but its share of the run is missing, so it is lost. Unless the run is stopping too: a
   * terminal's Ctrl-C or CI's cancel signals the whole process group, coordinator included, whose own stop
   * may come a moment after the worker's.
   */
  #leaving(worker: Worker, signal: string): void {
    worker.state = 'leaving';
    worker.users = 0;
    worker.endedAtMs = monotonicEpochMs();
    const timer = setTimeout(() => {
      if (this.#stopReason === null) this.#fail(worker, `was stopped by ${signal}`);
      else this.#finish(worker, 'done');
      this.#conditions.changed();
    }, SIGNAL_GRACE_MS);
    timer.unref();
  }

  #onClose(worker: Worker, reason: string): void {
    if (worker.state === 'done' || worker.state === 'lost' || worker.state === 'leaving') return;
    this.#fail(worker, reason);
  }

  /** Before the start, any worker failing fails the run; after it, the run goes on without that worker. */
  #fail(worker: Worker, reason: string): void {
    if (worker.state === 'done' || worker.state === 'lost') return;
    worker.lossReason = reason;
    if (!this.#started) {
      this.#startupError ??= `${worker.link.label}: ${reason}`;
      this.#finish(worker, 'lost');
      return;
    }
    this.#log(
      'error',
      `${worker.link.label} ${reason} before the end of the run: its statistics since its last report are missing; the run fails (exit code ${WORKER_LOST_EXIT_CODE})`,
    );
    this.#finish(worker, 'lost');
  }

  #finish(worker: Worker, state: 'done' | 'lost'): void {
    worker.state = state;
    worker.endedAtMs ??= monotonicEpochMs();
    worker.users = 0;
    if (state === 'lost') worker.link.close();
  }

  #merge(worker: Worker, stats: SerializedRunStats): boolean {
    if (!this.#tryMerge(worker, () => this.#stats.merge(stats))) return false;
    this.#fresh = true;
    worker.requests += stats.aggregated.requests;
    // The plan's extra sinks (the Prometheus exporter) see each delta as a process sees each sample.
    for (const sink of this.#plan.sampleSinks ?? []) {
      try {
        sink.merge?.(stats);
      } catch {
        // An observer's bug must not cost the run a worker (as FanOutSink for samples).
      }
    }
    return true;
  }

  /** Statistics a worker sent that cannot be merged cost the run that worker. */
  #tryMerge(worker: Worker, merge: () => void): boolean {
    try {
      merge();
      return true;
    } catch (error) {
      this.#fail(worker, `sent statistics that cannot be merged: ${(error as Error).message}`);
      return false;
    }
  }

  #snapshot(): void {
    if (!this.#started || this.#allEnded()) return;
    this.#fresh = false;
    this.#lastSnapshotAt = performance.now();
    const users = this.#workers.reduce((sum, w) => sum + w.users, 0);
    const snapshot = this.#stats.snapshot(users);
    // Open model: the workers' last reported arrivals added up.
    const arrivals = addArrivalSnapshots(this.#workers.flatMap((w) => (w.arrivals ? [w.arrivals] : [])));
    void this.#reporters.notify('onSnapshot', arrivals ? { ...snapshot, arrivals } : snapshot);
  }

  #stopAll(reason: string): void {
    if (this.#stopReason !== null) return;
    this.#stopReason = reason;
    for (const worker of this.#workers) {
      if (worker.state !== 'done' && worker.state !== 'lost') void worker.link.send({ type: 'stop' });
    }
    // A worker that neither stops nor reports in time is dropped (and its process killed).
    const deadline = setTimeout(() => {
      for (const worker of this.#workers)
        this.#fail(worker, `did not stop within ${this.#stopDeadlineSec()} s`);
      this.#conditions.changed();
    }, this.#stopDeadlineSec() * 1000);
    deadline.unref();
    void this.#conditions.until(() => this.#allEnded()).then(() => clearTimeout(deadline));
    this.#conditions.changed();
  }

  workerRows(): WorkerRow[] {
    return this.#workers.map((worker) => workerRow(worker));
  }

  /**
   * Sent to every running worker; each computes its share from its index (see worker-load.ts). Before
   * the start, kept and sent right after it.
   */
  setLoad(load: { users?: number; spawnRate?: number; arrivalRate?: number }): void {
    if (!this.#started) {
      this.#pendingLoad = { ...this.#pendingLoad, ...load };
      return;
    }
    for (const worker of this.#workers) {
      if (worker.state === 'running') void worker.link.send({ type: 'set-load', ...load });
    }
  }

  resetStats(): void {
    this.#stats.reset();
  }

  /** The web UI's Stop: as Ctrl-C, every worker stops its users and reports. */
  stop(): void {
    this.#stopAll('stopped');
  }

  #stopDeadlineSec(): number {
    return this.#plan.stopTimeoutSec + STOP_GRACE_MS / 1000;
  }

  #all(state: WorkerState): boolean {
    return this.#workers.every((w) => w.state === state);
  }

  /** Every worker is done or lost. */
  #allEnded(): boolean {
    return this.#workers.every((w) => w.state === 'done' || w.state === 'lost');
  }
}

/** What a worker is told: the merged settings and the run's seed; never the cluster token. */
function workerSettings(settings: VolleyOptions, seed: number): VolleyOptions {
  const { clusterToken: _token, ...rest } = settings as VolleyOptions & { clusterToken?: unknown };
  return { ...rest, seed };
}

function noop(): void {}
