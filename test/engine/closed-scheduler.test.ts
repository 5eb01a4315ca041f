import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClosedScheduler, type UserSpawner } from '../../src/engine/closed-scheduler.ts';

function countingSpawner(): UserSpawner & { spawned: number; retired: number } {
  const s = {
    spawned: 0,
    retired: 0,
    spawn: () => {
      s.spawned += 1;
      return true;
    },
    retire: () => {
      s.retired += 1;
    },
  };
  return s;
}

test('a stage ending as the next begins reaches its target even when the next timer fires early', () => {
  const spawner = countingSpawner();
  const closed = new ClosedScheduler(spawner);
  // Stage 1 ramps 0 → 2 over 10 s and started 9.9 s ago: by the clock only one user is due yet. (The
  // 100 ms to go are room for a slow machine: with 0.4 ms, a pause before the first tick made it two.)
  const stage1At = performance.now() - 9_900;
  closed.retarget(2, 0.2, { firstAtOnce: false, atMs: stage1At });
  assert.equal(spawner.spawned, 1);
  // Stage 2's timer fired early (timers round to whole ms; here by more): the second user still comes first.
  closed.retarget(0, 0.2, { firstAtOnce: false, atMs: stage1At + 10_000 });
  assert.equal(spawner.spawned, 2);
  assert.equal(closed.current, 2);
  closed.stop();
});

test('a ramp step whose timer fires before performance.now() reaches its time is made then, not 1 ms later', (t) => {
  // Mocked timers fire on their own clock while performance.now() stays put: each comes "early".
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const spawner = countingSpawner();
  const closed = new ClosedScheduler(spawner);
  closed.retarget(2, 4, { firstAtOnce: false }); // users at 250 ms and 500 ms
  assert.equal(spawner.spawned, 0);
  t.mock.timers.tick(250);
  assert.equal(spawner.spawned, 1);
  t.mock.timers.tick(500); // armed for 500 ms after a performance.now() that has not moved
  assert.equal(spawner.spawned, 2);
  assert.ok(closed.idle);
  closed.stop();
});

test('advanceTo makes the changes due by then, and only those', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const spawner = countingSpawner();
  const closed = new ClosedScheduler(spawner);
  const at = performance.now();
  closed.retarget(4, 4, { firstAtOnce: false, atMs: at }); // users at 250, 500, 750, 1000 ms
  closed.advanceTo(at + 500); // the run's end, say, whose timer fired before the clock got there
  assert.equal(spawner.spawned, 2);
  closed.advanceTo(at + 999);
  assert.equal(spawner.spawned, 3);
  closed.stop();
});

test('an infinite rate changes everyone at once; retiring goes down to the target', () => {
  const spawner = countingSpawner();
  const closed = new ClosedScheduler(spawner);
  closed.retarget(5, Number.POSITIVE_INFINITY);
  assert.equal(spawner.spawned, 5);
  assert.ok(closed.idle);
  closed.retarget(2, 0);
  assert.equal(spawner.retired, 3);
  assert.equal(closed.current, 2);
  closed.stop();
});
