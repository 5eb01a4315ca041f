import type { ThresholdResult } from './summary.ts';

export interface RunOutcome {
  passed: boolean;
  exitCode: number;
}

/**
 * Whether the run passed, and the process exit code:
 * - 1 when any threshold failed;
 * - else `exitCodeOnError` when requests failed and no fail_ratio threshold (scoped or not) is set:
 *   setting one says how many failures are acceptable, so it takes over from this rule;
 * - else 0.
 */
export function decideOutcome(
  thresholds: readonly ThresholdResult[],
  failedRequests: number,
  exitCodeOnError: number,
): RunOutcome {
  if (thresholds.some((threshold) => !threshold.passed)) return { passed: false, exitCode: 1 };
  const failuresBudgeted = thresholds.some((threshold) => threshold.metric === 'fail_ratio');
  if (failedRequests > 0 && !failuresBudgeted) return { passed: false, exitCode: exitCodeOnError };
  return { passed: true, exitCode: 0 };
}
