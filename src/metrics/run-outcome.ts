import type { ThresholdResult } from './summary.ts';

/** The exit code of a run a `:abort` threshold stopped early (k6's abortOnFail). */
export const THRESHOLD_ABORT_EXIT_CODE = 4;

export interface RunOutcome {
  passed: boolean;
  exitCode: number;
}

/**
 * Whether the run passed, and the process exit code:
 * - 1 when any threshold failed, or no request was sent (nothing was measured: never a pass);
 * - else `exitCodeOnError` when requests failed and no fail_ratio threshold (scoped or not) is set:
 *   setting one says how many failures are acceptable, so it takes over from this rule;
 * - else 0.
 */
export function decideOutcome(
  thresholds: readonly ThresholdResult[],
  requests: { sent: number; failed: number },
  exitCodeOnError: number,
): RunOutcome {
  if (thresholds.some((threshold) => !threshold.passed)) return { passed: false, exitCode: 1 };
  if (requests.sent === 0) return { passed: false, exitCode: 1 };
  const failedRequests = requests.failed;
  const failuresBudgeted = thresholds.some((threshold) => threshold.metric === 'fail_ratio');
  if (failedRequests > 0 && !failuresBudgeted) return { passed: false, exitCode: exitCodeOnError };
  return { passed: true, exitCode: 0 };
}
