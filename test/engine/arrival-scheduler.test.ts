import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalScheduler } from '../../src/engine/arrival-scheduler.ts';

// Mocked timers fire on their own clock while performance.now() stays put: each comes "early", as a real
// one can by a fraction of a millisecond (libuv's loop clock is coarser than performance.now()).

test('an arrival whose timer fires before performance.now() reaches its time is launched then, on time', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const launched: number[] = [];
  const arrivals = new ArrivalScheduler((intendedMs) => launched.push(intendedMs));
  const origin = performance.now();
  arrivals.start(origin);
  arrivals.plan([{ durationSec: 0, rate: 10 }], origin); // arrivals at 0, 100, 200 ms…
  assert.equal(launched.length, 1);
  t.mock.timers.tick(100);
  assert.equal(launched.length, 2);
  t.mock.timers.tick(200); // armed for 200 ms after a performance.now() that has not moved
  assert.equal(launched.length, 3);
  // Never stamped later than the moment it was launched.
  for (const at of launched) assert.ok(at <= performance.now());
  arrivals.stop();
});

test('launchBefore launches what was intended before a moment (the run end, a step end), not from it on', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let launched = 0;
  const arrivals = new ArrivalScheduler(() => {
    launched += 1;
  });
  const origin = performance.now();
  arrivals.start(origin);
  arrivals.plan([{ durationSec: 0, rate: 10 }], origin);
  arrivals.launchBefore(origin + 200); // arrivals at 0 and 100 ms; the one at 200 belongs after
  assert.equal(launched, 2);
  arrivals.endAt(origin + 250);
  arrivals.launchBefore(origin + 1000); // the end caps it: 200 ms is the last
  assert.equal(launched, 3);
  assert.equal(arrivals.scheduled, 3);
  t.mock.timers.tick(1000);
  assert.equal(launched, 3);
  arrivals.stop();
});
