import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClosedModel } from '../../src/engine/closed-model.ts';
import { user } from '../../src/index.ts';
import type { AnyUserClass } from '../../src/script/user.ts';
import { until } from '../helpers/until.ts';
import { testPool } from '../helpers/user-pool.ts';

/** Users that each record their class and id, then loop over a short task. */
function classes() {
  const started: { cls: string; id: number }[] = [];
  const make = (name: string, weight: number) =>
    user({
      name,
      weight,
      onStart: (vu) => void started.push({ cls: vu.userName, id: vu.id }),
      tasks: [async (vu) => vu.sleep(0.01)],
    }) as AnyUserClass;
  return { started, list: [make('a', 2), make('b', 1)] };
}

test('the closed model starts its users at once with an infinite spawn rate, all of them active', async () => {
  const { list } = classes();
  const t = testPool(list);
  const model = new ClosedModel({
    pool: t.pool,
    schedule: { kind: 'users', users: 4, spawnRate: Number.POSITIVE_INFINITY, delaySec: 0 },
    stopTimeoutSec: 0,
  });
  model.start(performance.now());
  assert.equal(model.activeUsers, 4);
  assert.equal(t.pool.size, 4);
  assert.ok(model.idle);
  model.stop();
  await t.close();
  assert.equal(t.pool.size, 0);
});

test('retargeting down retires the newest users; retargeting up brings their classes back first', async () => {
  const { list, started } = classes();
  const t = testPool(list);
  const model = new ClosedModel({ pool: t.pool, schedule: null, stopTimeoutSec: 0 });
  model.start(performance.now());
  assert.equal(model.activeUsers, 0, 'no schedule: steered only');
  model.retarget(6);
  const firstSix = started.map((s) => s.cls);
  assert.deepEqual(firstSix, ['a', 'b', 'a', 'a', 'b', 'a'], 'weights 2:1, interleaved');
  model.retarget(3);
  assert.equal(model.activeUsers, 3);
  await until(() => t.pool.size === 3, 'the three retired users to finish their task and leave');
  model.retarget(5);
  // Retired newest first (users 6 a, 5 b, 4 a), so the last retired (4, a) comes back first, then 5 (b).
  assert.deepEqual(
    started.slice(6).map((s) => s.cls),
    ['a', 'b'],
  );
  model.retarget(6);
  assert.deepEqual(
    started.slice(6).map((s) => s.cls),
    ['a', 'b', 'a'],
    'the class ratio is back',
  );
  assert.equal(model.activeUsers, 6);
  model.stop();
  await t.close();
});

test("stages are the closed model's own schedule, each ramp's last user landing on the stage's end", async () => {
  const { list } = classes();
  const t = testPool(list);
  const model = new ClosedModel({
    pool: t.pool,
    schedule: {
      kind: 'stages',
      stages: [
        { durationSec: 0, target: 2 },
        { durationSec: 0.2, target: 4 },
      ],
    },
    stopTimeoutSec: 0,
  });
  const startMs = performance.now();
  model.start(startMs);
  assert.equal(model.activeUsers, 2, 'a stage of 0 s is a jump');
  await until(() => model.activeUsers === 4, 'the second stage to reach 4 users');
  assert.ok(performance.now() - startMs >= 195, 'the last user of the ramp comes at its end, not before');
  model.stop();
  model.retarget(10);
  assert.equal(model.activeUsers, 4, 'a stopped model starts no user');
  await t.close();
});

test('a worker of a multi-process run starts exactly the users it was given, in order, with their ids', async () => {
  const { list, started } = classes();
  const [a, b] = list as [AnyUserClass, AnyUserClass];
  const t = testPool(list);
  const model = new ClosedModel({
    pool: t.pool,
    schedule: { kind: 'users', users: 3, spawnRate: Number.POSITIVE_INFINITY, delaySec: 0 },
    partition: {
      index: 1,
      count: 2,
      users: [
        { id: 2, userClass: b },
        { id: 4, userClass: a },
      ],
      spawnDelaySec: 0,
      arrivalDelaySec: 0,
    },
    stopTimeoutSec: 0,
  });
  model.start(performance.now());
  await until(() => started.length === 2, 'both users to start');
  assert.deepEqual(started, [
    { cls: 'b', id: 2 },
    { cls: 'a', id: 4 },
  ]);
  assert.equal(model.activeUsers, 2, 'no third user: the partition has two');
  model.stop();
  await t.close();
});
