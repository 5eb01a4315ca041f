import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { runLoadTest } from '../../src/engine/run.ts';
import { constant, type UserClass, user } from '../../src/index.ts';
import type { VolleyOptions } from '../../src/script/options.ts';

/**
 * performance.now() runs 1% slow, so every real timer fires before performance.now() reaches the time it
 * was set for, by 1% of its delay: what a Node timer can do by a fraction of a millisecond (libuv's loop
 * clock is coarser than performance.now()), made large enough to happen every time.
 */
function slowClock(t: TestContext): void {
  const real = performance.now.bind(performance);
  const originMs = real();
  t.mock.method(performance, 'now', () => originMs + (real() - originMs) * 0.99);
}

// biome-ignore lint/suspicious/noExplicitAny: test scenarios of any state type
function run(options: VolleyOptions, cls: UserClass<any>) {
  return runLoadTest(
    resolveRunPlan(
      { host: 'http://127.0.0.1:9', ...options },
      { path: 'inline.ts', userClasses: [cls], options: {} },
      {
        log: () => {},
      },
    ),
  );
}

test('user stages: the last user of the last ramp starts even when the end timer fires early', async (t) => {
  slowClock(t);
  // 0 → 2 over 0.5 s: users at 250 ms and 500 ms, the second exactly at the planned end.
  const summary = await run(
    { stages: '0.5s:2' },
    user({ name: 'u', wait: constant(0.05), tasks: [() => {}] }),
  );
  assert.equal(summary.meta.stopReason, 'stages');
  assert.equal(summary.meta.peakUsers, 2);
});

test('open model: every arrival due before the planned end launches even when the end timer fires early', async (t) => {
  slowClock(t);
  // 1000/s for 1 s: arrivals at 0, 1, … 999 ms; the last 10 fall in the 10 ms the end timer comes early.
  const summary = await run({ arrivalRate: 1000, runTime: '1s' }, user({ name: 'u', tasks: [() => {}] }));
  const a = summary.arrivals;
  assert.ok(a);
  assert.equal(summary.meta.stopReason, 'run-time');
  assert.equal(a.scheduled, 1000);
  assert.equal(a.launched, 1000);
  assert.equal(a.targetRate, 1000);
  assert.equal(a.achievedRate, 1000);
});
