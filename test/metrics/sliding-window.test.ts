import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startedStats } from './fixtures.ts';

test('requests stay in the current window for 10 seconds, then leave it', () => {
  const { stats, clock } = startedStats();
  clock.set(500);
  for (let i = 0; i < 50; i++) stats.request('GET', '/a', 100, 0, i < 5 ? 'HTTP 500' : null);

  clock.set(5000);
  let row = stats.snapshot(1).aggregated;
  assert.equal(row.currentRps, 10, '50 requests over the 5 s since the start');
  assert.equal(row.currentFailuresPerSec, 1);
  assert.equal(row.currentPercentiles['50'], 100);

  clock.set(9999);
  row = stats.snapshot(1).aggregated;
  assert.equal(row.currentRps, 5.001, 'still inside: 50 requests over 9.999 s');

  clock.set(10_000);
  row = stats.snapshot(1).aggregated;
  assert.equal(row.currentRps, 0);
  assert.equal(row.currentFailuresPerSec, 0);
  assert.equal(row.currentPercentiles['50'], 0);
  assert.equal(row.currentPercentiles['100'], 0);
  assert.equal(row.requests, 50, 'the whole-run figures keep them');
  assert.equal(row.rps, 5);
});

test('a steady rate reads back exactly once the window is full', () => {
  const { stats, clock } = startedStats();
  for (let ms = 0; ms < 30_000; ms += 50) {
    clock.set(ms);
    stats.request('GET', '/a', 10, 0, null);
  }
  clock.set(30_000);
  const row = stats.snapshot(1).aggregated;
  assert.equal(row.currentRps, 20);
  assert.equal(row.rps, 20);
  assert.equal(stats.snapshot(1).endpoints[0]?.currentRps, 20);
});

test('current percentiles follow the recent requests only', () => {
  const { stats, clock } = startedStats();
  for (let ms = 0; ms < 20_000; ms += 10) {
    clock.set(ms);
    stats.request('GET', '/a', ms < 10_000 ? 1000 : 10, 0, null);
  }
  clock.set(20_000);
  const row = stats.snapshot(1).aggregated;
  assert.equal(row.currentPercentiles['50'], 10);
  assert.equal(row.currentPercentiles['100'], 10);
  assert.equal(row.percentiles['100'], 1000);
  assert.ok(Math.abs((row.currentPercentiles['99'] ?? 0) - 10) <= 0.1, 'window histograms are within 1%');
});

test('the window survives hours of wrap-around with the same answer', () => {
  const { stats, clock } = startedStats();
  // Two requests a second for 3 hours: the ring of buckets is reused ~1000 times.
  for (let second = 0; second < 3 * 3600; second++) {
    clock.set(second * 1000 + 100);
    stats.request('GET', '/a', 20, 0, null);
    clock.set(second * 1000 + 600);
    stats.request('GET', '/a', 40, 0, second % 2 === 0 ? 'HTTP 500' : null);
  }
  clock.set(3 * 3600 * 1000);
  const row = stats.snapshot(1).aggregated;
  assert.equal(row.currentRps, 2);
  // The window is seconds 10791..10799 (the current one is empty): 4 of them even, so 4 failures in 9 s.
  assert.equal(row.currentFailuresPerSec, 0.444);
  assert.equal(row.currentPercentiles['100'], 40);
  assert.equal(row.requests, 2 * 3 * 3600);
});
