/**
 * Surviving mutants that no test can kill because the mutated code behaves the same (or differs only in
 * speed or in memory freed later), each with the reason. `npm run mutate` reports each file's score with
 * and without them; docs/testing.md lists them. Keyed by file, line, mutator and replacement as Stryker
 * reports them: an entry whose line moved is reported as stale.
 */
export interface EquivalentMutant {
  file: string;
  line: number;
  mutator: string;
  replacement: string;
  reason: string;
}

export const equivalentMutants: EquivalentMutant[] = [];
