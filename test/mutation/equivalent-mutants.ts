/**
 * Surviving mutants that no test can kill because the mutated code behaves the same (or differs only in
 * speed or in memory freed later), each with the reason. `npm run mutate` reports each file's score with
 * and without them; docs/testing.md lists them. Keyed by file, line, column, mutator and replacement as Stryker
 * reports them (one entry covers identical mutants at the same place): an entry whose code moved is
 * reported as stale.
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
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 37,
    column: 9,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason:
      'on the last segment (the only infinite one) from and to rates are equal, so the ramp formula gives the same rate (0 × u / ∞ = 0); no segment has zero length',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 37,
    column: 9,
    mutator: 'LogicalOperator',
    replacement: 's.durationSec === Number.POSITIVE_INFINITY && s.durationSec === 0',
    reason: "as above: the formula gives the last segment's rate, and no segment has zero length",
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 37,
    column: 55,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason:
      'plan() never makes a zero-length segment (zero-length ramps are jumps; a cut segment started before the cut)',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 45,
    column: 9,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason: "the infinite segment's slope is 0 / ∞ = 0: the ramp formula gives the same count",
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 55,
    column: 25,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason:
      'need ≤ 0 with a count above 0 cannot happen: the first segment starts at 0 arrivals, and a later one is reached only when the count lies beyond the earlier ones',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 58,
    column: 11,
    mutator: 'ConditionalExpression',
    replacement: 'true',
    reason:
      "the infinite segment's arrivalsBy(∞) is ∞ (or NaN at rate 0), never below the count, so it never continues either way",
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 58,
    column: 57,
    mutator: 'EqualityOperator',
    replacement: 'this.arrivalsBy(end) <= count',
    reason:
      'at equality the next segment starts exactly when the count is reached and returns that same time',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 59,
    column: 11,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason: "the infinite segment's rates are equal, so the second operand holds for it anyway",
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 60,
    column: 16,
    mutator: 'ConditionalExpression',
    replacement: 'true',
    reason: 'at rate 0 the division gives start + need / 0 = ∞, the same as the explicit Infinity',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 60,
    column: 16,
    mutator: 'EqualityOperator',
    replacement: 's.fromRate >= 0',
    reason: 'as above: need / 0 is ∞',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 73,
    column: 47,
    mutator: 'EqualityOperator',
    replacement: 's.startSec <= atSec',
    reason:
      'keeping a segment that starts exactly at the re-plan time cuts it to zero length; the new segment with the same start wins every lookup',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 84,
    column: 11,
    mutator: 'ConditionalExpression',
    replacement: 'true',
    reason:
      'a zero-length ramp segment is never looked up (a later segment with the same start wins) and adds no arrivals',
  },
  {
    file: 'src/engine/arrival-schedule.ts',
    line: 84,
    column: 11,
    mutator: 'EqualityOperator',
    replacement: 'ramp.durationSec >= 0',
    reason: 'as above',
  },
  {
    file: 'src/cluster/partition.ts',
    line: 101,
    column: 24,
    mutator: 'LogicalOperator',
    replacement: 'rate || rate > 0',
    reason: 'rates are never negative (validated when the plan is resolved), so a truthy rate is above 0',
  },
  {
    file: 'src/cluster/partition.ts',
    line: 101,
    column: 32,
    mutator: 'ConditionalExpression',
    replacement: 'true',
    reason: 'as above: rate > 0 is implied by a truthy rate',
  },
  {
    file: 'src/cluster/partition.ts',
    line: 101,
    column: 32,
    mutator: 'EqualityOperator',
    replacement: 'rate >= 0',
    reason: 'as above',
  },
  {
    file: 'src/engine/user-sink.ts',
    line: 42,
    column: 19,
    mutator: 'BooleanLiteral',
    replacement: 'true',
    reason:
      'before any arrival the intended time is NaN: the correction compares NaN and keeps the measured latency',
  },
  {
    file: 'src/engine/user-sink.ts',
    line: 69,
    column: 11,
    mutator: 'EqualityOperator',
    replacement: 'fromSchedule >= ms',
    reason: 'at equality the corrected and measured latencies are the same number',
  },
  {
    file: 'src/report/reporters/csv-reporter.ts',
    line: 75,
    column: 21,
    mutator: 'BlockStatement',
    replacement: '{}',
    reason:
      'the append that follows fails on the missing handle and is reported as the same ReportWriteError naming the history file',
  },
  {
    file: 'src/report/reporters/csv-reporter.ts',
    line: 76,
    column: 7,
    mutator: 'CallExpression',
    replacement: ';',
    reason: 'as above',
  },
  {
    file: 'src/report/render/checks-csv.ts',
    line: 47,
    column: 7,
    mutator: 'ConditionalExpression',
    replacement: 'false',
    reason: '0 / 0 is NaN, which formatDecimal prints as N/A too',
  },
];
