/**
 * Surviving mutants that no test can kill because the mutated code behaves the same (or differs only in
 * speed or in memory freed later), each with the reason. `npm run mutate` reports each file's score with
 * and without them; docs/testing.md lists them. Keyed by file, line, column, mutator and replacement as Stryker
 * reports them: an entry whose code moved is reported as stale.
 */
export interface EquivalentMutant {
  file: string;
  line: number;
  column: number;
  mutator: string;
  replacement: string;
  reason: string;
}

export const equivalentMutants: EquivalentMutant[] = [
  {
    file: 'src/trace/call-matcher.ts',
    line: 52,
    column: 24,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason:
      'a string, number or boolean has no sql/text/url/path property either, so primaryText returns null all the same',
  },
  {
    file: 'src/trace/call-matcher.ts',
    line: 68,
    column: 12,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason: 'equal texts have similarity 1 anyway: the comparison is a shortcut',
  },
];
