import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointStats } from '../../src/metrics/endpoint-stats.ts';
import { toMicros } from '../../src/metrics/histogram.ts';
import { evaluateThresholds } from '../../src/metrics/threshold-evaluation.ts';
import { parseThreshold } from '../../src/metrics/thresholds.ts';
import { META, startedStats, T0 } from './fixtures.ts';

function summarize(record: (stats: ReturnType<typeof startedStats>['stats']) => void, expressions: string[]) {
  const { stats } = startedStats();
  record(stats);
  stats.stop(T0 + 10_000);
  return stats.summary(META, expressions.map(parseThreshold), { exitCodeOnError: 3 });
}

/** 100 GET /users at 1..100 ms, 100 POST /users at 101..200 ms (10 failed), 1 GET /health. */
function recordMix(stats: ReturnType<typeof startedStats>['stats']): void {
  for (let ms = 1; ms <= 100; ms++) stats.request('GET', '/users', ms, 0, null);
  for (let ms = 101; ms <= 200; ms++) stats.request('POST', '/users', ms, 0, ms > 190 ? 'HTTP 500' : null);
  stats.request('GET', '/health', 1, 0, null);
}

test('each metric reads the right figure, scoped or aggregated', () => {
  const summary = summarize(recordMix, [
    'requests==201',
    'failures==10',
    'rps==20.1',
    'failures_per_sec==1',
    'fail_ratio<0.05',
    'max==200',
    'min==1',
    'GET /users: max==100',
    // HDR reports the highest value equivalent to the sample at 3 significant digits: 50 ms → 50.015.
    'GET /users: med>=50',
    'GET /users: med<=50.05',
    'GET /users: p97>=97',
    'GET /users: p97<=97.1',
    'GET /users: avg==50.5',
    'POST /users: fail_ratio==0.1',
    'POST /users: min>=101',
  ]);
  for (const result of summary.thresholds) {
    assert.equal(result.passed, true, `${result.expression}: actual ${result.actual}`);
  }
  assert.deepEqual(summary.thresholds[7], {
    expression: 'GET /users: max==100',
    scope: 'GET /users',
    metric: 'max',
    op: '==',
    target: 100,
    actual: 100,
    passed: true,
  });
  assert.deepEqual(summary.thresholds[4], {
    expression: 'fail_ratio<0.05',
    scope: null,
    metric: 'fail_ratio',
    op: '<',
    target: 0.05,
    actual: 10 / 201,
    passed: true,
  });
});

test('a bare name merges every method with that name, histograms included', () => {
  const summary = summarize(recordMix, [
    '/users: p50<100',
    '/users: requests==200',
    '/users: max==200',
    '/users: p99.5<199',
  ]);
  assert.deepEqual(
    summary.thresholds.map(({ actual, passed }) => [actual, passed]),
    [
      [100.031, false],
      [200, true],
      [200, true],
      [199.039, false],
    ],
  );
});

test('a scope matching no endpoint has actual null and fails', () => {
  const summary = summarize(recordMix, ['GET /nope: p95<500', 'DELETE /users: requests==0']);
  assert.deepEqual(
    summary.thresholds.map(({ scope, actual, passed }) => [scope, actual, passed]),
    [
      ['GET /nope', null, false],
      ['DELETE /users', null, false],
    ],
  );
  assert.equal(summary.passed, false);
  assert.equal(summary.exitCode, 1);
});

test('exit codes: 0 when all pass, 1 on a failed threshold, exitCodeOnError on failures without fail_ratio', () => {
  const clean = (stats: ReturnType<typeof startedStats>['stats']) => stats.request('GET', '/a', 10, 0, null);
  assert.deepEqual(pick(summarize(clean, [])), { passed: true, exitCode: 0 });
  assert.deepEqual(pick(summarize(clean, ['p95<500'])), { passed: true, exitCode: 0 });
  assert.deepEqual(pick(summarize(clean, ['p95<5'])), { passed: false, exitCode: 1 });

  assert.deepEqual(pick(summarize(recordMix, [])), { passed: false, exitCode: 3 });
  assert.deepEqual(pick(summarize(recordMix, ['p95<500'])), { passed: false, exitCode: 3 });
  assert.deepEqual(pick(summarize(recordMix, ['fail_ratio<0.1'])), { passed: true, exitCode: 0 });
  assert.deepEqual(pick(summarize(recordMix, ['POST /users: fail_ratio<=0.1'])), {
    passed: true,
    exitCode: 0,
  });
  assert.deepEqual(pick(summarize(recordMix, ['fail_ratio<0.01'])), { passed: false, exitCode: 1 });
  assert.deepEqual(pick(summarize(recordMix, ['p95<5'])), { passed: false, exitCode: 1 });
});

function pick({ passed, exitCode }: { passed: boolean; exitCode: number }) {
  return { passed, exitCode };
}

test('without requests, counts and rates measure 0 but times and fail_ratio cannot be measured', () => {
  const summary = summarize(() => {}, ['requests==0', 'rps==0', 'p95<500', 'avg<500', 'fail_ratio<0.1']);
  assert.deepEqual(
    summary.thresholds.map(({ actual, passed }) => [actual, passed]),
    [
      [0, true],
      [0, true],
      [null, false],
      [null, false],
      [null, false],
    ],
  );
});

test('checks: the pass ratio of named checks, aggregated or of a scope; no data without named checks', () => {
  const summary = summarize(
    (stats) => {
      recordMix(stats);
      for (let i = 0; i < 99; i++) stats.check('POST', '/users', 'status is 201', true);
      stats.check('POST', '/users', 'status is 201', false);
      for (let i = 0; i < 100; i++) stats.check('POST', '/users', 'has an id', true);
      for (let i = 0; i < 50; i++) stats.check('GET', '/users', 'is a list', i % 5 !== 0);
    },
    [
      'checks>0.95',
      'checks>0.99',
      'POST /users: checks>0.99',
      'POST /users: checks>0.999',
      '/users: checks<0.96',
      'GET /users: checks==0.8',
      'GET /health: checks>0',
      'GET /nowhere: checks>0',
    ],
  );
  assert.deepEqual(
    summary.thresholds.map(({ expression, actual, passed }) => [expression, actual, passed]),
    [
      ['checks>0.95', 239 / 250, true],
      ['checks>0.99', 239 / 250, false],
      ['POST /users: checks>0.99', 199 / 200, true],
      ['POST /users: checks>0.999', 199 / 200, false],
      ['/users: checks<0.96', 239 / 250, true],
      ['GET /users: checks==0.8', 0.8, true],
      // An endpoint without named checks, and no endpoint at all: nothing to measure.
      ['GET /health: checks>0', null, false],
      ['GET /nowhere: checks>0', null, false],
    ],
  );
  assert.deepEqual(pick(summary), { passed: false, exitCode: 1 });
  // Without any named check, checks has no data and fails, like fail_ratio without requests.
  const none = summarize(recordMix, ['checks>0.5']);
  assert.deepEqual(
    none.thresholds.map(({ actual, passed }) => [actual, passed]),
    [[null, false]],
  );
});

test('evaluateThresholds works on any subject: arbitrary percentiles come from the histogram', () => {
  const subject = new EndpointStats('GET', '/x');
  for (let ms = 1; ms <= 1000; ms++) subject.record(ms, toMicros(ms), 0, ms % 100 === 0, 0);
  const results = evaluateThresholds(
    ['p97<=970.5', 'p97>969.5', 'p(12.5)<126', 'fail_ratio==0.01', 'rps==100', 'GET /x: requests==1000'].map(
      parseThreshold,
    ),
    (scope) => (scope === null || scope === 'GET /x' ? subject : null),
    10,
  );
  assert.deepEqual(
    results.map(({ passed }) => passed),
    [true, true, true, true, true, true],
    JSON.stringify(results),
  );
  subject.dispose();
});

test('strict operators fail at equality, inclusive ones pass, each on both sides of the target', () => {
  // failures is exactly 10: every operator is judged right at its boundary and one step away.
  const cases: [string, boolean][] = [
    ['failures<10', false],
    ['failures<11', true],
    ['failures<=10', true],
    ['failures<=9', false],
    ['failures>10', false],
    ['failures>9', true],
    ['failures>=10', true],
    ['failures>=11', false],
    ['failures==10', true],
    ['failures==9', false],
    ['failures!=10', false],
    ['failures!=9', true],
  ];
  const summary = summarize(
    recordMix,
    cases.map(([expression]) => expression),
  );
  assert.deepEqual(
    summary.thresholds.map((t) => [t.expression, t.passed]),
    cases,
  );
});

test('without named checks to read, a checks threshold has no figure and fails', () => {
  const subject = new EndpointStats('', 'Aggregated');
  const [none] = evaluateThresholds([parseThreshold('checks>0.9')], () => subject, 1);
  assert.deepEqual([none!.actual, none!.passed], [null, false]);
  const [reset] = evaluateThresholds(
    [parseThreshold('checks>0.9')],
    () => subject,
    1,
    () => ({ passes: 0, fails: 0 }),
  );
  assert.deepEqual([reset!.actual, reset!.passed], [null, false]);
  subject.dispose();
});
