/**
 * Pass/fail criteria, k6-style: `[SCOPE:] METRIC OP NUMBER`, e.g. `p95<500`, `GET /students: p99<1.5s`,
 * `/students: fail_ratio<0.01`, `checks>0.99` (the pass ratio of named checks).
 *
 * SCOPE is "METHOD name" (one endpoint) or a bare name (every method with that name, their histograms
 * and counts merged exactly, as if one endpoint); without a scope the aggregated row is checked. Names
 * may contain ':': the scope ends at the last ':' followed by a valid metric expression.
 *
 * A `:abort` suffix (k6's abortOnFail) also judges the threshold once a second during the run and stops
 * the run as soon as it fails, e.g. `fail_ratio<0.5:abort`.
 */

import { VolleyError } from '../errors.ts';
import type { ThresholdResult } from './summary.ts';

export type ThresholdOp = ThresholdResult['op'];

export interface Threshold {
  /** As written, outer whitespace trimmed. */
  readonly expression: string;
  /** "METHOD name" or "name"; null for the aggregated row. */
  readonly scope: string | null;
  /** Normalised: "p95", "p99.9" (also for `p(99.9)`), "med", "avg", "min", "max", "fail_ratio", "checks", … */
  readonly metric: string;
  /** The percentile read from the histogram: pN → N, med → 50, min → 0, max → 100; else null. */
  readonly percentile: number | null;
  readonly op: ThresholdOp;
  /** Milliseconds for time metrics (a `s` suffix is converted), else the plain number. */
  readonly target: number;
  /** `:abort`: judged during the run, which stops as soon as it fails. */
  readonly abort: boolean;
}

const ABORT_SUFFIX = /\s*:\s*abort\s*$/i;

/** A threshold expression the user wrote wrong; the message says what and shows valid forms. */
export class ThresholdSyntaxError extends VolleyError {
  override readonly name = 'ThresholdSyntaxError';
  override readonly code: string = 'VOLLEY_THRESHOLD_SYNTAX';
  readonly expression: string;

  constructor(expression: string, problem: string) {
    super(`invalid threshold "${expression}": ${problem}`);
    this.expression = expression;
  }
}

const EXPECTED_FORM = 'expected METRIC OP NUMBER, like "p95<500" or "GET /students: p99<800"';
const VALID_METRICS =
  'p0..p100 (e.g. p95, p99.9, p(99.9)), med, avg, min, max, fail_ratio, checks, failures, requests, rps, failures_per_sec';

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
/** METRIC OP NUMBER [UNIT]; the metric is checked separately to give a precise message. */
const EXPRESSION = new RegExp(
  String.raw`^\s*(p\([^)]*\)|[a-z_][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(${NUMBER})\s*(ms|s)?\s*$`,
  'i',
);
const PERCENTILE = /^p(?:(\d+(?:\.\d+)?)|\(\s*(\d+(?:\.\d+)?)\s*\))$/i;

/** Time metrics that are not percentiles: the rest read the histogram through `percentile`. */
const NAMED_TIME_METRICS: ReadonlyMap<string, number | null> = new Map([
  ['med', 50],
  ['min', 0],
  ['max', 100],
  ['avg', null],
]);
/** Counts and rates, each with an example for error messages. */
const PLAIN_METRICS: ReadonlyMap<string, string> = new Map([
  ['fail_ratio', 'fail_ratio<0.01'],
  ['checks', 'checks>0.99'],
  ['failures', 'failures<10'],
  ['requests', 'requests>1000'],
  ['rps', 'rps>100'],
  ['failures_per_sec', 'failures_per_sec<1'],
]);

interface Metric {
  metric: string;
  percentile: number | null;
  isTime: boolean;
}

/** Parses one expression; throws ThresholdSyntaxError. */
export function parseThreshold(input: string): Threshold {
  const expression = input.trim();
  const abort = ABORT_SUFFIX.test(expression);
  let problem: string | null = null;
  for (const { scope, rest } of scopeSplits(expression.replace(ABORT_SUFFIX, ''))) {
    const match = EXPRESSION.exec(rest);
    if (match === null) continue;
    const [, token = '', op = '', number = '', unit] = match;
    const metric = resolveMetric(token);
    if (typeof metric === 'string') {
      problem ??= metric;
      continue;
    }
    if (unit !== undefined && !metric.isTime) {
      problem ??= `${metric.metric} is a count or rate and takes no unit, like "${PLAIN_METRICS.get(metric.metric)}"`;
      continue;
    }
    if (scope === '') {
      problem ??= 'nothing before the \':\'; write "METHOD name: p95<500" or "name: p95<500"';
      continue;
    }
    const value = Number(number);
    return {
      expression,
      scope,
      metric: metric.metric,
      percentile: metric.percentile,
      op: op as ThresholdOp,
      target: unit?.toLowerCase() === 's' ? value * 1000 : value,
      abort,
    };
  }
  throw new ThresholdSyntaxError(expression, problem ?? EXPECTED_FORM);
}

/** Where the scope may end: at each ':' from the last one, then nowhere (no scope). */
function* scopeSplits(expression: string): Generator<{ scope: string | null; rest: string }> {
  for (let colon = expression.lastIndexOf(':'); colon >= 0; colon = expression.lastIndexOf(':', colon - 1)) {
    yield { scope: expression.slice(0, colon).trim(), rest: expression.slice(colon + 1) };
    if (colon === 0) break;
  }
  yield { scope: null, rest: expression };
}

/** The metric, or what is wrong with the token. */
function resolveMetric(token: string): Metric | string {
  const name = token.toLowerCase();
  const named = NAMED_TIME_METRICS.get(name);
  if (named !== undefined) return { metric: name, percentile: named, isTime: true };
  if (PLAIN_METRICS.has(name)) return { metric: name, percentile: null, isTime: false };
  const percentileMatch = PERCENTILE.exec(token);
  if (percentileMatch === null) return `unknown metric "${token}"; valid metrics: ${VALID_METRICS}`;
  const percentile = Number(percentileMatch[1] ?? percentileMatch[2]);
  if (percentile > 100) return `percentile ${percentile} is above 100; use p0..p100, like "p99.9<800"`;
  return { metric: `p${percentile}`, percentile, isTime: true };
}
