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

/** A launch that takes 0.1 ms of CPU, as making a user and sending its request can. */
function busyLaunch(launched: number[]): (intendedMs: number) => void {
  return (intendedMs) => {
    launched.push(intendedMs);
    const until = performance.now() + 0.1;
    while (performance.now() < until);
  };
}

test('arrivals that fell due together are launched in slices of about a millisecond, each with its intended time', async () => {
  const launched: number[] = [];
  const arrivals = new ArrivalScheduler(busyLaunch(launched));
  const origin = performance.now() - 1000; // a second late: 1,000 arrivals due at once
  arrivals.start(origin);
  arrivals.plan([{ durationSec: 0, rate: 1000 }], origin);
  // The clock is read every 16 launches, and 16 take 1.6 ms: the first slice ends there.
  assert.equal(launched.length, 16);
  // Between slices the event loop turns (responses are read, users freed): an immediate queued now
  // runs after the next slice, not after all of them.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(launched.length, 32);
  for (let turns = 0; launched.length < 1000 && turns < 1000; turns++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  arrivals.stop();
  assert.ok(launched.length >= 1000, `${launched.length} launched`);
  // Every one with the time the schedule intended (1 ms apart from the origin), in order.
  for (let i = 0; i < 1000; i++)
    assert.ok(Math.abs((launched[i] as number) - (origin + i)) < 1e-6, `arrival ${i}`);
});

test('launchBefore launches every arrival before its moment at once, without slices', () => {
  const launched: number[] = [];
  const arrivals = new ArrivalScheduler(busyLaunch(launched));
  const origin = performance.now();
  arrivals.start(origin);
  arrivals.endAt(origin + 10_000);
  arrivals.plan([{ durationSec: 0, rate: 1000 }], origin + 1); // the first arrival in 1 ms
  arrivals.launchBefore(origin + 1 + 200); // as at a stage's end: 200 arrivals, all of them now
  assert.equal(launched.length, 200);
  arrivals.stop();
});
