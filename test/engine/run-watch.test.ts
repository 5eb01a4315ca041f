import assert from 'node:assert/strict';
import { test } from 'node:test';
import { earlyFailureWarning, RunWatch, THRESHOLD_ABORT_REASON } from '../../src/engine/run-watch.ts';
import type { LogLevel } from '../../src/log.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import { parseThreshold } from '../../src/metrics/thresholds.ts';

const REFUSED = 'connection refused (ECONNREFUSED 127.0.0.1:5000)';

test('warns with the top error when at least 90% of requests fail, and only then', () => {
  assert.equal(
    earlyFailureWarning({ requests: 40, failures: 40, topError: REFUSED }),
    `all requests are failing: ${REFUSED}`,
  );
  assert.equal(
    earlyFailureWarning({ requests: 100, failures: 95, topError: 'HTTP 500' }),
    '95% of requests are failing: HTTP 500',
  );
  assert.equal(earlyFailureWarning({ requests: 100, failures: 89, topError: 'HTTP 500' }), null);
  assert.equal(earlyFailureWarning({ requests: 0, failures: 0, topError: null }), null);
});

/** A RunStats with `ok` passing and `failed` failing requests, the failures with `error`. */
function statsWith(ok: number, failed: number, error = REFUSED): RunStats {
  const stats = new RunStats();
  stats.start();
  for (let i = 0; i < ok; i++) stats.request('GET', '/a', 5, 10, null);
  for (let i = 0; i < failed; i++) stats.request('GET', '/a', 5, 0, error);
  return stats;
}

function watchOn(stats: RunStats, thresholds: string[]) {
  const lines: [LogLevel, string][] = [];
  const ends: string[] = [];
  const watch = new RunWatch({
    stats,
    thresholds: thresholds.map((t) => parseThreshold(t)),
    log: (level, message) => lines.push([level, message]),
    end: (reason) => ends.push(reason),
  });
  return { watch, lines, ends };
}

test('the early failure warning comes once, at 5 s, naming the most frequent error', () => {
  const stats = statsWith(1, 30);
  stats.request('GET', '/b', 5, 0, 'HTTP 503');
  const { watch, lines } = watchOn(stats, []);
  watch.tick(4.9);
  assert.deepEqual(lines, []);
  watch.tick(5.0);
  watch.tick(6.0);
  assert.deepEqual(lines, [['warn', `96% of requests are failing: ${REFUSED}`]]);
  stats.dispose();
});

test('a run that mostly succeeds gets no early warning', () => {
  const stats = statsWith(20, 5);
  const { watch, lines } = watchOn(stats, []);
  watch.tick(5);
  assert.deepEqual(lines, []);
  stats.dispose();
});

test('a failing :abort threshold ends the run once, with its stop reason and a line saying why', () => {
  const stats = statsWith(2, 8);
  const { watch, lines, ends } = watchOn(stats, ['p95<5000', 'fail_ratio<0.5:abort']);
  watch.tick(1);
  watch.tick(2);
  assert.deepEqual(ends, [THRESHOLD_ABORT_REASON]);
  assert.equal(watch.aborted?.expression, 'fail_ratio<0.5:abort');
  assert.deepEqual(lines, [
    ['error', 'threshold "fail_ratio<0.5:abort" failed (actual 0.8) after 1s: stopping the run'],
  ]);
  stats.dispose();
});

test('thresholds without :abort, and :abort ones that pass or cannot be measured yet, never end the run', () => {
  const failing = statsWith(0, 10);
  const plain = watchOn(failing, ['fail_ratio<0.5']);
  plain.watch.tick(1);
  assert.deepEqual(plain.ends, []);
  const passing = watchOn(statsWith(10, 0), ['fail_ratio<0.5:abort']);
  passing.watch.tick(1);
  assert.deepEqual(passing.ends, []);
  const empty = watchOn(statsWith(0, 0), ['p95<100:abort']);
  empty.watch.tick(1);
  assert.deepEqual(empty.ends, []);
  failing.dispose();
});

test(':abort is a suffix of the expression, after any scope', () => {
  const scoped = parseThreshold('GET /a:b: p99 < 800 : abort');
  assert.equal(scoped.scope, 'GET /a:b');
  assert.equal(scoped.metric, 'p99');
  assert.equal(scoped.abort, true);
  assert.equal(parseThreshold('p95<500').abort, false);
});
