import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunStats } from '../../src/metrics/run-stats.ts';
import { parseThreshold } from '../../src/metrics/thresholds.ts';
import { FakeClock, META, startedStats, T0 } from './fixtures.ts';

test('endpoints are sorted by name then method; the aggregated row sums them all', () => {
  const { stats } = startedStats();
  stats.request('POST', '/b', 10, 100, null);
  stats.request('GET', '/b', 20, 300, null);
  stats.request('GET', '/a', 30, 200, 'HTTP 500');
  const snapshot = stats.snapshot(3);
  assert.deepEqual(
    snapshot.endpoints.map(({ method, name, requests, failures }) => [method, name, requests, failures]),
    [
      ['GET', '/a', 1, 1],
      ['GET', '/b', 1, 0],
      ['POST', '/b', 1, 0],
    ],
  );
  const { aggregated } = snapshot;
  assert.equal(aggregated.requests, 3);
  assert.equal(aggregated.failures, 1);
  assert.equal(aggregated.minMs, 10);
  assert.equal(aggregated.maxMs, 30);
  assert.equal(aggregated.avgMs, 20);
  assert.equal(aggregated.avgContentBytes, 200);
});

test('failures are grouped by (method, name, error), most frequent first', () => {
  const { stats } = startedStats();
  for (let i = 0; i < 3; i++) stats.request('GET', '/a', 5, 0, 'HTTP 500');
  stats.request('GET', '/a', 5, 0, 'HTTP 503');
  for (let i = 0; i < 2; i++) stats.request('POST', '/a', 5, 0, 'HTTP 500');
  stats.request('GET', '/b', 5, 0, 'HTTP 500');
  stats.request('GET', '/b', 5, 0, null);
  assert.deepEqual(stats.snapshot(1).failures, [
    { method: 'GET', name: '/a', error: 'HTTP 500', occurrences: 3 },
    { method: 'POST', name: '/a', error: 'HTTP 500', occurrences: 2 },
    { method: 'GET', name: '/a', error: 'HTTP 503', occurrences: 1 },
    { method: 'GET', name: '/b', error: 'HTTP 500', occurrences: 1 },
  ]);
});

function throwFromHere(message: string): Error {
  return new TypeError(message);
}

test('exceptions are grouped by "name: message" with the stack of the first occurrence', () => {
  const { stats } = startedStats();
  const first = throwFromHere('boom');
  const second = new TypeError('boom');
  stats.exception(first);
  stats.exception(second);
  const other = new RangeError('other');
  stats.exception(other);
  stats.exception('a string');
  stats.exception({ code: 42 });
  stats.exception(7);
  const exceptions = stats.snapshot(1).exceptions;
  assert.deepEqual(exceptions[0], { message: 'TypeError: boom', count: 2, stack: first.stack });
  assert.match(exceptions[0]?.stack ?? '', /throwFromHere/);
  assert.deepEqual(exceptions.slice(1), [
    { message: '7', count: 1, stack: '' },
    { message: 'RangeError: other', count: 1, stack: other.stack },
    { message: 'a string', count: 1, stack: '' },
    { message: '{"code":42}', count: 1, stack: '' },
  ]);
});

test('named checks are counted per check name and endpoint, sorted by request name, method, check name', () => {
  const { stats } = startedStats();
  for (let i = 0; i < 3; i++) stats.check('POST', '/users', 'status is 201', true);
  stats.check('POST', '/users', 'status is 201', false);
  stats.check('POST', '/users', 'has an id', true);
  stats.check('GET', '/users', 'status is 201', true);
  stats.check('GET', '/health', 'is up', false);
  const expected = [
    { name: 'is up', method: 'GET', endpoint: '/health', passes: 0, fails: 1 },
    { name: 'status is 201', method: 'GET', endpoint: '/users', passes: 1, fails: 0 },
    { name: 'has an id', method: 'POST', endpoint: '/users', passes: 1, fails: 0 },
    { name: 'status is 201', method: 'POST', endpoint: '/users', passes: 3, fails: 1 },
  ];
  assert.deepEqual(stats.snapshot(1).checks, expected);
  assert.deepEqual(stats.summary(META, [], { exitCodeOnError: 1 }).checks, expected);
  // Checks are not requests: the request table stays empty until the requests are recorded.
  assert.deepEqual(stats.snapshot(1).endpoints, []);
  // What a summary hands out is a copy.
  const copy = stats.snapshot(1).checks;
  (copy[0] as (typeof copy)[0]).fails = 99;
  assert.deepEqual(stats.snapshot(1).checks, expected);
});

test('whole-run rps = requests / seconds from start to stop, frozen once stopped', () => {
  const { stats, clock } = startedStats();
  for (let i = 0; i < 100; i++) {
    clock.set(i * 100);
    stats.request('GET', '/a', 5, 0, i % 4 === 0 ? 'HTTP 500' : null);
  }
  stats.stop(T0 + 20_000);
  clock.set(60_000);
  const summary = stats.summary(META, [], { exitCodeOnError: 1 });
  assert.equal(summary.aggregated.rps, 5);
  assert.equal(summary.aggregated.failuresPerSec, 1.25);
  assert.equal(summary.endpoints[0]?.rps, 5);
  assert.equal(stats.snapshot(0).elapsedSec, 20);
});

test('snapshot carries time, users and elapsed seconds since start', () => {
  const { stats, clock } = startedStats();
  clock.set(2500);
  const snapshot = stats.snapshot(17);
  assert.equal(snapshot.timestamp, T0 + 2500);
  assert.equal(snapshot.users, 17);
  assert.equal(snapshot.elapsedSec, 2.5);
});

test('without start(), the run counts from construction', () => {
  const clock = new FakeClock();
  const stats = new RunStats({ now: clock.now });
  stats.request('GET', '/a', 5, 0, null);
  clock.set(4000);
  assert.equal(stats.snapshot(1).aggregated.rps, 0.25);
});

test('reset() zeroes everything, keeps the rows, and restarts the rates from the reset', () => {
  const { stats, clock } = startedStats();
  for (let i = 0; i < 10; i++) stats.request('GET', '/a', 1000, 10, 'HTTP 500');
  stats.exception(new Error('boom'));
  stats.check('GET', '/a', 'is ok', false);
  clock.set(5000);
  stats.reset();
  const cleared = stats.snapshot(1);
  assert.equal(cleared.aggregated.requests, 0);
  assert.equal(cleared.aggregated.maxMs, 0);
  assert.equal(cleared.aggregated.currentRps, 0);
  assert.equal(cleared.aggregated.percentiles['50'], 0);
  assert.deepEqual(cleared.failures, []);
  assert.deepEqual(cleared.exceptions, []);
  assert.deepEqual(cleared.checks, [{ name: 'is ok', method: 'GET', endpoint: '/a', passes: 0, fails: 0 }]);
  assert.deepEqual(
    cleared.endpoints.map(({ name, requests }) => [name, requests]),
    [['/a', 0]],
  );

  stats.request('GET', '/a', 2, 0, null);
  stats.request('GET', '/a', 4, 0, null);
  clock.set(7000);
  const after = stats.snapshot(1);
  assert.equal(after.aggregated.requests, 2);
  assert.equal(after.aggregated.maxMs, 4);
  assert.equal(after.aggregated.rps, 1);
  assert.equal(after.aggregated.currentRps, 1);
  assert.equal(after.elapsedSec, 7);
});

test('an endless content size counts as none', () => {
  const { stats } = startedStats();
  stats.request('GET', '/a', 1, Number.POSITIVE_INFINITY, null);
  stats.request('GET', '/a', 1, 10, null);
  assert.equal(stats.snapshot(1).aggregated.avgContentBytes, 5);
});

test('reset() forgets the latencies before it: percentiles come from the requests after', () => {
  const { stats } = startedStats();
  for (let i = 0; i < 10; i++) stats.request('GET', '/a', 1, 0, null);
  stats.reset();
  stats.request('GET', '/a', 2, 0, null);
  stats.request('GET', '/a', 4, 0, null);
  stats.request('GET', '/a', 4, 0, null);
  const after = stats.snapshot(1);
  assert.equal(after.aggregated.percentiles['50'], 4);
  assert.equal(after.aggregated.percentiles['66'], 4);
  assert.equal(after.endpoints[0]!.medianMs, 4);
});

test('a threshold over a name merges its methods, one reset to zero requests included', () => {
  const { stats } = startedStats();
  stats.request('GET', '/a', 10, 0, null);
  stats.request('POST', '/a', 20, 0, null);
  stats.reset();
  stats.request('GET', '/a', 30, 0, null);
  stats.request('GET', '/a', 40, 0, null);
  stats.stop(T0 + 1000);
  const summary = stats.summary(META, ['/a: min==30', '/a: max==40', '/a: requests==2'].map(parseThreshold), {
    exitCodeOnError: 1,
  });
  assert.deepEqual(
    summary.thresholds.map((t) => [t.expression, t.actual]),
    [
      ['/a: min==30', 30],
      ['/a: max==40', 40],
      ['/a: requests==2', 2],
    ],
  );
});

test('merging another process’s endpoint with no requests keeps this one’s figures', () => {
  const { stats } = startedStats();
  stats.request('GET', '/a', 50, 0, null);
  const other = new RunStats({ now: () => T0 });
  other.request('GET', '/a', 1, 0, null);
  other.reset();
  stats.merge(other.serialize());
  const merged = stats.snapshot(1).aggregated;
  assert.deepEqual([merged.requests, merged.minMs, merged.maxMs], [1, 50, 50]);
  assert.deepEqual(
    stats.snapshot(1).endpoints.map((e) => [e.name, e.requests, e.minMs]),
    [['/a', 1, 50]],
  );
});

test('dispose() frees the histograms now: the stats cannot be read afterwards', () => {
  const { stats } = startedStats();
  stats.request('GET', '/a', 5, 0, null);
  stats.dispose();
  assert.throws(() => stats.snapshot(1), /destroyed/);
  const empty = new RunStats({ now: () => T0 });
  empty.dispose();
  assert.throws(() => empty.snapshot(1), /destroyed/);
});
