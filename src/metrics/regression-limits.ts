/**
 * `--max-regression 'p95=10%,fail_ratio=0.5pp'`: how much worse NEW may be than BASE before `volley
 * compare` exits 1. A limit applies to every endpoint both runs have and to the aggregated row.
 */
import { VolleyError } from '../errors.ts';

/** A `--max-regression` the user wrote wrong. */
export class RegressionLimitError extends VolleyError {
  override readonly name = 'RegressionLimitError';
  override readonly code: string = 'VOLLEY_REGRESSION_LIMIT';
}

/** What a limit measures: a latency percentile (0..100), the mean, the max, the failure ratio or the rate. */
export type LimitMetric =
  | { kind: 'percentile'; percentile: number }
  | { kind: 'avg' }
  | { kind: 'max' }
  | { kind: 'fail_ratio' }
  | { kind: 'rps' };

export interface RegressionLimit {
  /** As written, e.g. "p95=10%". */
  expression: string;
  /** As reported: "p95", "avg", "max", "fail_ratio", "rps". */
  label: string;
  metric: LimitMetric;
  /**
   * "relative": NEW may be `amount` (a fraction) worse than BASE; "ms": `amount` ms slower;
   * "pp": a failure ratio `amount` (a fraction, 0.005 for 0.5pp) higher.
   */
  unit: 'relative' | 'ms' | 'pp';
  amount: number;
}

const FORMS = 'METRIC=LIMIT, e.g. "p95=10%", "p99=20ms", "avg=5%", "max=1s", "fail_ratio=0.5pp", "rps=10%"';
const LIMIT = /^\s*([a-z_][\w.()]*)\s*=\s*(\d+(?:\.\d+)?|\.\d+)\s*(%|pp|ms|s)\s*$/i;

/** Parses a comma-separated list of limits (several flags' lists may be joined). */
export function parseRegressionLimits(text: string): RegressionLimit[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseLimit);
}

function parseLimit(expression: string): RegressionLimit {
  const match = LIMIT.exec(expression);
  if (!match) throw new RegressionLimitError(`--max-regression "${expression}": expected ${FORMS}`);
  const [, rawMetric = '', rawAmount = '', rawUnit = ''] = match;
  const metric = parseMetric(rawMetric.toLowerCase(), expression);
  const amount = Number(rawAmount);
  const unit = rawUnit.toLowerCase();
  const label = labelOf(metric);
  const isTime = metric.kind === 'percentile' || metric.kind === 'avg' || metric.kind === 'max';
  if (unit === '%') return { expression, label, metric, unit: 'relative', amount: amount / 100 };
  if ((unit === 'ms' || unit === 's') && isTime) {
    return { expression, label, metric, unit: 'ms', amount: unit === 's' ? amount * 1000 : amount };
  }
  if (unit === 'pp' && metric.kind === 'fail_ratio')
    return { expression, label, metric, unit: 'pp', amount: amount / 100 };
  const allowed = isTime ? '% or ms/s' : metric.kind === 'fail_ratio' ? '% or pp (percentage points)' : '%';
  throw new RegressionLimitError(`--max-regression "${expression}": ${label} takes ${allowed}`);
}

function parseMetric(name: string, expression: string): LimitMetric {
  if (name === 'avg' || name === 'max' || name === 'fail_ratio' || name === 'rps') return { kind: name };
  if (name === 'med') return { kind: 'percentile', percentile: 50 };
  const percentile = /^p(?:(\d+(?:\.\d+)?)|\((\d+(?:\.\d+)?)\))$/.exec(name);
  const value = Number(percentile?.[1] ?? percentile?.[2]);
  if (percentile && value > 0 && value < 100) return { kind: 'percentile', percentile: value };
  throw new RegressionLimitError(
    `--max-regression "${expression}": unknown metric "${name}"; use p1..p99.99, med, avg, max, fail_ratio or rps`,
  );
}

function labelOf(metric: LimitMetric): string {
  return metric.kind === 'percentile' ? `p${metric.percentile}` : metric.kind;
}
