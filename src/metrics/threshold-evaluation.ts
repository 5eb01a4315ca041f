import type { CheckTotals } from './check-table.ts';
import { perSecond } from './endpoint-summary.ts';
import type { LatencyDistribution } from './latency.ts';
import { percentileMs, round3 } from './latency.ts';
import type { ThresholdResult } from './summary.ts';
import type { Threshold, ThresholdOp } from './thresholds.ts';

/** What a threshold is checked against: an endpoint, the aggregated row, or endpoints merged. */
export interface ThresholdSubject extends LatencyDistribution {
  readonly failures: number;
  avgMs(): number;
}

/**
 * Checks each threshold against the subject its scope resolves to (null scope: the aggregated row).
 * `subjectFor` returns null when the scope matches no endpoint: actual null, failed.
 * Time metrics and fail_ratio cannot be measured without requests (actual null, failed); counts and
 * rates can (0). Measured values are rounded as reported (ms and rates to 3 decimals; fail_ratio exact).
 * `checks` is the pass ratio of the named checks `checksFor` sums for the scope (exact); null without any.
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  subjectFor: (scope: string | null) => ThresholdSubject | null,
  elapsedSec: number,
  checksFor: (scope: string | null) => CheckTotals | null = () => null,
): ThresholdResult[] {
  return thresholds.map((threshold) => {
    let actual: number | null;
    if (threshold.metric === 'checks') {
      actual = passRatio(checksFor(threshold.scope));
    } else {
      const subject = subjectFor(threshold.scope);
      actual = subject === null ? null : measure(threshold, subject, elapsedSec);
    }
    return {
      expression: threshold.expression,
      scope: threshold.scope,
      metric: threshold.metric,
      op: threshold.op,
      target: threshold.target,
      actual,
      passed: actual !== null && compare(actual, threshold.op, threshold.target),
    };
  });
}

function measure(threshold: Threshold, subject: ThresholdSubject, elapsedSec: number): number | null {
  switch (threshold.metric) {
    case 'requests':
      return subject.requests;
    case 'failures':
      return subject.failures;
    case 'rps':
      return perSecond(subject.requests, elapsedSec);
    case 'failures_per_sec':
      return perSecond(subject.failures, elapsedSec);
  }
  if (subject.requests === 0) return null;
  if (threshold.metric === 'fail_ratio') return subject.failures / subject.requests;
  if (threshold.percentile !== null) return round3(percentileMs(subject, threshold.percentile));
  return round3(subject.avgMs());
}

function passRatio(totals: CheckTotals | null): number | null {
  if (totals === null) return null;
  const count = totals.passes + totals.fails;
  return count === 0 ? null : totals.passes / count;
}

function compare(actual: number, op: ThresholdOp, target: number): boolean {
  switch (op) {
    case '<':
      return actual < target;
    case '<=':
      return actual <= target;
    case '>':
      return actual > target;
    case '>=':
      return actual >= target;
    case '==':
      return actual === target;
    case '!=':
      return actual !== target;
  }
}
