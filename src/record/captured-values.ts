import type { CapturedKind, CapturedValue } from './har.ts';

/**
 * The time and randomness one virtual user's scenario code read, in order. Recording appends every value;
 * replaying hands back the recorded values kind by kind (a scenario that reads more than was recorded gets
 * live values, which are recorded too: its requests then diverge, and that is what gets reported).
 */
export class ValueTape {
  readonly values: CapturedValue[] = [];
  readonly #replay = new Map<CapturedKind, CapturedValue[]>();
  readonly #positions = new Map<CapturedKind, number>();

  constructor(recorded: readonly CapturedValue[] | null) {
    for (const value of recorded ?? []) {
      const list = this.#replay.get(value.k);
      if (list === undefined) this.#replay.set(value.k, [value]);
      else list.push(value);
    }
  }

  /** The next recorded value of this kind, or null when there is none left. */
  #next(kind: CapturedKind): CapturedValue | null {
    const list = this.#replay.get(kind);
    const at = this.#positions.get(kind) ?? 0;
    if (list === undefined || at >= list.length) return null;
    this.#positions.set(kind, at + 1);
    return list[at] ?? null;
  }

  number(kind: 'now' | 'date' | 'perf' | 'random', live: () => number): number {
    const recorded = this.#next(kind);
    const v = recorded !== null && typeof recorded.v === 'number' ? recorded.v : live();
    this.values.push({ k: kind, v });
    return v;
  }

  string(kind: 'uuid' | 'bytes', live: () => string): string {
    const recorded = this.#next(kind);
    const v = recorded !== null && typeof recorded.v === 'string' ? recorded.v : live();
    this.values.push({ k: kind, v });
    return v;
  }

  /** A value of `unique` (a string, or a number from unique.int()). */
  unique<T extends string | number>(live: () => T): T {
    const recorded = this.#next('unique');
    const value = recorded !== null ? (recorded.v as T) : live();
    this.values.push({ k: 'unique', v: value });
    return value;
  }
}
