import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../../src/engine/rng.ts';
import { parseRegressionLimits } from '../../src/metrics/regression-limits.ts';
import { compareRuns } from '../../src/metrics/run-comparison.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { META, startedStats } from './fixtures.ts';

interface Traffic {
  seed: number;
  /** Mean latency (ms) of GET /a and GET /b. */
  a: number;
  b: number;
  /** Failure probability of GET /a. */
  failA?: number;
  requests?: number;
}

/** A finished run's summary from RunStats fed exponential-ish latencies. */
function run(traffic: Traffic): RunSummary {
  const { stats, clock } = startedStats();
  const random = createRandom(traffic.seed);
  const draw = (mean: number) => mean * (0.5 - 0.5 * Math.log(1 - random()));
  const requests = traffic.requests ?? 2000;
  for (let i = 0; i < requests; i++) {
    clock.set((i * 10_000) / requests);
    stats.request('GET', '/a', draw(traffic.a), 10, random() < (traffic.failA ?? 0) ? 'HTTP 500' : null);
    stats.request('GET', '/b', draw(traffic.b), 10, null);
  }
  clock.set(10_000);
  stats.stop();
  const summary = stats.summary(META, [], { exitCodeOnError: 1 });
  stats.dispose();
  return summary;
}

const GATE = parseRegressionLimits('p50=10%,p95=10%,fail_ratio=0.5pp');

test('a run summary carries every endpoint’s whole-run histogram and the aggregated one', () => {
  const summary = run({ seed: 1, a: 20, b: 5, requests: 10 });
  assert.equal(summary.histograms?.encoding, 'hdr-base64-us');
  assert.deepEqual(
    summary.histograms?.endpoints.map((h) => `${h.method} ${h.name}`),
    ['GET /a', 'GET /b'],
  );
  assert.match(summary.histograms?.aggregated ?? '', /^HISTFAA/);
});

test('runs of one target compare as the same, and no limit is called broken', () => {
  for (const seed of [1, 2, 3]) {
    const comparison = compareRuns(run({ seed, a: 20, b: 5 }), run({ seed: seed + 50, a: 20, b: 5 }), GATE);
    assert.deepEqual(comparison.regressions, [], `seed ${seed}`);
    assert.deepEqual(
      [...comparison.endpoints, comparison.aggregated].map((e) => e.verdict),
      ['same', 'same', 'same'],
    );
  }
});

test('a slower endpoint is a regression on it and on the aggregate; the unchanged one is not', () => {
  const comparison = compareRuns(run({ seed: 1, a: 20, b: 5 }), run({ seed: 2, a: 30, b: 5 }), GATE);
  const [a, b] = comparison.endpoints;
  assert.equal(a?.verdict, 'slower');
  assert.equal(b?.verdict, 'same');
  assert.deepEqual(
    comparison.regressions.map((r) => `${r.endpoint} ${r.limit.label}`),
    ['GET /a p50', 'GET /a p95', 'Aggregated p50', 'Aggregated p95'],
  );
  const p50 = a?.metrics.find((m) => m.label === 'p50');
  assert.equal(p50?.significant, 'worse');
  assert.ok((p50?.relative ?? 0) > 0.3);
});

test('a change beyond the limit that a small run cannot tell from noise is no regression', () => {
  // Ten requests each: the medians differ by more than 10% by chance alone.
  const small = (seed: number) => run({ seed, a: 20, b: 20, requests: 10 });
  const comparison = compareRuns(small(1), small(7), GATE);
  const p50 = comparison.aggregated.metrics.find((m) => m.label === 'p50');
  assert.ok(Math.abs(p50?.relative ?? 0) > 0.1, `relative ${p50?.relative}`);
  assert.equal(p50?.significant, null);
  assert.deepEqual(comparison.regressions, []);
});

test('a higher failure ratio beyond its percentage points and beyond noise is a regression', () => {
  const base = run({ seed: 1, a: 20, b: 5, failA: 0.01 });
  const comparison = compareRuns(base, run({ seed: 2, a: 20, b: 5, failA: 0.05 }), GATE);
  assert.deepEqual(
    comparison.regressions.map((r) => `${r.endpoint} ${r.limit.label}`),
    ['GET /a fail_ratio', 'Aggregated fail_ratio'],
  );
  const lenient = parseRegressionLimits('fail_ratio=5pp');
  assert.deepEqual(compareRuns(base, run({ seed: 2, a: 20, b: 5, failA: 0.05 }), lenient).regressions, []);
});

test('a faster run is no regression, and req/s regresses when it drops beyond its limit', () => {
  const base = run({ seed: 1, a: 20, b: 5 });
  const faster = compareRuns(base, run({ seed: 2, a: 10, b: 5 }), GATE);
  assert.deepEqual(faster.regressions, []);
  assert.equal(faster.endpoints[0]?.verdict, 'faster');
  const fewer = { ...base, aggregated: { ...base.aggregated, rps: base.aggregated.rps / 2 } };
  assert.deepEqual(
    compareRuns(base, fewer, parseRegressionLimits('rps=10%')).regressions.map((r) => r.endpoint),
    ['Aggregated'],
  );
});

test('summaries without histograms are compared on their numbers, untested', () => {
  const { histograms: _base, ...base } = run({ seed: 1, a: 20, b: 5 });
  const { histograms: _next, ...next } = run({ seed: 2, a: 40, b: 5 });
  const comparison = compareRuns(base, next, GATE);
  assert.equal(comparison.tested, false);
  assert.equal(comparison.aggregated.verdict, 'untested');
  assert.ok(comparison.regressions.some((r) => r.endpoint === 'GET /a' && r.limit.label === 'p50'));
});

test('endpoints in one run only are listed, not gated; a limit on another percentile adds its row', () => {
  const base = run({ seed: 1, a: 20, b: 5 });
  const next = { ...run({ seed: 2, a: 20, b: 5 }) };
  next.endpoints = next.endpoints.filter((e) => e.name === '/a');
  const comparison = compareRuns(base, next, parseRegressionLimits('p97.5=10%'));
  assert.deepEqual(
    comparison.endpoints.map((e) => e.verdict),
    ['same', 'only-base'],
  );
  const row = comparison.endpoints[0]?.metrics.find((m) => m.label === 'p97.5');
  assert.ok(row && row.base > 0 && row.next > 0);
});

test('a steady target a few hundred µs slower is not called slower, nor its median marked', () => {
  const steady = (seed: number, ms: number) => {
    const { stats, clock } = startedStats();
    const random = createRandom(seed);
    for (let i = 0; i < 2000; i++) {
      clock.set(i * 5);
      stats.request('GET', '/a', ms + random() * 0.5, 10, null);
    }
    stats.stop();
    const summary = stats.summary(META, [], { exitCodeOnError: 1 });
    stats.dispose();
    return summary;
  };
  const comparison = compareRuns(steady(1, 20), steady(2, 20.4), GATE);
  const row = comparison.endpoints[0];
  assert.ok(
    (row?.distribution?.p ?? 1) < 1e-6 && (row?.distribution?.delta ?? 0) > 0.5,
    'significant, no overlap',
  );
  assert.equal(row?.verdict, 'same');
  assert.equal(row?.metrics.find((m) => m.label === 'p50')?.significant, null);
  assert.deepEqual(comparison.regressions, []);
  // 10% slower is both.
  const slower = compareRuns(steady(1, 20), steady(2, 22), GATE).endpoints[0];
  assert.equal(slower?.verdict, 'slower');
  assert.equal(slower?.metrics.find((m) => m.label === 'p50')?.significant, 'worse');
});
