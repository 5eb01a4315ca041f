import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import type { HttpClient } from '../http/types.ts';
import type { SampleSink } from '../metrics/sink.ts';
import { EndTask, isControlSignal, StopUser } from '../script/control.ts';
import type { UserClass } from '../script/user.ts';
import type { VirtualUser, VuLogger } from '../script/vu.ts';
import type { Random } from './rng.ts';
import { type SleepOwner, sleepersOf } from './sleepers.ts';
import type { TaskPicker } from './task-picker.ts';

/** What every virtual user of a run shares. */
export interface VuContext {
  readonly sink: SampleSink;
  /** Aborted when the run stops: users finish (or abandon) their task and leave. */
  readonly signal: AbortSignal;
  /** Task runs per user, or null for unbounded. */
  readonly iterations: number | null;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** One virtual user: runs `onStart`, then tasks with waits between them until the run stops, then `onStop`. */
export class VirtualUserRunner<S> implements VirtualUser<S> {
  readonly id: number;
  readonly userName: string;
  readonly http: HttpClient;
  state: S;
  iteration = 0;
  readonly random: Random;
  readonly #cls: UserClass<S>;
  readonly #picker: TaskPicker<S>;
  readonly #ctx: VuContext;
  /** Set when a ramp-down removes this user: it finishes its task, then leaves. */
  #retired = false;
  /** The sleep in progress, so a ramp-down can end it early. */
  readonly #sleeping: SleepOwner = { sleeper: null };
  #log: VuLogger | null = null;

  constructor(
    id: number,
    cls: UserClass<S>,
    picker: TaskPicker<S>,
    http: HttpClient,
    random: Random,
    ctx: VuContext,
  ) {
    this.id = id;
    this.userName = cls.name;
    this.http = http;
    this.random = random;
    this.#cls = cls;
    this.#picker = picker;
    this.#ctx = ctx;
    this.state = cls.initialState();
  }

  /** Created on first use: most users never log, and 15 000 users' closures add up. */
  get log(): VuLogger {
    this.#log ??= new UserLog(`[${this.#cls.name} #${this.id}]`, this.#ctx.log);
    return this.#log;
  }

  get signal(): AbortSignal {
    return this.#ctx.signal;
  }

  async sleep(seconds: number): Promise<void> {
    if (!(seconds > 0) || this.#ctx.signal.aborted || this.#retired) return;
    await sleepersOf(this.#ctx.signal).sleep(seconds * 1000, this.#sleeping);
  }

  /** Ramp-down: the user finishes the task it is running (a sleep ends at once), runs onStop and leaves. */
  retire(): void {
    this.#retired = true;
    this.#sleeping.sleeper?.wake();
  }

  get retired(): boolean {
    return this.#retired;
  }

  /** Open model: runs onStart once, when the user is created; false when it must not serve arrivals. */
  async begin(): Promise<boolean> {
    const onStart = this.#cls.onStart;
    return onStart ? this.#guard(onStart) : true;
  }

  /** Open model: one arrival runs one task (no wait: the schedule paces arrivals). */
  async runOnce(): Promise<'ok' | 'stop-user'> {
    const task = this.#picker.next(this.random);
    // The task awaited here rather than in a helper of its own: an async call less per arrival.
    let stopUser = false;
    try {
      await task.fn(this);
    } catch (error) {
      stopUser = this.#taskFailed(error);
    }
    this.iteration += 1;
    return stopUser ? 'stop-user' : 'ok';
  }

  /** Open model: runs onStop when the user leaves (end of run). */
  async end(): Promise<void> {
    const onStop = this.#cls.onStop;
    if (onStop) await this.#guard(onStop);
  }

  stop(reason?: string): never {
    throw new StopUser(reason);
  }

  endTask(reason?: string): never {
    throw new EndTask(reason);
  }

  /** Runs the user to the end. Never rejects: whatever the scenario throws is recorded. */
  async run(): Promise<void> {
    const cls = this.#cls;
    const signal = this.#ctx.signal;
    if (cls.onStart && !(await this.#guard(cls.onStart))) return;
    const limit = this.#ctx.iterations ?? Number.POSITIVE_INFINITY;
    // No wait time (a throughput test): no clock reads and no extra await per task.
    const waits = Boolean(cls.wait);
    while (!signal.aborted && !this.#retired && this.iteration < limit) {
      const task = this.#picker.next(this.random);
      const started = waits ? performance.now() : 0;
      // The task awaited here rather than in a helper of its own: an async call less per task (a
      // promise and a resumption each).
      let stopUser = false;
      try {
        await task.fn(this);
      } catch (error) {
        stopUser = this.#taskFailed(error);
      }
      this.iteration += 1;
      if (stopUser || signal.aborted || this.#retired || this.iteration >= limit) break;
      if (waits) await this.#wait((performance.now() - started) / 1000);
    }
    if (cls.onStop) await this.#guard(cls.onStop);
  }

  /** What a task threw: true when the user must stop; else recorded, unless it ended the task or the run stops. */
  #taskFailed(error: unknown): boolean {
    if (error instanceof StopUser) return true;
    if (!(error instanceof EndTask) && !this.#ctx.signal.aborted) this.#ctx.sink.exception(error);
    return false;
  }

  /** Runs onStart/onStop; false when the user must not go on (it threw or asked to stop). */
  async #guard(hook: (vu: VirtualUser<S>) => unknown): Promise<boolean> {
    try {
      await hook(this);
      return true;
    } catch (error) {
      if (!isControlSignal(error)) this.#ctx.sink.exception(error);
      return error instanceof EndTask;
    }
  }

  async #wait(taskDurationSec: number): Promise<void> {
    const wait = this.#cls.wait;
    if (!wait) return;
    let seconds: number;
    try {
      seconds =
        typeof wait === 'function' ? wait(this) : wait.seconds({ taskDurationSec, random: this.random });
    } catch (error) {
      this.#ctx.sink.exception(error);
      return;
    }
    await this.sleep(seconds);
  }
}

/** A user's logger: its lines start with the user's class and id. */
class UserLog implements VuLogger {
  readonly #prefix: string;
  readonly #write: VuContext['log'];

  constructor(prefix: string, write: VuContext['log']) {
    this.#prefix = prefix;
    this.#write = write;
  }

  info(...args: unknown[]): void {
    this.#line('info', args);
  }

  warn(...args: unknown[]): void {
    this.#line('warn', args);
  }

  error(...args: unknown[]): void {
    this.#line('error', args);
  }

  #line(level: 'info' | 'warn' | 'error', args: unknown[]): void {
    this.#write(
      level,
      `${this.#prefix} ${args.map((a) => (typeof a === 'string' ? a : inspectValue(a))).join(' ')}`,
    );
  }
}

function inspectValue(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}
