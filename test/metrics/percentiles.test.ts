import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPORTED_PERCENTILES } from '../../src/metrics/summary.ts';
import { startedStats } from './fixtures.ts';

/** |actual - expected| within `relative` of expected. */
function assertNear(actual: number | undefined, expected: number, relative: number): void {
  assert.ok(actual !== undefined, 'value missing');
  assert.ok(
    Math.abs(actual - expected) <= expected * relative,
    `expected ${actual} to be within ${relative * 100}% of ${expected}`,
  );
}

test('1..1000 ms: p50 is 500 ms within HDR precision, max and min exact', () => {
  const { stats } = startedStats();
  for (let ms = 1; ms <= 1000; ms++) stats.request('GET', '/a', ms, 0, null);
  const row = stats.snapshot(1).aggregated;
  assertNear(row.percentiles['50'], 500, 0.001);
  assertNear(row.percentiles['90'], 900, 0.001);
  assertNear(row.percentiles['99'], 990, 0.001);
  assert.equal(row.percentiles['100'], 1000);
  assert.equal(row.medianMs, row.percentiles['50']);
  assert.equal(row.minMs, 1);
  assert.equal(row.maxMs, 1000);
  assert.equal(row.avgMs, 500.5);
});

test('90% 1 ms, 8% 123 ms, 2% 1234 ms: p95 = 123 and p99 = 1234 within 0.1% (not 120/1200)', () => {
  const { stats } = startedStats();
  for (let i = 0; i < 900; i++) stats.request('GET', '/a', 1, 0, null);
  for (let i = 0; i < 80; i++) stats.request('GET', '/a', 123, 0, null);
  for (let i = 0; i < 20; i++) stats.request('GET', '/a', 1234, 0, null);
  const { percentiles } = stats.snapshot(1).aggregated;
  assert.equal(percentiles['90'], 1);
  assertNear(percentiles['95'], 123, 0.001);
  assertNear(percentiles['98'], 123, 0.001);
  assertNear(percentiles['99'], 1234, 0.001);
  assert.equal(percentiles['100'], 1234);
});

test('sub-millisecond times read back at µs resolution', () => {
  const { stats } = startedStats();
  stats.request('GET', '/fast', 0.25, 0, null);
  stats.request('GET', '/fast', 0.25, 0, null);
  const row = stats.snapshot(1).aggregated;
  assert.equal(row.percentiles['50'], 0.25);
  assert.equal(row.medianMs, 0.25);
  assert.equal(row.minMs, 0.25);
  assert.equal(row.avgMs, 0.25);
});

test('percentiles never leave [min, max]: a single 1234 ms request reports 1234 everywhere', () => {
  const { stats } = startedStats();
  stats.request('GET', '/slow', 1234, 0, null);
  const row = stats.snapshot(1).aggregated;
  for (const percentile of REPORTED_PERCENTILES) assert.equal(row.percentiles[String(percentile)], 1234);
  for (const percentile of REPORTED_PERCENTILES)
    assert.equal(row.currentPercentiles[String(percentile)], 1234);
});

test('outliers are clamped to 1 hour, negative and NaN times to 0, instead of throwing', () => {
  const { stats } = startedStats();
  stats.request('GET', '/a', 5 * 3_600_000, 0, null);
  stats.request('GET', '/a', Number.POSITIVE_INFINITY, 0, null);
  stats.request('GET', '/a', -3, Number.NaN, null);
  stats.request('GET', '/a', Number.NaN, -1, null);
  const row = stats.snapshot(1).aggregated;
  assert.equal(row.requests, 4);
  assert.equal(row.maxMs, 3_600_000);
  assert.equal(row.percentiles['100'], 3_600_000);
  assert.equal(row.minMs, 0);
  assert.equal(row.avgMs, 1_800_000);
  assert.equal(row.avgContentBytes, 0);
});

test('percentile keys are REPORTED_PERCENTILES as written; without requests every figure is 0', () => {
  const { stats, clock } = startedStats();
  clock.set(5000);
  const row = stats.snapshot(0).aggregated;
  const keys = REPORTED_PERCENTILES.map(String);
  assert.deepEqual(Object.keys(row.percentiles).sort(), [...keys].sort());
  assert.deepEqual(Object.keys(row.currentPercentiles).sort(), [...keys].sort());
  assert.deepEqual(
    { ...row, percentiles: undefined, currentPercentiles: undefined },
    {
      method: '',
      name: 'Aggregated',
      requests: 0,
      failures: 0,
      minMs: 0,
      maxMs: 0,
      avgMs: 0,
      medianMs: 0,
      avgContentBytes: 0,
      rps: 0,
      failuresPerSec: 0,
      currentRps: 0,
      currentFailuresPerSec: 0,
      percentiles: undefined,
      currentPercentiles: undefined,
    },
  );
  for (const key of keys) {
    assert.equal(row.percentiles[key], 0);
    assert.equal(row.currentPercentiles[key], 0);
  }
});

test('figures are rounded to 3 decimals', () => {
  const { stats } = startedStats();
  stats.request('GET', '/a', 1.23456, 10, null);
  stats.request('GET', '/a', 2.34567, 11, null);
  const row = stats.snapshot(1).aggregated;
  assert.equal(row.minMs, 1.235);
  assert.equal(row.maxMs, 2.346);
  // The average is kept in whole µs (1235 + 2346) so that merged sums stay exact: 1790.5 µs.
  assert.equal(row.avgMs, 1.791);
  assert.equal(row.avgContentBytes, 10.5);
});
