import { VolleyError } from '../errors.ts';
import type { VirtualUser } from './vu.ts';
import type { WaitTime } from './wait.ts';

export type TaskFn<S> = (vu: VirtualUser<S>) => unknown;

export interface TaskOptions {
  /** Relative chance of being picked (default 1). */
  weight?: number;
  /** Selected with -T/--tags, excluded with -E/--exclude-tags. */
  tags?: readonly string[];
  /** Shown in logs and exception reports (default: the function's name, or "task N"). */
  name?: string;
}

const TASK = Symbol.for('volley.task');
const USER = Symbol.for('volley.user');

export interface TaskDef<S = Record<string, unknown>> {
  readonly [TASK]: true;
  readonly weight: number;
  readonly tags: readonly string[];
  readonly name: string;
  readonly fn: TaskFn<S>;
}

export type TaskInput<S> = TaskDef<S> | TaskFn<S>;

export interface UserOptions<S> {
  /** Name in reports; default: the export name ("default" for the default export). */
  name?: string;
  /** Share of --users among the file's users (Locust's weight). Default 1. */
  weight?: number;
  /** Exactly this many users of this class, whatever --users is (Locust's fixed_count). */
  fixedCount?: number;
  /** Wait between task runs (seconds or a WaitTime); default: none. */
  wait?: WaitTime | ((vu: VirtualUser<S>) => number);
  /** Overrides the run's host for this user class. */
  host?: string;
  /** Headers sent with every request of this user. */
  headers?: Record<string, string>;
  /** Run tasks in the order given, one after another, looping (Locust's SequentialTaskSet); weights ignored. */
  sequential?: boolean;
  /** Builds the initial per-user state (and lets TypeScript infer its type). */
  state?: () => S;
  onStart?: (vu: VirtualUser<S>) => unknown;
  onStop?: (vu: VirtualUser<S>) => unknown;
  tasks: readonly TaskInput<S>[];
}

export interface UserClass<S = Record<string, unknown>> {
  readonly [USER]: true;
  /** Set by the loader from the export name unless given. */
  name: string;
  readonly weight: number;
  readonly fixedCount: number | null;
  readonly wait: UserOptions<S>['wait'] | null;
  readonly host: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly sequential: boolean;
  readonly initialState: () => S;
  readonly onStart: UserOptions<S>['onStart'] | null;
  readonly onStop: UserOptions<S>['onStop'] | null;
  readonly tasks: readonly TaskDef<S>[];
}

/** Thrown when a scenario's user or task definition is invalid; reported as a scenario error (exit 2). */
export class ScenarioDefinitionError extends VolleyError {
  override name = 'ScenarioDefinitionError';
  override readonly code: string = 'VOLLEY_SCENARIO_DEFINITION';
}

function checkWeight(what: string, weight: number, allowZero: boolean): number {
  if (!Number.isFinite(weight) || weight < 0 || (!allowZero && weight === 0)) {
    throw new ScenarioDefinitionError(`${what}: weight must be a number > 0, got ${weight}`);
  }
  return weight;
}

/** A task with options; a bare function in `tasks` is a task of weight 1. */
export function task<S = Record<string, unknown>>(options: TaskOptions, fn: TaskFn<S>): TaskDef<S>;
export function task<S = Record<string, unknown>>(fn: TaskFn<S>): TaskDef<S>;
export function task<S>(a: TaskOptions | TaskFn<S>, b?: TaskFn<S>): TaskDef<S> {
  const options: TaskOptions = typeof a === 'function' ? {} : a;
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function')
    throw new ScenarioDefinitionError('task(): expected a function as the task body');
  const name = options.name ?? fn.name ?? '';
  return Object.freeze({
    [TASK]: true as const,
    weight: checkWeight(`task ${name || '(anonymous)'}`, options.weight ?? 1, true),
    tags: Object.freeze([...(options.tags ?? [])]),
    name,
    fn,
  });
}

export function isTask(value: unknown): value is TaskDef<never> {
  return typeof value === 'object' && value !== null && (value as { [TASK]?: unknown })[TASK] === true;
}

/** A user class of whatever state type (the engine does not care). */
// biome-ignore lint/suspicious/noExplicitAny: state types vary per class; internal only, not exported from 'volley'
export type AnyUserClass = UserClass<any>;

export function isUserClass(value: unknown): value is AnyUserClass {
  return typeof value === 'object' && value !== null && (value as { [USER]?: unknown })[USER] === true;
}

/** Defines a user class: export it from a scenario file (every exported `user(...)` runs). */
export function user<S = Record<string, unknown>>(options: UserOptions<S>): UserClass<S> {
  if (typeof options !== 'object' || options === null) {
    throw new ScenarioDefinitionError('user(): expected an options object with a tasks array');
  }
  if (!Array.isArray(options.tasks) || options.tasks.length === 0) {
    throw new ScenarioDefinitionError('user(): `tasks` must be a non-empty array of tasks or functions');
  }
  const tasks = options.tasks.map((t, i): TaskDef<S> => {
    const def = typeof t === 'function' ? task<S>(t) : t;
    if (!isTask(def))
      throw new ScenarioDefinitionError(`user(): tasks[${i}] is neither a task() nor a function`);
    const typed = def as TaskDef<S>;
    return typed.name ? typed : { ...typed, name: `task ${i + 1}` };
  });
  const fixedCount = options.fixedCount ?? null;
  if (fixedCount !== null && (!Number.isInteger(fixedCount) || fixedCount < 0)) {
    throw new ScenarioDefinitionError(`user(): fixedCount must be a whole number ≥ 0, got ${fixedCount}`);
  }
  return {
    [USER]: true,
    name: options.name ?? '',
    weight: checkWeight('user()', options.weight ?? 1, fixedCount !== null),
    fixedCount,
    wait: options.wait ?? null,
    host: options.host ?? null,
    headers: Object.freeze({ ...(options.headers ?? {}) }),
    sequential: options.sequential ?? false,
    initialState: options.state ?? (() => ({}) as S),
    onStart: options.onStart ?? null,
    onStop: options.onStop ?? null,
    tasks,
  };
}
