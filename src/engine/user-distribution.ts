import type { UserClass } from '../script/user.ts';

/**
 * Which user class the next spawned user gets, exactly as Locust's UsersDispatcher does it: classes sorted
 * by name, fixed-count classes first until they have their count, then a smooth weighted round-robin over
 * the weights normalised so the smallest is 2 (weights A=5, B=1 give AAABAAAAABAA). Interleaving keeps the
 * ratio right at every moment of a ramp-up, not only at the end.
 */
export class UserDistribution<S> {
  readonly #fixed: { cls: UserClass<S>; remaining: number }[];
  readonly #weighted: { cls: UserClass<S>; weight: number; current: number }[];
  readonly #total: number;

  constructor(classes: readonly UserClass<S>[]) {
    const sorted = [...classes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#fixed = sorted
      .filter((c) => c.fixedCount !== null)
      .map((cls) => ({ cls, remaining: cls.fixedCount ?? 0 }));
    const weighted = sorted.filter((c) => c.fixedCount === null && c.weight > 0);
    const min = Math.min(...weighted.map((c) => c.weight));
    this.#weighted = weighted.map((cls) => ({ cls, weight: Math.round((2 * cls.weight) / min), current: 0 }));
    this.#total = this.#weighted.reduce((sum, w) => sum + w.weight, 0);
  }

  /** The class of the next user, or null when only fixed-count classes exist and all are full. */
  next(): UserClass<S> | null {
    for (const f of this.#fixed) {
      if (f.remaining > 0) {
        f.remaining -= 1;
        return f.cls;
      }
    }
    if (this.#weighted.length === 0) return null;
    // nginx's smooth weighted round-robin: ties go to the first (by name).
    let best = this.#weighted[0]!;
    for (const w of this.#weighted) {
      w.current += w.weight;
      if (w.current > best.current) best = w;
    }
    best.current -= this.#total;
    return best.cls;
  }
}
