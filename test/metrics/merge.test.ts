import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunStats } from '../../src/metrics/run-stats.ts';
import { StatsFormatError } from '../../src/metrics/serialized-stats.ts';
import { parseThreshold } from '../../src/metrics/thresholds.ts';
import { FakeClock, META, T0 } from './fixtures.ts';

const THRESHOLDS = [
  'p95<900',
  'GET /users: p99.9<2s',
  '/users: avg<300',
  'fail_ratio<0.2',
  'rps>1',
  'checks>0.5',
  'POST /users: checks>0.99',
].map(parseThreshold);

/** A deterministic pseudo-random mix of endpoints, times, sizes, failures and exceptions over 25 s. */
function* samples(): Generator<{
  atMs: number;
  method: string;
  name: string;
  ms: number;
  bytes: number;
  error: string | null;
}> {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const endpoints = [
    ['GET', '/users'],
    ['POST', '/users'],
    ['GET', '/orders/:id'],
    ['DELETE', '/orders/:id'],
  ] as const;
  for (let i = 0; i < 5000; i++) {
    const [method, name] = endpoints[Math.floor(random() * endpoints.length)]!;
    const ms = random() < 0.97 ? 1 + random() * 200 : 500 + random() * 1500;
    const failure = random();
    const error = failure < 0.05 ? 'HTTP 500' : failure < 0.07 ? 'connection refused (ECONNREFUSED)' : null;
    yield { atMs: i * 5, method, name, ms, bytes: Math.floor(random() * 5000), error };
  }
}

function stats(clock: FakeClock): RunStats {
  const result = new RunStats({ now: clock.now });
  result.start(T0);
  return result;
}

const failure = new Error('task failed');

test('merging two halves gives exactly the summary of recording everything in one place', () => {
  const clock = new FakeClock();
  const all = stats(clock);
  const even = stats(clock);
  const odd = stats(clock);
  let index = 0;
  for (const sample of samples()) {
    clock.set(sample.atMs);
    const half = index++ % 2 === 0 ? even : odd;
    for (const target of [all, half]) {
      target.check(sample.method, sample.name, 'under 150 ms', sample.ms < 150);
      target.check(sample.method, sample.name, 'no error', sample.error === null);
      target.request(sample.method, sample.name, sample.ms, sample.bytes, sample.error);
      if (index % 500 === 0) target.exception(failure);
    }
  }
  clock.set(25_000);
  for (const target of [all, even, odd]) target.stop(T0 + 25_000);

  const merged = stats(clock);
  // Through JSON, as between processes.
  merged.merge(JSON.parse(JSON.stringify(even.serialize())));
  merged.merge(JSON.parse(JSON.stringify(odd.serialize())));
  merged.stop(T0 + 25_000);

  const expected = all.summary(META, THRESHOLDS, { exitCodeOnError: 1 });
  assert.equal(expected.aggregated.requests, 5000);
  assert.ok(expected.aggregated.currentRps > 0, 'the window has something to compare');
  assert.ok(expected.failures.length > 4 && expected.exceptions.length === 1);
  assert.equal(expected.checks.length, 8);
  assert.ok(expected.checks.every((c) => c.passes > 0 && c.fails > 0));
  assert.equal(
    expected.checks.reduce((sum, c) => sum + c.passes + c.fails, 0),
    10_000,
  );
  assert.ok(expected.thresholds.some((t) => t.metric === 'checks' && t.passed));
  assert.ok(expected.thresholds.some((t) => t.metric === 'checks' && !t.passed));
  assert.deepEqual(merged.summary(META, THRESHOLDS, { exitCodeOnError: 1 }), expected);

  even.merge(odd.serialize());
  assert.deepEqual(even.summary(META, THRESHOLDS, { exitCodeOnError: 1 }), expected);
});

test('merged window seconds: older than the receiver’s slot are dropped, newer replace it', () => {
  const clock = new FakeClock();
  const receiver = stats(clock);
  const older = stats(clock);
  const newer = stats(clock);
  clock.set(1500);
  older.request('GET', '/a', 10, 0, null);
  clock.set(11_500);
  receiver.request('GET', '/a', 20, 0, null);
  receiver.merge(older.serialize());
  let row = receiver.snapshot(1).aggregated;
  assert.equal(row.requests, 2);
  assert.equal(
    row.currentRps,
    0.105,
    'second 1 shares a slot with second 11 and must not count: 1 request in 9.5 s',
  );

  clock.set(21_500);
  newer.request('GET', '/a', 30, 0, null);
  receiver.merge(newer.serialize());
  row = receiver.snapshot(1).aggregated;
  assert.equal(row.requests, 3);
  assert.equal(row.currentRps, 0.105, 'second 21 replaced second 11 in their slot');
  assert.equal(row.currentPercentiles['100'], 30);
});

test('merging something else throws StatsFormatError with a one-line message', () => {
  const target = new RunStats();
  assert.throws(
    () => target.merge({ format: 'volley.run-stats.v0' } as never),
    (error: unknown) => {
      assert.ok(error instanceof StatsFormatError);
      assert.equal(
        error.message,
        'cannot merge statistics in format "volley.run-stats.v0": expected "volley.run-stats.v4" (are all workers running the same volley version?)',
      );
      return true;
    },
  );
  assert.throws(() => target.merge(null as never), StatsFormatError);
});

test('the aggregated row’s window, rebuilt from merged endpoints, holds only the endpoints’ seconds that are its own', () => {
  const clock = new FakeClock();
  const receiver = stats(clock);
  const early = stats(clock);
  const late = stats(clock);
  clock.set(1500);
  early.request('GET', '/early', 30, 0, null);
  clock.set(11_500);
  late.request('GET', '/late', 20, 0, null);
  late.request('GET', '/late', 40, 0, null);
  // Second 1 and second 11 share a slot: /early's bucket keeps second 1, the aggregated row's holds 11.
  receiver.merge(JSON.parse(JSON.stringify(early.serialize())));
  receiver.merge(JSON.parse(JSON.stringify(late.serialize())));
  const row = receiver.snapshot(1).aggregated;
  assert.equal(row.requests, 3);
  // Percentiles are their HDR bin's highest value: 30 ms reads 30.015, 20 ms 20.1 at the window's precision.
  assert.equal(Math.round(row.percentiles['50'] as number), 30);
  assert.equal(Math.round(row.currentPercentiles['50'] as number), 20, 'second 1 (30 ms) left the window');
  assert.equal(Math.round(row.currentPercentiles['66'] as number), 40);
  // A merge after a read brings the row's histograms up to date again.
  late.reset();
  late.request('GET', '/late', 20, 0, null);
  late.request('GET', '/late', 20, 0, null);
  receiver.merge(late.serialize());
  assert.equal(Math.round(receiver.snapshot(1).aggregated.currentPercentiles['66'] as number), 20);
});
