/**
 * Request deadlines without a Node timer per request. Every request of a run gets the same timeout,
 * so deadlines are added in the order they fall due: a list per timeout length, one timer per list,
 * set for the earliest deadline. Adding and removing are O(1); a request that ends (nearly all of
 * them) just leaves its list. Cheaper than setTimeout + clearTimeout per request, whose Timeout objects
 * and async-hooks bookkeeping showed in the profiles.
 */
import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts

/** One pending deadline; `cancel()` when the request ends first. */
export class Deadline {
  readonly at: number;
  prev: Deadline | null = null;
  next: Deadline | null = null;
  readonly #list: DeadlineList;
  readonly #onExpire: (arg: unknown) => void;
  readonly #arg: unknown;

  constructor(list: DeadlineList, at: number, onExpire: (arg: unknown) => void, arg: unknown) {
    this.#list = list;
    this.at = at;
    this.#onExpire = onExpire;
    this.#arg = arg;
  }

  cancel(): void {
    this.#list.remove(this);
  }

  expire(): void {
    this.#onExpire(this.#arg);
  }
}

/** Deadlines of one timeout length, earliest first. */
class DeadlineList {
  readonly #timeoutMs: number;
  #head: Deadline | null = null;
  #tail: Deadline | null = null;
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  add<T>(onExpire: (arg: T) => void, arg: T, now: number): Deadline {
    const deadline = new Deadline(this, now + this.#timeoutMs, onExpire as (a: unknown) => void, arg);
    if (this.#tail === null) {
      this.#head = this.#tail = deadline;
    } else {
      deadline.prev = this.#tail;
      this.#tail.next = deadline;
      this.#tail = deadline;
    }
    if (this.#timer === undefined) this.#arm(deadline.at);
    return deadline;
  }

  remove(deadline: Deadline): void {
    const { prev, next } = deadline;
    if (prev === null && this.#head !== deadline) return; // already removed
    if (prev === null) this.#head = next;
    else prev.next = next;
    if (next === null) this.#tail = prev;
    else next.prev = prev;
    deadline.prev = deadline.next = null;
    if (this.#head === null && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(at: number): void {
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()) + 1);
    // Sockets keep the process alive while requests are pending; deadlines need not.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let head = this.#head; head !== null && head.at <= now; head = this.#head) {
      this.remove(head);
      head.expire();
    }
    if (this.#head !== null && this.#timer === undefined) this.#arm(this.#head.at);
  }
}

/** The deadline lists of a process, by timeout length. */
const lists = new Map<number, DeadlineList>();

/** Calls `onExpire(arg)` `timeoutMs` after `now` (default: now) unless cancelled first. */
export function addDeadline<T>(
  timeoutMs: number,
  onExpire: (arg: T) => void,
  arg: T,
  now: number = performance.now(),
): Deadline {
  let list = lists.get(timeoutMs);
  if (list === undefined) {
    list = new DeadlineList(timeoutMs);
    lists.set(timeoutMs, list);
  }
  return list.add(onExpire, arg, now);
}
