/**
 * Values that never repeat within a run, so write-heavy tests do not collide on unique constraints.
 * Built from a run token (derived from --seed when given, so runs reproduce) and a counter.
 */
let token = Math.floor(Math.random() * 36 ** 6)
  .toString(36)
  .padStart(6, '0');
let counter = 0;

/** Called by the engine at run start; `partition` keeps worker processes apart. */
export function resetUniqueValues(seed: number | null, partition = 0): void {
  const base = seed === null ? Math.floor(Math.random() * 36 ** 6) : (seed * 2654435761) % 36 ** 6;
  token = `${Math.abs(base).toString(36).padStart(6, '0')}${partition ? `p${partition}` : ''}`;
  counter = 0;
}

export const unique = {
  /** `a1b2c3-17`: unique in the run. */
  id(): string {
    counter += 1;
    return `${token}-${counter}`;
  },
  /** `user-a1b2c3-17@example.test` (the .test domain never resolves). */
  email(prefix = 'user', domain = 'example.test'): string {
    counter += 1;
    return `${prefix}-${token}-${counter}@${domain}`;
  },
  /** `name-a1b2c3-17`. */
  name(prefix = 'name'): string {
    counter += 1;
    return `${prefix}-${token}-${counter}`;
  },
  /** A positive integer, increasing. */
  int(): number {
    counter += 1;
    return counter;
  },
};
