import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../../src/engine/rng.ts';
import {
  erfc,
  meanTest,
  proportionTest,
  quantileTest,
  rankSumTest,
} from '../../src/metrics/distribution-tests.ts';
import { createLatencyHistogram, encodeHistogramPortable } from '../../src/metrics/histogram.ts';
import { binQuantile, decodeBins, type HistogramBins } from '../../src/metrics/histogram-bins.ts';

/** Bins of `count` latencies (ms) drawn by `draw`, through a real encoded HDR histogram. */
function sample(count: number, draw: () => number): HistogramBins {
  const histogram = createLatencyHistogram();
  try {
    for (let i = 0; i < count; i++) histogram.recordValue(Math.round(draw() * 1000));
    return decodeBins(encodeHistogramPortable(histogram));
  } finally {
    histogram.destroy();
  }
}

/** Exponential-ish service times around `meanMs`, the shape real latencies have. */
function latencies(seed: number, meanMs: number): () => number {
  const random = createRandom(seed);
  return () => meanMs * (0.5 - 0.5 * Math.log(1 - random()));
}

test('erfc matches known values of the normal tail', () => {
  assert.ok(Math.abs(erfc(0) - 1) < 1e-6);
  assert.ok(Math.abs(erfc(1.959964 / Math.SQRT2) - 0.05) < 1e-6);
  assert.ok(Math.abs(erfc(2.575829 / Math.SQRT2) - 0.01) < 1e-6);
  assert.ok(Math.abs(erfc(-1) - 1.8427008) < 1e-6);
});

test('decoded bins keep every request, and their quantiles are the histogram’s', () => {
  const bins = sample(1000, latencies(1, 20));
  assert.equal(bins.total, 1000);
  assert.equal(
    bins.counts.reduce((a, b) => a + b, 0),
    1000,
  );
  const p50 = binQuantile(bins, 0.5) / 1000;
  assert.ok(p50 > 15 && p50 < 30, `p50 ${p50}`);
  assert.ok(Math.abs(bins.mean / 1000 - 20) < 2, `mean ${bins.mean}`);
});

test('two samples of one distribution are not called different', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const base = sample(2000, latencies(seed, 20));
    const next = sample(2000, latencies(seed + 100, 20));
    const rank = rankSumTest(base, next);
    assert.ok(rank.p > 0.01, `seed ${seed}: rank-sum p ${rank.p}`);
    assert.ok(Math.abs(rank.delta) < 0.1, `seed ${seed}: delta ${rank.delta}`);
    assert.ok(quantileTest(base, next, 0.95).p > 0.01, `seed ${seed}: p95`);
    assert.ok(meanTest(base, next).p > 0.01, `seed ${seed}: mean`);
  }
});

test('a shift of the whole distribution is significant with a large effect, NEW slower is positive', () => {
  const base = sample(500, latencies(1, 20));
  const next = sample(500, latencies(2, 40));
  const rank = rankSumTest(base, next);
  assert.ok(rank.p < 1e-6, `p ${rank.p}`);
  assert.ok(rank.delta > 0.474, `delta ${rank.delta}`);
  assert.ok(rankSumTest(next, base).delta < -0.474);
  assert.ok(quantileTest(base, next, 0.5).p < 1e-6);
  assert.ok(meanTest(base, next).p < 1e-6);
});

test('a tail that grows under an unchanged median shows in the p99 quantile test, not the median one', () => {
  const base = sample(5000, latencies(1, 20));
  const random = createRandom(9);
  const draw = latencies(2, 20);
  // 3% of requests take 500 ms more.
  const next = sample(5000, () => draw() + (random() < 0.03 ? 500 : 0));
  assert.ok(quantileTest(base, next, 0.99).p < 1e-6);
  assert.ok(quantileTest(base, next, 0.5).p > 0.01);
  assert.ok(Math.abs(rankSumTest(base, next).delta) < 0.147, 'negligible as a whole');
});

test('the proportion test gives the textbook two-proportion z-test p-value', () => {
  // 10/1000 against 25/1000: z = 0.015 / sqrt(0.0175 · 0.9825 · 0.002) ≈ 2.564, p ≈ 0.01035.
  assert.ok(Math.abs(proportionTest(10, 1000, 25, 1000).p - 0.01035) < 2e-4);
  assert.equal(proportionTest(0, 100, 0, 100).p, 1);
  assert.equal(proportionTest(0, 0, 5, 10).p, 1);
});

test('empty runs give no evidence', () => {
  const empty = sample(0, () => 1);
  const full = sample(100, latencies(1, 20));
  assert.deepEqual(rankSumTest(empty, full), { p: 1, delta: 0 });
  assert.equal(quantileTest(full, empty, 0.95).p, 1);
  assert.equal(meanTest(empty, full).p, 1);
});
