import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FanOutSink } from '../../src/metrics/fan-out-sink.ts';
import type { SampleSink } from '../../src/metrics/sink.ts';

function recorder(): SampleSink & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    request: (method, name, ms, _bytes, error) => void seen.push(`${method} ${name} ${ms} ${error}`),
    check: (method, name, check, passed) => void seen.push(`${method} ${name} ${check} ${passed}`),
    exception: (error) => void seen.push(`exception ${(error as Error).message}`),
  };
}

test('fan-out sink: the run’s stats first, then every extra; a throwing extra loses only its own copy', () => {
  const primary = recorder();
  const extra = recorder();
  const broken: SampleSink = {
    request: () => {
      throw new Error('observer bug');
    },
    check: () => {
      throw new Error('observer bug');
    },
    exception: () => {
      throw new Error('observer bug');
    },
  };
  // An extra without `check` (it is optional) just does not see checks.
  const uninterested: SampleSink = { request: () => {}, exception: () => {} };
  const sink = new FanOutSink(primary, [broken, uninterested, extra]);
  sink.check('POST', '/b', 'status is 201', false);
  sink.request('GET', '/a', 1.5, 10, null);
  sink.request('POST', '/b', 2, 0, 'HTTP 500');
  sink.exception(new Error('boom'));
  const expected = ['POST /b status is 201 false', 'GET /a 1.5 null', 'POST /b 2 HTTP 500', 'exception boom'];
  assert.deepEqual(primary.seen, expected);
  assert.deepEqual(extra.seen, expected);
});
