/**
 * The significance tests `volley compare` runs on two runs' latency histograms and failure counts, so
 * that run-to-run noise is not called a regression. All are large-sample (normal approximation) tests
 * on whole histograms: a run has hundreds of requests or more, and below ~20 the tests say nothing.
 * Choice and caveats: docs/traffic.md ("How compare decides").
 */
import { alignBins, binQuantile, type HistogramBins } from './histogram-bins.ts';

export interface TestResult {
  /** Two-sided p-value: the chance of a difference at least this large between runs of one target. */
  p: number;
}

/** Mann–Whitney U (Wilcoxon rank-sum) with ties (whole bins) at mid-ranks. */
export interface RankSumResult extends TestResult {
  /**
   * Cliff's δ: P(new > base) − P(new < base) for a request of each run, −1..1. Positive: NEW is slower.
   * |δ| < 0.147 is conventionally negligible, < 0.33 small, < 0.474 medium, beyond large.
   */
  delta: number;
}

/** Whole distributions: is a NEW request slower than a BASE one more often than not? */
export function rankSumTest(base: HistogramBins, next: HistogramBins): RankSumResult {
  const n1 = base.total;
  const n2 = next.total;
  if (n1 === 0 || n2 === 0) return { p: 1, delta: 0 };
  const { countsA, countsB } = alignBins(base, next);
  const n = n1 + n2;
  let below = 0;
  let rankSumNext = 0;
  let ties = 0;
  for (let i = 0; i < countsA.length; i++) {
    const a = countsA[i] as number;
    const b = countsB[i] as number;
    const t = a + b;
    rankSumNext += b * (below + (t + 1) / 2);
    ties += t ** 3 - t;
    below += t;
  }
  const u = rankSumNext - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  const delta = (2 * u) / (n1 * n2) - 1;
  if (!(variance > 0)) return { p: 1, delta };
  // Continuity correction: U moves in steps of ½.
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { p: twoSided(z), delta };
}

/**
 * One percentile: Mood's median test generalised to any quantile. Requests above the pooled runs'
 * `fraction` quantile should be equally common in both runs; a two-proportion z-test says how unlikely
 * the counts are if they are. Distribution-free, and it looks at the percentile a gate names (a tail
 * that grows while the median stays put shows here, not in the rank-sum test).
 */
export function quantileTest(base: HistogramBins, next: HistogramBins, fraction: number): TestResult {
  if (base.total === 0 || next.total === 0) return { p: 1 };
  const { values, countsA, countsB } = alignBins(base, next);
  const pooled = binQuantile(
    {
      values,
      counts: countsA.map((a, i) => a + (countsB[i] as number)),
      total: base.total + next.total,
      mean: 0,
      stdDev: 0,
    },
    fraction,
  );
  let aboveBase = 0;
  let aboveNext = 0;
  for (let i = values.length - 1; i >= 0 && (values[i] as number) > pooled; i--) {
    aboveBase += countsA[i] as number;
    aboveNext += countsB[i] as number;
  }
  return proportionTest(aboveBase, base.total, aboveNext, next.total);
}

/** Two proportions (k1 of n1 against k2 of n2), pooled two-proportion z-test. */
export function proportionTest(k1: number, n1: number, k2: number, n2: number): TestResult {
  if (n1 === 0 || n2 === 0) return { p: 1 };
  const pooled = (k1 + k2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { p: 1 };
  return { p: twoSided(Math.abs(k2 / n2 - k1 / n1) / Math.sqrt(variance)) };
}

/** Two means from their histograms: Welch's test (normal approximation). */
export function meanTest(base: HistogramBins, next: HistogramBins): TestResult {
  if (base.total < 2 || next.total < 2) return { p: 1 };
  const variance = base.stdDev ** 2 / base.total + next.stdDev ** 2 / next.total;
  if (!(variance > 0)) return { p: base.mean === next.mean ? 1 : 0 };
  return { p: twoSided(Math.abs(next.mean - base.mean) / Math.sqrt(variance)) };
}

/** P(|Z| ≥ z) for a standard normal Z. */
function twoSided(z: number): number {
  return Math.min(1, erfc(z / Math.SQRT2));
}

/** Complementary error function (Numerical Recipes' erfcc: relative error below 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
