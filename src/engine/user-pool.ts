import { createHttpClient } from '../http/client.ts';
import type { HttpTransport } from '../http/transport.ts';
import type { AnyUserClass } from '../script/user.ts';
import { createRandom, deriveSeed } from './rng.ts';
import type { RunPlan } from './run-plan.ts';
import type { TaskPicker } from './task-picker.ts';
import { type RunSinks, UserSink } from './user-sink.ts';
import { VirtualUserRunner, type VuContext } from './virtual-user.ts';

/** One running virtual user. */
export interface UserSlot {
  // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
  readonly vu: VirtualUserRunner<any>;
  readonly cls: AnyUserClass;
  readonly sink: UserSink;
  /** Open model: hands the user its next arrival (null: leave). Set while the user is idle. */
  wake: ((intendedMs: number | null) => void) | null;
  /** Open model: made to leave to free its place under the cap (already uncounted). */
  evicted?: boolean;
}

export interface UserPoolOptions {
  plan: RunPlan;
  transport: HttpTransport;
  sinks: RunSinks;
  ctx: VuContext;
  seed: number;
  // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
  pickers: ReadonlyMap<AnyUserClass, () => TaskPicker<any>>;
  /** Called each time a user's life has ended and it left the pool. */
  onUserGone: () => void;
}

/**
 * Every virtual user alive in a run, whichever load model started it: makes users (their HTTP client,
 * seed and sink), runs their lives inside the recorder's scope, and waits for them at the stop.
 */
export class UserPool {
  readonly #options: UserPoolOptions;
  readonly #running = new Set<UserSlot>();
  /** Every user's settled life, to wait for at the stop. */
  readonly #finishing = new Set<Promise<void>>();
  #peak = 0;
  #nextId = 1;

  constructor(options: UserPoolOptions) {
    this.#options = options;
  }

  /** Users alive now (retired ones still finishing their task included). */
  get size(): number {
    return this.#running.size;
  }

  get peak(): number {
    return this.#peak;
  }

  /** The user classes with tasks left after the tag selection. */
  classes(): AnyUserClass[] {
    return [...this.#options.pickers.keys()];
  }

  /** `givenId`: a worker of a multi-process run uses the run-wide id (so the seed) it was assigned. */
  create(cls: AnyUserClass, givenId?: number): UserSlot {
    const { plan, pickers, sinks, transport, ctx, seed } = this.#options;
    const picker = pickers.get(cls);
    if (!picker) throw new Error(`no tasks for user class ${cls.name}`);
    const id = givenId ?? this.#nextId;
    this.#nextId += 1;
    const sink = new UserSink(sinks);
    const http = createHttpClient({
      baseUrl: cls.host ?? plan.host,
      transport,
      sink,
      timeoutMs: plan.requestTimeoutMs,
      headers: { ...cls.headers },
    });
    const userHttp = plan.recorder ? plan.recorder.client(id, http) : http;
    const vu = new VirtualUserRunner(id, cls, picker(), userHttp, createRandom(deriveSeed(seed, id)), {
      ...ctx,
      sink,
    });
    const slot: UserSlot = { vu, cls, sink, wake: null };
    this.#running.add(slot);
    this.#peak = Math.max(this.#peak, this.#running.size);
    return slot;
  }

  /**
   * Runs a user's whole life (inside the recorder's scope when recording or replaying); `onEnd` runs when
   * it ends, then the user leaves the pool.
   */
  run(slot: UserSlot, life: () => Promise<void>, onEnd: () => void): void {
    const recorder = this.#options.plan.recorder;
    const lived = (recorder ? recorder.runUser(slot.vu.id, life) : life()).finally(onEnd);
    const done: Promise<void> = lived.finally(() => {
      this.#running.delete(slot);
      this.#finishing.delete(done);
      this.#options.onUserGone();
    });
    this.#finishing.add(done);
  }

  has(slot: UserSlot): boolean {
    return this.#running.has(slot);
  }

  /** Past the stop timeout: what the user still does is not counted, and it no longer counts as running. */
  abandon(slot: UserSlot): void {
    slot.sink.open = false;
    this.#running.delete(slot);
  }

  /** Running users per user-class name, for "current user ratio". */
  usersByClass(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const cls of this.#options.pickers.keys()) counts[cls.name] = 0;
    for (const slot of this.#running) counts[slot.cls.name] = (counts[slot.cls.name] ?? 0) + 1;
    return counts;
  }

  /** Waits for every user's life to end, at most `timeoutSec` (0: not at all). */
  async settle(timeoutSec: number): Promise<void> {
    if (this.#finishing.size === 0 || timeoutSec <= 0) return;
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#finishing]),
      new Promise((resolve) => {
        graceTimer = setTimeout(resolve, timeoutSec * 1000);
      }),
    ]);
    clearTimeout(graceTimer);
  }
}
