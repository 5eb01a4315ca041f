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

/** A sink that keeps every sample as `name ms`, every exception's message, and no `check` method. */
function sampleRecorder(): SampleSink & { samples: [string, number][]; exceptions: string[] } {
  const samples: [string, number][] = [];
  const exceptions: string[] = [];
  return {
    samples,
    exceptions,
    request: (_method, name, ms) => void samples.push([name, ms]),
    exception: (error) => void exceptions.push((error as Error).message),
  };
}

test('an arrival’s first request counts from when it was due, its later ones and the uncorrected figures as sent', () => {
  const main = sampleRecorder();
  const uncorrected = sampleRecorder();
  const step = sampleRecorder();
  const run = new RunSinks(main);
  run.uncorrected = uncorrected;
  const user = new UserSink(run);
  const before = performance.now();
  user.beginArrival(before - 500, step); // due 500 ms ago: the generator was late
  user.request('GET', '/first', 10, 0, null);
  const after = performance.now();
  user.request('GET', '/second', 10, 0, null);
  user.endArrival();
  user.request('GET', '/after the arrival', 10, 0, null);

  const [first, ...rest] = main.samples;
  assert.equal(first![0], '/first');
  assert.ok(first![1] >= 500 && first![1] <= after - before + 500, `corrected latency ${first![1]}`);
  assert.deepEqual(rest, [
    ['/second', 10],
    ['/after the arrival', 10],
  ]);
  assert.deepEqual(uncorrected.samples, [
    ['/first', 10],
    ['/second', 10],
    ['/after the arrival', 10],
  ]);
  assert.deepEqual(step.samples, [first, ['/second', 10]]);
});

test('a request slower than the arrival’s delay keeps its own latency', () => {
  const main = sampleRecorder();
  const user = new UserSink(new RunSinks(main));
  user.beginArrival(performance.now(), null);
  user.request('GET', '/slow', 60_000, 0, null);
  assert.deepEqual(main.samples, [['/slow', 60_000]]);
});

test('an arrival ended before any request corrects nothing after it', () => {
  const main = sampleRecorder();
  const user = new UserSink(new RunSinks(main));
  user.beginArrival(performance.now() - 500, null);
  user.endArrival();
  user.request('GET', '/closed', 10, 0, null);
  assert.deepEqual(main.samples, [['/closed', 10]]);
});

test('samples and exceptions stop when the user is cut off or the run has ended', () => {
  const main = sampleRecorder();
  const run = new RunSinks(main);
  const user = new UserSink(run);
  user.request('GET', '/counted', 1, 0, null);
  user.exception(new Error('counted'));
  user.open = false;
  user.request('GET', '/cut off', 1, 0, null);
  user.exception(new Error('cut off'));
  user.open = true;
  run.open = false;
  user.request('GET', '/after the end', 1, 0, null);
  user.exception(new Error('after the end'));
  assert.deepEqual(main.samples, [['/counted', 1]]);
  assert.deepEqual(main.exceptions, ['counted']);
});

test('the run’s sinks take samples and exceptions while open, without uncorrected figures or checks to keep', () => {
  const main = sampleRecorder();
  const run = new RunSinks(main);
  run.request('GET', '/a', 5, 0, null);
  run.check('GET', '/a', 'a sink without checks', true);
  run.exception(new Error('kept'));
  const step = sampleRecorder();
  const user = new UserSink(run);
  user.beginArrival(performance.now(), step);
  user.check('GET', '/a', 'a step without checks', true);
  run.open = false;
  run.request('GET', '/b', 5, 0, null);
  run.exception(new Error('dropped'));
  assert.deepEqual(main.samples, [['/a', 5]]);
  assert.deepEqual(main.exceptions, ['kept']);
  const recorder = checkRecorder();
  const closed = new RunSinks(recorder);
  closed.open = false;
  closed.check('GET', '/a', 'after the run ended', true);
  assert.deepEqual(recorder.checks, []);
});
