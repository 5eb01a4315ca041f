import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunSinks, UserSink } from '../../src/engine/user-sink.ts';
import type { SampleSink } from '../../src/metrics/sink.ts';

function checkRecorder(): SampleSink & { checks: string[] } {
  const checks: string[] = [];
  return {
    checks,
    request: () => {},
    check: (method, name, check, passed) => void checks.push(`${method} ${name} ${check} ${passed}`),
    exception: () => {},
  };
}

test('named checks reach the run’s statistics and a capacity step, not the uncorrected figures, until cut off', () => {
  const main = checkRecorder();
  const uncorrected = checkRecorder();
  const step = checkRecorder();
  const run = new RunSinks(main);
  run.uncorrected = uncorrected;
  const user = new UserSink(run);
  user.check('GET', '/a', 'closed model', true);
  user.beginArrival(performance.now(), step);
  user.check('GET', '/a', 'in a step', false);
  user.endArrival();
  user.open = false;
  user.check('GET', '/a', 'after the user was cut off', true);
  user.open = true;
  run.open = false;
  user.check('GET', '/a', 'after the run ended', true);
  assert.deepEqual(main.checks, ['GET /a closed model true', 'GET /a in a step false']);
  assert.deepEqual(step.checks, ['GET /a in a step false']);
  assert.deepEqual(uncorrected.checks, []);
});
