import { VolleyError } from '../errors.ts';
import type { LogLevel } from '../log.ts';
import type { RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import { renderHistoryHeader, renderHistoryRows } from '../report/render/history-csv.ts';
import { formFieldMessage } from './form-fields.ts';
import type { ClusterInfo, LiveRun, LiveWorker, RunLauncher, RunParams } from './live-run.ts';
import { LogBuffer, type LogLine } from './log-buffer.ts';

/** ready: nothing ran yet; running: users are at work; stopping: waiting for users and reports; stopped: a run ended. */
export type SessionState = 'ready' | 'running' | 'stopping' | 'stopped';

/** One point of the charts (Locust's: total RPS, failures/s, response times, users). */
export interface ChartPoint {
  /** Epoch seconds. */
  t: number;
  users: number;
  rps: number;
  failuresPerSec: number;
  /** Last-10-s median and 95th percentile in ms; null without requests. */
  p50: number | null;
  p95: number | null;
}

/** The live numbers the page renders, sent about once a second. */
export interface LiveStats {
  snapshot: StatsSnapshot;
  /** Users per class now; once the run ended (or its users left), the last ratio seen with users. */
  usersByClass: Record<string, number> | null;
  /** true when `usersByClass` is the last ratio seen, not the current one. */
  ratioKept: boolean;
  point: ChartPoint;
  /** The run's final numbers (from its summary), not a live snapshot: no chart point. */
  final: boolean;
  /** A distributed run's workers (after its end, as they ended); null for a run in this process. */
  workers: LiveWorker[] | null;
}

export interface SessionView {
  state: SessionState;
  /** 1 for the first run started, then 2… */
  runNumber: number;
  /** The running (or last) run's parameters, else the defaults from the command line. */
  params: RunParams;
  /** The running (or last) run's load model; null before any run. */
  loadModel: 'closed' | 'open' | null;
  /** Target users, changed by "edit users" (closed model). */
  targetUsers: number | null;
  /** Target arrivals per second, changed by "edit" (open model). */
  targetRate: number | null;
  /** The running (or last) run's planned length in seconds; null when open-ended or before any run. */
  plannedDurationSec: number | null;
  /** The last run's end: its stop reason and exit code. */
  ended: { stopReason: string; exitCode: number; passed: boolean } | null;
  /** Why the last start or the last run failed, if it did. */
  error: string | null;
  /** How runs are spread over workers; null: in this process. */
  cluster: ClusterInfo | null;
}

/** A request that the session's state does not allow (start while running, stop while stopped…). */
export class SessionStateError extends VolleyError {
  override name = 'SessionStateError';
  override readonly code: string = 'VOLLEY_SESSION_STATE';
}

export type SessionListener = (event: 'state' | 'stats' | 'log', data: unknown) => void;

export interface RunSessionOptions {
  launcher: RunLauncher;
  defaults: RunParams;
  /** Chart points and stats history rows kept (one a second). Default 3600: an hour. */
  historyLimit?: number;
  logCapacity?: number;
  /** Also receives every log line (the CLI writes them to stderr). */
  log?: (level: LogLevel, message: string) => void;
  /** Runs go to workers (--processes, --master); shown in the view. */
  cluster?: ClusterInfo | null;
}

/**
 * The web UI's state machine, ready → running → stopping → stopped (→ running again). It owns the live
 * numbers shown and downloaded (latest snapshot, chart points, stats history rows, logs, last summary) and
 * tells listeners about every change.
 */
export class RunSession {
  readonly #launcher: RunLauncher;
  readonly #defaults: RunParams;
  readonly #listeners = new Set<SessionListener>();
  readonly #historyLimit: number;
  readonly #logs: LogBuffer;
  readonly #unsentLogs: LogLine[] = [];
  readonly #externalLog: ((level: LogLevel, message: string) => void) | undefined;
  readonly #runEndListeners = new Set<(summary: RunSummary | null) => void>();
  #state: SessionState = 'ready';
  #run: LiveRun | null = null;
  #runNumber = 0;
  #params: RunParams;
  #targetUsers: number | null = null;
  #targetRate: number | null = null;
  #loadModel: 'closed' | 'open' | null = null;
  #plannedDurationSec: number | null = null;
  /** The last users-per-class with users in it, shown after the run ends (when every user left). */
  #lastRatio: Record<string, number> | null = null;
  #snapshot: StatsSnapshot | null = null;
  #summary: RunSummary | null = null;
  #points: ChartPoint[] = [];
  #historyRows: string[] = [];
  #error: string | null = null;
  #lastExitCode: number | null = null;
  #idle: Promise<void> = Promise.resolve();
  readonly #cluster: ClusterInfo | null;
  /** The last run's workers as it ended (its handles are gone by then). */
  #endedWorkers: LiveWorker[] | null = null;

  constructor(options: RunSessionOptions) {
    this.#cluster = options.cluster ?? null;
    this.#launcher = options.launcher;
    this.#defaults = options.defaults;
    this.#params = options.defaults;
    this.#historyLimit = options.historyLimit ?? 3600;
    this.#logs = new LogBuffer(options.logCapacity ?? 500);
    this.#externalLog = options.log;
  }

  get state(): SessionState {
    return this.#state;
  }

  get defaults(): RunParams {
    return this.#defaults;
  }

  /** The latest live numbers; null before the first snapshot of a run or after a reset. */
  get snapshot(): StatsSnapshot | null {
    return this.#snapshot;
  }

  /** The final summary of the last run, once it ended (null while one runs). */
  get summary(): RunSummary | null {
    return this.#summary;
  }

  view(): SessionView {
    const summary = this.#summary;
    return {
      state: this.#state,
      runNumber: this.#runNumber,
      params: this.#params,
      loadModel: this.#loadModel,
      targetUsers: this.#targetUsers,
      targetRate: this.#targetRate,
      plannedDurationSec: this.#plannedDurationSec,
      ended: summary
        ? { stopReason: summary.meta.stopReason, exitCode: summary.exitCode, passed: summary.passed }
        : null,
      error: this.#error,
      cluster: this.#cluster,
    };
  }

  liveStats(): LiveStats | null {
    const snapshot = this.#snapshot;
    if (!snapshot) return null;
    const point = this.#points.at(-1) ?? chartPoint(snapshot);
    const final = this.#state === 'stopped' && this.#summary !== null;
    const now = this.#run?.usersByClass() ?? null;
    if (now && Object.values(now).some((n) => n > 0)) this.#lastRatio = now;
    const kept = this.#lastRatio !== null && (now === null || Object.values(now).every((n) => n === 0));
    const workers = this.workers();
    return { snapshot, usersByClass: kept ? this.#lastRatio : now, ratioKept: kept, point, final, workers };
  }

  /** The running (or last) run's workers; null for a run in this process or before any run. */
  workers(): LiveWorker[] | null {
    return this.#run ? (this.#run.workers?.() ?? null) : this.#endedWorkers;
  }

  chartPoints(): ChartPoint[] {
    return [...this.#points];
  }

  logLines(): LogLine[] {
    return this.#logs.lines();
  }

  /** Locust's stats history CSV of the current (or last) run, header included. */
  historyCsv(): string {
    return renderHistoryHeader() + this.#historyRows.join('');
  }

  /** The exit code of the last run that ended (kept through a reset); null before any. */
  get lastExitCode(): number | null {
    return this.#lastExitCode;
  }

  /** Resolves when no run is going on. */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  /** Tells `listener` about every change (state, live numbers, log lines); returns the unsubscriber. */
  subscribe(listener: SessionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called with the final summary (or null when the run failed) each time a run ends. */
  onRunEnd(listener: (summary: RunSummary | null) => void): () => void {
    this.#runEndListeners.add(listener);
    return () => this.#runEndListeners.delete(listener);
  }

  /** Starts a run: from ready or stopped only. A fresh run starts with fresh numbers, as in Locust. */
  start(params: RunParams): void {
    if (this.#state === 'running' || this.#state === 'stopping') {
      throw new SessionStateError(`a run is ${this.#state}; stop it first`);
    }
    let run: LiveRun;
    try {
      run = this.#launcher(params, {
        onSnapshot: (snapshot) => {
          if (this.#run === run) this.#onSnapshot(snapshot);
        },
        log: (level, message) => this.log(level, message),
      });
    } catch (error) {
      this.#error = formFieldMessage((error as Error)?.message ?? String(error));
      this.#emitState();
      throw error;
    }
    this.#run = run;
    this.#runNumber += 1;
    this.#params = params;
    this.#loadModel = run.loadModel;
    this.#plannedDurationSec = run.plannedDurationSec ?? null;
    this.#lastRatio = null;
    this.#endedWorkers = null;
    this.#targetUsers = run.loadModel === 'closed' ? params.users : null;
    this.#targetRate = run.arrivalRate;
    this.#snapshot = null;
    this.#summary = null;
    this.#points = [];
    this.#historyRows = [];
    this.#error = null;
    this.#state = 'running';
    this.#idle = run.done.then(
      (summary) => this.#ended(run, summary, null),
      (error: unknown) => this.#ended(run, null, error),
    );
    this.log('info', `run ${this.#runNumber} started: ${describe(params)}`);
    this.#emitState();
    this.#emit('stats', null);
  }

  /** Retargets the users of the running run; without a spawn rate, at the run's own. */
  setUsers(users: number, spawnRate?: number): void {
    const run = this.#requireRunning('change users');
    if (run.loadModel !== 'closed') {
      throw new SessionStateError(
        'this run uses arrivals (open model): change the arrival rate, not the users',
      );
    }
    const rate = spawnRate ?? this.#params.spawnRate ?? undefined;
    if (rate === undefined) run.setUsers(users);
    else run.setUsers(users, rate);
    this.#targetUsers = users;
    this.log('info', `users set to ${users}${rate !== undefined ? ` at ${rate}/s` : ''}`);
    this.#emitState();
  }

  /** Changes the arrivals per second of the running open-model run. */
  setArrivalRate(rate: number): void {
    const run = this.#requireRunning('change the arrival rate');
    if (run.loadModel !== 'open') {
      throw new SessionStateError(
        'this run uses users (closed model): change the users, not the arrival rate',
      );
    }
    run.setArrivalRate(rate);
    this.#targetRate = rate;
    this.log('info', `arrival rate set to ${rate}/s`);
    this.#emitState();
  }

  /** Stops the running run; its reports are written, then the state becomes stopped. */
  stop(): void {
    const run = this.#requireRunning('stop');
    this.#state = 'stopping';
    this.log('info', 'stopping');
    this.#emitState();
    run.stop();
  }

  /** Zeroes the numbers: the running run's statistics, or what is kept of the last one. */
  resetStats(): void {
    if (this.#state === 'stopping') throw new SessionStateError('cannot reset while the run is stopping');
    if (this.#state === 'running') this.#run?.resetStats();
    this.#snapshot = null;
    this.#summary = null;
    this.#historyRows = [];
    this.log('info', 'statistics reset');
    this.#emitState();
    this.#emit('stats', null);
  }

  /** A line for the Logs tab (and the external log). */
  log(level: LogLevel, message: string): void {
    const line = { time: Date.now(), level, message };
    this.#logs.add(line);
    this.#unsentLogs.push(line);
    if (this.#unsentLogs.length > 500) this.#unsentLogs.shift();
    this.#externalLog?.(level, message);
    this.#emit('log', () => this.#unsentLogs.splice(0));
  }

  #requireRunning(what: string): LiveRun {
    if (this.#state !== 'running' || !this.#run) {
      throw new SessionStateError(`cannot ${what}: no run is going on (state: ${this.#state})`);
    }
    return this.#run;
  }

  #onSnapshot(snapshot: StatsSnapshot): void {
    this.#snapshot = snapshot;
    this.#points.push(chartPoint(snapshot));
    if (this.#points.length > this.#historyLimit) this.#points.shift();
    this.#historyRows.push(renderHistoryRows(snapshot, false));
    if (this.#historyRows.length > this.#historyLimit) this.#historyRows.shift();
    this.#emit('stats', this.liveStats());
  }

  #ended(run: LiveRun, summary: RunSummary | null, error: unknown): void {
    if (this.#run !== run) return;
    this.#endedWorkers = run.workers?.() ?? null;
    this.#run = null;
    this.#state = 'stopped';
    this.#summary = summary;
    this.#lastExitCode = summary?.exitCode ?? 3;
    // The table shows the final numbers, not the last snapshot (up to a second older).
    if (summary) this.#snapshot = finalSnapshot(summary);
    if (summary) {
      this.log(
        'info',
        `run ${this.#runNumber} ended (${summary.meta.stopReason}), exit code ${summary.exitCode}`,
      );
    } else {
      this.#error = `the run failed: ${(error as Error)?.message ?? String(error)}`;
      this.log('error', this.#error);
    }
    this.#emitState();
    if (summary) this.#emit('stats', this.liveStats());
    for (const listener of this.#runEndListeners) listener(summary);
  }

  #emitState(): void {
    this.#emit('state', this.view());
  }

  #emit(event: 'state' | 'stats' | 'log', data: unknown): void {
    for (const listener of this.#listeners) listener(event, data);
  }
}

function chartPoint(snapshot: StatsSnapshot): ChartPoint {
  const agg = snapshot.aggregated;
  const hasRequests = agg.requests > 0;
  return {
    t: Math.floor(snapshot.timestamp / 1000),
    users: snapshot.users,
    rps: agg.currentRps,
    failuresPerSec: agg.currentFailuresPerSec,
    p50: hasRequests ? (agg.currentPercentiles['50'] ?? null) : null,
    p95: hasRequests ? (agg.currentPercentiles['95'] ?? null) : null,
  };
}

/** The final summary as the page's live numbers: no users left. */
function finalSnapshot(summary: RunSummary): StatsSnapshot {
  return {
    timestamp: Date.parse(summary.meta.endedAt),
    users: 0,
    elapsedSec: summary.meta.durationSec,
    endpoints: summary.endpoints,
    aggregated: summary.aggregated,
    failures: summary.failures,
    exceptions: summary.exceptions,
    checks: summary.checks,
  };
}

function describe(p: RunParams): string {
  const parts = [`${p.users} users`];
  if (p.spawnRate !== null) parts.push(`${p.spawnRate}/s`);
  if (p.host) parts.push(p.host);
  if (p.runTime) parts.push(`for ${p.runTime}`);
  if (p.tags.length > 0) parts.push(`tags ${p.tags.join(',')}`);
  return parts.join(', ');
}
