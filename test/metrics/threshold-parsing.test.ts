import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseThreshold, ThresholdSyntaxError } from '../../src/metrics/thresholds.ts';

test('valid thresholds parse into scope, normalised metric, op and target (ms for times)', () => {
  const cases: [
    string,
    { scope: string | null; metric: string; percentile: number | null; op: string; target: number },
  ][] = [
    ['p95<500', { scope: null, metric: 'p95', percentile: 95, op: '<', target: 500 }],
    ['  p95 < 500 ms ', { scope: null, metric: 'p95', percentile: 95, op: '<', target: 500 }],
    ['p95<1.5s', { scope: null, metric: 'p95', percentile: 95, op: '<', target: 1500 }],
    ['p99.9<=800', { scope: null, metric: 'p99.9', percentile: 99.9, op: '<=', target: 800 }],
    ['p(99.9) < 2s', { scope: null, metric: 'p99.9', percentile: 99.9, op: '<', target: 2000 }],
    ['p100>=.5', { scope: null, metric: 'p100', percentile: 100, op: '>=', target: 0.5 }],
    ['P97 != 1e3', { scope: null, metric: 'p97', percentile: 97, op: '!=', target: 1000 }],
    ['med<200', { scope: null, metric: 'med', percentile: 50, op: '<', target: 200 }],
    ['avg<200ms', { scope: null, metric: 'avg', percentile: null, op: '<', target: 200 }],
    ['min>0', { scope: null, metric: 'min', percentile: 0, op: '>', target: 0 }],
    ['max<=3s', { scope: null, metric: 'max', percentile: 100, op: '<=', target: 3000 }],
    ['fail_ratio<0.01', { scope: null, metric: 'fail_ratio', percentile: null, op: '<', target: 0.01 }],
    ['failures==0', { scope: null, metric: 'failures', percentile: null, op: '==', target: 0 }],
    ['checks>0.99', { scope: null, metric: 'checks', percentile: null, op: '>', target: 0.99 }],
    [
      'POST /users: checks>=0.9',
      { scope: 'POST /users', metric: 'checks', percentile: null, op: '>=', target: 0.9 },
    ],
    ['requests>=1000', { scope: null, metric: 'requests', percentile: null, op: '>=', target: 1000 }],
    ['rps>100', { scope: null, metric: 'rps', percentile: null, op: '>', target: 100 }],
    ['failures_per_sec<1', { scope: null, metric: 'failures_per_sec', percentile: null, op: '<', target: 1 }],
    [
      'GET /students: p99<800',
      { scope: 'GET /students', metric: 'p99', percentile: 99, op: '<', target: 800 },
    ],
    ['/students:p99<800', { scope: '/students', metric: 'p99', percentile: 99, op: '<', target: 800 }],
    [
      'GET /a:b: p(99.9) <= 2s',
      { scope: 'GET /a:b', metric: 'p99.9', percentile: 99.9, op: '<=', target: 2000 },
    ],
    [
      'GET http://example.com:8080/x : fail_ratio<0.1',
      {
        scope: 'GET http://example.com:8080/x',
        metric: 'fail_ratio',
        percentile: null,
        op: '<',
        target: 0.1,
      },
    ],
    ['Login page: avg < 1s', { scope: 'Login page', metric: 'avg', percentile: null, op: '<', target: 1000 }],
  ];
  for (const [input, expected] of cases) {
    const { scope, metric, percentile, op, target } = parseThreshold(input);
    assert.deepEqual({ scope, metric, percentile, op, target }, expected, input);
  }
  assert.equal(parseThreshold('  GET /students: p99<800  ').expression, 'GET /students: p99<800');
});

test('invalid thresholds throw ThresholdSyntaxError saying what is wrong, with valid examples', () => {
  const expected = 'expected METRIC OP NUMBER, like "p95<500" or "GET /students: p99<800"';
  const metrics =
    'valid metrics: p0..p100 (e.g. p95, p99.9, p(99.9)), med, avg, min, max, fail_ratio, checks, failures, requests, rps, failures_per_sec';
  const cases: [string, string][] = [
    ['p95<<500', `invalid threshold "p95<<500": ${expected}`],
    ['p95 =< 500', `invalid threshold "p95 =< 500": ${expected}`],
    ['p95<', `invalid threshold "p95<": ${expected}`],
    ['p95<abc', `invalid threshold "p95<abc": ${expected}`],
    ['p95<500 fast', `invalid threshold "p95<500 fast": ${expected}`],
    ['p95<500m', `invalid threshold "p95<500m": ${expected}`],
    ['GET /students p95<500', `invalid threshold "GET /students p95<500": ${expected}`],
    ['', `invalid threshold "": ${expected}`],
    ['latency<500', `invalid threshold "latency<500": unknown metric "latency"; ${metrics}`],
    ['GET /a: p9x<500', `invalid threshold "GET /a: p9x<500": unknown metric "p9x"; ${metrics}`],
    ['p(abc)<5', `invalid threshold "p(abc)<5": unknown metric "p(abc)"; ${metrics}`],
    ['p101<5', 'invalid threshold "p101<5": percentile 101 is above 100; use p0..p100, like "p99.9<800"'],
    ['rps>5s', 'invalid threshold "rps>5s": rps is a count or rate and takes no unit, like "rps>100"'],
    [
      'fail_ratio<1ms',
      'invalid threshold "fail_ratio<1ms": fail_ratio is a count or rate and takes no unit, like "fail_ratio<0.01"',
    ],
    [
      'checks>99s',
      'invalid threshold "checks>99s": checks is a count or rate and takes no unit, like "checks>0.99"',
    ],
    [
      ': p95<500',
      `invalid threshold ": p95<500": nothing before the ':'; write "METHOD name: p95<500" or "name: p95<500"`,
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseThreshold(input),
      (error: unknown) => {
        assert.ok(error instanceof ThresholdSyntaxError, input);
        assert.equal(error.message, message);
        assert.equal(error.name, 'ThresholdSyntaxError');
        assert.equal(error.message.includes('\n'), false);
        return true;
      },
    );
  }
});

test('percentiles with several decimals, in parentheses with spaces; a percentile must start the metric', () => {
  assert.equal(parseThreshold('p99.99<5').percentile, 99.99);
  assert.equal(parseThreshold('p(99.99)<5').percentile, 99.99);
  assert.equal(parseThreshold('p( 95 )<5').percentile, 95);
  assert.equal(parseThreshold('p(95)<5').metric, 'p95');
  assert.throws(() => parseThreshold('xp95<5'), /unknown metric "xp95"/);
});

test('a syntax error carries its code; counts given a unit are shown their own example', () => {
  assert.throws(
    () => parseThreshold('p95'),
    (error: Error) => error instanceof ThresholdSyntaxError && error.code === 'VOLLEY_THRESHOLD_SYNTAX',
  );
  for (const [expression, example] of [
    ['failures<10ms', 'failures<10'],
    ['requests>1000s', 'requests>1000'],
    ['failures_per_sec<1s', 'failures_per_sec<1'],
    ['fail_ratio<1ms', 'fail_ratio<0.01'],
    ['checks>1s', 'checks>0.99'],
    ['rps>1s', 'rps>100'],
  ] as const) {
    assert.throws(() => parseThreshold(expression), {
      message: new RegExp(`takes no unit, like "${example}"`),
    });
  }
});
