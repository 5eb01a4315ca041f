import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FanOutSink } from '../../src/metrics/fan-out-sink.ts';
import type { SampleSink } from '../../src/metrics/sink.ts';

function recorder(): SampleSink & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    request: (method, name, ms, _bytes, error) => void seen.push(`${method} ${name} ${ms} ${error}`),
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
    exception: () => {
      throw new Error('observer bug');
    },
  };
  const sink = new FanOutSink(primary, [broken, extra]);
  sink.request('GET', '/a', 1.5, 10, null);
  sink.request('POST', '/b', 2, 0, 'HTTP 500');
  sink.exception(new Error('boom'));
  const expected = ['GET /a 1.5 null', 'POST /b 2 HTTP 500', 'exception boom'];
  assert.deepEqual(primary.seen, expected);
  assert.deepEqual(extra.seen, expected);
});
