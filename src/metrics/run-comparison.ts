/**
 * `volley compare`: two run summaries side by side, endpoint by endpoint, each change with the test that
 * says whether it is more than noise, and the regressions a `--max-regression` gate finds.
 */
import { compareText } from './compare-text.ts';
import {
  meanTest,
  proportionTest,
  quantileTest,
  type RankSumResult,
  rankSumTest,
} from './distribution-tests.ts';
import { binQuantile, decodeBins, type HistogramBins } from './histogram-bins.ts';
import { round3 } from './latency.ts';
import type { LimitMetric, RegressionLimit } from './regression-limits.ts';
import type { EndpointSummary, RunSummary } from './summary.ts';

/** Cliff's δ below this is negligible (Romano et al.): the runs are called the same however small p is. */
export const NEGLIGIBLE_DELTA = 0.147;
/**
 * A latency change smaller than this (relative) is not marked, nor a median this close a verdict: δ measures
 * overlap, not size, and two runs of a steady 20 ms target overlap little yet differ by a few hundred µs.
 */
export const MIN_EFFECT = 0.05;
export const DEFAULT_ALPHA = 0.01;

export interface MetricChange {
  /** "req/s", "p50", "p95", "p99", "max", "fail_ratio", "avg", … */
  label: string;
  /** "ms", "/s" or "ratio" (0..1). */
  unit: 'ms' | '/s' | 'ratio';
  base: number;
  next: number;
  /** (next − base) ÷ base; null when base is 0. */
  relative: number | null;
  /** The test's p-value; null when no test applies (max, req/s) or a run has no histograms. */
  p: number | null;
  /** Higher is worse (latency, failures) or lower is (req/s). */
  worse: 'higher' | 'lower';
  /**
   * Changed beyond noise (p < alpha) by at least MIN_EFFECT, worse or better; null: untested, unchanged or
   * too little to mark. The gate does not use it: its limit is its own minimum.
   */
  significant: 'worse' | 'better' | null;
}

/** slower/faster/same: the rank-sum test with a non-negligible effect; untested: a run lacks histograms. */
export type Verdict = 'slower' | 'faster' | 'same' | 'untested' | 'only-base' | 'only-new';

export interface EndpointComparison {
  method: string;
  name: string;
  base: EndpointSummary | null;
  next: EndpointSummary | null;
  metrics: MetricChange[];
  distribution: RankSumResult | null;
  verdict: Verdict;
}

export interface Regression {
  /** "GET /items/:id" or "Aggregated". */
  endpoint: string;
  limit: RegressionLimit;
  change: MetricChange;
}

export interface RunComparison {
  alpha: number;
  /** Both runs carry latency histograms, so latency and failure changes were tested. */
  tested: boolean;
  endpoints: EndpointComparison[];
  aggregated: EndpointComparison;
  regressions: Regression[];
  limits: RegressionLimit[];
}

/** The rows every comparison shows, besides any metric a limit adds. */
const SHOWN: readonly LimitMetric[] = [
  { kind: 'rps' },
  { kind: 'percentile', percentile: 50 },
  { kind: 'percentile', percentile: 95 },
  { kind: 'percentile', percentile: 99 },
  { kind: 'max' },
  { kind: 'fail_ratio' },
];

export function compareRuns(
  base: RunSummary,
  next: RunSummary,
  limits: readonly RegressionLimit[] = [],
  alpha = DEFAULT_ALPHA,
): RunComparison {
  const tested = base.histograms !== undefined && next.histograms !== undefined;
  const metrics = shownMetrics(limits);
  const key = (e: { method: string; name: string }) => `${e.method} ${e.name}`;
  const baseByKey = new Map(base.endpoints.map((e) => [key(e), e]));
  const nextByKey = new Map(next.endpoints.map((e) => [key(e), e]));
  const histogramOf = (summary: RunSummary, e: { method: string; name: string }): string | undefined =>
    summary.histograms?.endpoints.find((h) => h.method === e.method && h.name === e.name)?.histogram;
  const keys = [...new Set([...baseByKey.keys(), ...nextByKey.keys()])];
  const endpoints = keys
    .map((k) => {
      const b = baseByKey.get(k) ?? null;
      const n = nextByKey.get(k) ?? null;
      const e = (b ?? n) as EndpointSummary;
      return compareEndpoint(e.method, e.name, b, n, {
        baseHistogram: b && tested ? histogramOf(base, b) : undefined,
        nextHistogram: n && tested ? histogramOf(next, n) : undefined,
        metrics,
        alpha,
      });
    })
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.method, b.method));
  const aggregated = compareEndpoint('', base.aggregated.name, base.aggregated, next.aggregated, {
    baseHistogram: base.histograms?.aggregated,
    nextHistogram: next.histograms?.aggregated,
    metrics,
    alpha,
  });
  const regressions: Regression[] = [];
  for (const row of [...endpoints, aggregated]) {
    if (row.base === null || row.next === null) continue;
    for (const limit of limits) {
      const change = row.metrics.find((m) => m.label === limit.label);
      if (change && isRegression(change, limit, alpha)) {
        regressions.push({ endpoint: row.method ? `${row.method} ${row.name}` : row.name, limit, change });
      }
    }
  }
  return { alpha, tested, endpoints, aggregated, regressions, limits: [...limits] };
}

/** Worse beyond the limit, and beyond noise where a test applies. */
function isRegression(change: MetricChange, limit: RegressionLimit, alpha: number): boolean {
  const worseBy = change.worse === 'higher' ? change.next - change.base : change.base - change.next;
  if (!(worseBy > 0)) return false;
  if (change.p !== null && !(change.p < alpha)) return false;
  if (limit.unit === 'ms' || limit.unit === 'pp') return worseBy > limit.amount;
  return change.base === 0 || worseBy / change.base > limit.amount;
}

function shownMetrics(limits: readonly RegressionLimit[]): LimitMetric[] {
  const metrics = [...SHOWN];
  for (const { metric } of limits) {
    if (!metrics.some((m) => labelOf(m) === labelOf(metric))) metrics.splice(metrics.length - 2, 0, metric);
  }
  return metrics;
}

function labelOf(metric: LimitMetric): string {
  return metric.kind === 'percentile' ? `p${metric.percentile}` : metric.kind;
}

interface RowContext {
  baseHistogram: string | undefined;
  nextHistogram: string | undefined;
  metrics: readonly LimitMetric[];
  alpha: number;
}

function compareEndpoint(
  method: string,
  name: string,
  base: EndpointSummary | null,
  next: EndpointSummary | null,
  context: RowContext,
): EndpointComparison {
  if (base === null || next === null) {
    return {
      method,
      name,
      base,
      next,
      metrics: [],
      distribution: null,
      verdict: base ? 'only-base' : 'only-new',
    };
  }
  const baseBins = context.baseHistogram ? decodeBins(context.baseHistogram) : null;
  const nextBins = context.nextHistogram ? decodeBins(context.nextHistogram) : null;
  const bins = baseBins && nextBins ? { base: baseBins, next: nextBins } : null;
  const metrics = context.metrics.map((metric) => measure(metric, base, next, bins, context.alpha));
  const distribution = bins ? rankSumTest(bins.base, bins.next) : null;
  const medianShift = base.medianMs > 0 ? (next.medianMs - base.medianMs) / base.medianMs : 0;
  return {
    method,
    name,
    base,
    next,
    metrics,
    distribution,
    verdict: verdictOf(distribution, medianShift, context.alpha),
  };
}

/** Slower or faster: significant, not a negligible overlap, and the median moved at least MIN_EFFECT that way. */
function verdictOf(distribution: RankSumResult | null, medianShift: number, alpha: number): Verdict {
  if (distribution === null) return 'untested';
  const { p, delta } = distribution;
  if (!(p < alpha) || Math.abs(delta) < NEGLIGIBLE_DELTA) return 'same';
  if (Math.sign(medianShift) !== Math.sign(delta) || Math.abs(medianShift) < MIN_EFFECT) return 'same';
  return delta > 0 ? 'slower' : 'faster';
}

type Bins = { base: HistogramBins; next: HistogramBins } | null;

function measure(
  metric: LimitMetric,
  base: EndpointSummary,
  next: EndpointSummary,
  bins: Bins,
  alpha: number,
): MetricChange {
  const change = (
    label: string,
    unit: MetricChange['unit'],
    values: [number, number],
    p: number | null,
    worse: MetricChange['worse'] = 'higher',
  ): MetricChange => {
    const [b, n] = values;
    const relative = b === 0 ? null : (n - b) / b;
    let significant: MetricChange['significant'] = null;
    const large = unit === 'ratio' || relative === null || Math.abs(relative) >= MIN_EFFECT;
    if (p !== null && p < alpha && n !== b && large) {
      significant = n > b === (worse === 'higher') ? 'worse' : 'better';
    }
    return { label, unit, base: b, next: n, relative, p, worse, significant };
  };
  switch (metric.kind) {
    case 'rps':
      return change('rps', '/s', [base.rps, next.rps], null, 'lower');
    case 'max':
      return change('max', 'ms', [base.maxMs, next.maxMs], null);
    case 'avg':
      return change('avg', 'ms', [base.avgMs, next.avgMs], bins ? meanTest(bins.base, bins.next).p : null);
    case 'fail_ratio':
      return change(
        'fail_ratio',
        'ratio',
        [ratio(base), ratio(next)],
        bins ? proportionTest(base.failures, base.requests, next.failures, next.requests).p : null,
      );
    case 'percentile': {
      const fraction = metric.percentile / 100;
      const values: [number, number] = [
        percentileOf(base, metric.percentile, bins?.base),
        percentileOf(next, metric.percentile, bins?.next),
      ];
      const p = bins ? quantileTest(bins.base, bins.next, fraction).p : null;
      return change(`p${metric.percentile}`, 'ms', values, p);
    }
  }
}

function ratio(e: EndpointSummary): number {
  return e.requests === 0 ? 0 : e.failures / e.requests;
}

/** A reported percentile as in the summary; another one read from the histogram (NaN without). */
function percentileOf(e: EndpointSummary, percentile: number, bins: HistogramBins | undefined): number {
  const reported = e.percentiles[String(percentile)];
  if (reported !== undefined) return reported;
  if (bins === undefined || bins.total === 0) return bins ? 0 : Number.NaN;
  return round3(Math.min(Math.max(binQuantile(bins, percentile / 100) / 1000, e.minMs), e.maxMs));
}
