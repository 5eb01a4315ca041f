import type { ThresholdResult } from '../../metrics/summary.ts';
import { formatDecimal, formatMsForConsole } from './number-format.ts';
import { padRight, textWidth } from './text-cells.ts';

const PASSED = '✓';
const FAILED = '✗';

/**
 * One line per threshold: mark, the expression as written, the measured value and the target, e.g.
 *   ✓ GET /students: p95<500   actual 187 ms        target < 500 ms
 * Empty when no threshold was set.
 */
export function thresholdReport(thresholds: readonly ThresholdResult[]): string[] {
  if (thresholds.length === 0) return [];
  const failed = thresholds.filter((t) => !t.passed).length;
  const expressionWidth = Math.max(...thresholds.map((t) => textWidth(t.expression)));
  const actuals = thresholds.map(
    (t) => `actual ${t.actual === null ? 'no data' : formatMetric(t.metric, t.actual)}`,
  );
  const actualWidth = Math.max(...actuals.map((a) => a.length));
  const lines = thresholds.map(
    (t, i) =>
      `${t.passed ? PASSED : FAILED} ${padRight(t.expression, expressionWidth)}   ` +
      `${padRight(actuals[i] ?? '', actualWidth)}   target ${t.op} ${formatMetric(t.metric, t.target)}`,
  );
  const verdict = failed === 0 ? 'all passed' : `${failed} of ${thresholds.length} failed`;
  return [`Thresholds (${verdict})`, ...lines];
}

/** A threshold value in the metric's unit: times in ms, rates per second, counts as integers. */
function formatMetric(metric: string, value: number): string {
  if (/^(p[\d.]+|avg|min|max|med)$/.test(metric)) return `${formatMsForConsole(value)} ms`;
  if (metric === 'rps') return `${formatDecimal(value, 2)} req/s`;
  if (metric === 'requests' || metric === 'failures') return String(Math.round(value));
  return formatDecimal(value, 4);
}
