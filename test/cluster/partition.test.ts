import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assignUserClasses,
  effectiveWorkerCount,
  PartitionError,
  partitionPlan,
  shareOf,
} from '../../src/cluster/partition.ts';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import type { RunPlan } from '../../src/engine/run-plan.ts';
import { task, type UserClass, user } from '../../src/index.ts';
import type { VolleyOptions } from '../../src/script/options.ts';

const named = (name: string, opts: { weight?: number; fixedCount?: number; tags?: string[] } = {}) =>
  Object.assign(user({ ...opts, tasks: [task({ tags: opts.tags ?? [] }, () => {})] }), { name });

// biome-ignore lint/suspicious/noExplicitAny: classes of any state
function plan(options: VolleyOptions, ...classes: UserClass<any>[]): RunPlan {
  return resolveRunPlan(
    { host: 'http://127.0.0.1:1', ...options },
    { path: 's.ts', userClasses: classes, options: {} },
  );
}

/** Every worker's share, flattened back to (id, class name, start second), sorted by id. */
function recombine(p: RunPlan, k: number) {
  return Array.from({ length: k }, (_, i) => partitionPlan(p, i, k))
    .flatMap((share) =>
      share.partition!.users.map((u, m) => ({
        id: u.id,
        cls: u.userClass.name,
        startSec: Number.isFinite(share.spawnRate) ? share.partition!.spawnDelaySec + m / share.spawnRate : 0,
      })),
    )
    .sort((a, b) => a.id - b.id);
}

test('shares are floor or ceil and add up exactly, the remainder on the first workers', () => {
  for (let total = 0; total <= 40; total++) {
    for (let k = 1; k <= 7; k++) {
      const shares = Array.from({ length: k }, (_, i) => shareOf(total, i, k));
      assert.equal(
        shares.reduce((a, b) => a + b, 0),
        total,
      );
      assert.ok(shares.every((s) => s === Math.floor(total / k) || s === Math.ceil(total / k)));
      assert.deepEqual(
        shares,
        shares.toSorted((a, b) => b - a),
      );
    }
  }
});

test('users split over workers: same ids, classes and start times as the single-process run', () => {
  const p = plan(
    { users: 23, spawnRate: 4, iterations: 3 },
    named('B', { weight: 1 }),
    named('A', { weight: 5 }),
  );
  const single = assignUserClasses(p).map((cls, j) => ({ id: j + 1, cls: cls.name, startSec: j / 4 }));
  assert.equal(single.length, 23);
  for (const k of [1, 2, 3, 4, 5, 23]) {
    const shares = Array.from({ length: k }, (_, i) => partitionPlan(p, i, k));
    assert.deepEqual(
      shares.map((s) => s.users),
      Array.from({ length: k }, (_, i) => shareOf(23, i, k)),
    );
    for (const share of shares) {
      assert.equal(share.iterations, 3, 'iterations per user unchanged');
      assert.equal(share.spawnRate, 4 / k);
      assert.equal(share.partition?.count, k);
    }
    const merged = recombine(p, k);
    assert.deepEqual(
      merged.map(({ id, cls }) => ({ id, cls })),
      single.map(({ id, cls }) => ({ id, cls })),
      `k=${k}`,
    );
    for (const [j, u] of merged.entries()) {
      assert.ok(Math.abs(u.startSec - single[j]!.startSec) < 1e-9, `k=${k} user ${u.id} starts on time`);
    }
  }
});

test('the class mix stays exact overall and at every moment of the ramp (weights 3:1 over 3 workers)', () => {
  const p = plan({ users: 40, spawnRate: 10 }, named('R', { weight: 3 }), named('W', { weight: 1 }));
  const merged = recombine(p, 3);
  for (let n = 4; n <= 40; n += 4) {
    const firstN = merged.filter((u) => u.startSec < n / 10 - 1e-9);
    assert.equal(firstN.length, n);
    assert.equal(firstN.filter((u) => u.cls === 'W').length, n / 4);
  }
});

test('fixed-count classes are placed as in a single process, and the run stops where it would', () => {
  const p = plan({ users: 9 }, named('F', { fixedCount: 2 }), named('a'), named('b'));
  assert.deepEqual(
    recombine(p, 2).map((u) => u.cls),
    ['F', 'F', 'a', 'b', 'a', 'b', 'a', 'b', 'a'],
  );
  const onlyFixed = plan({ users: 5 }, named('F', { fixedCount: 3 }));
  const shares = [0, 1].map((i) => partitionPlan(onlyFixed, i, 2).users);
  assert.deepEqual(shares, [2, 1]);
});

test('classes left without tasks by tag selection are not distributed (as in the engine)', () => {
  const p = plan({ users: 4, tags: ['x'] }, named('a', { tags: ['x'] }), named('b', { tags: ['y'] }));
  assert.deepEqual(
    recombine(p, 2).map((u) => u.cls),
    ['a', 'a', 'a', 'a'],
  );
});

test('per-user seeds: user id i gets deriveSeed(runSeed, i) in whichever worker it lands', () => {
  const p = plan({ users: 10, seed: 42 }, named('a'));
  for (let i = 0; i < 3; i++) {
    const share = partitionPlan(p, i, 3);
    assert.equal(share.seed, 42);
    for (const u of share.partition!.users) assert.equal(u.id % 3, (i + 1) % 3);
  }
});

test('spawning all at once stays all at once; bad indexes are refused; never more workers than users', () => {
  const p = plan({ users: 3 }, named('a'));
  const share = partitionPlan(p, 1, 2);
  assert.equal(share.spawnRate, Number.POSITIVE_INFINITY);
  assert.equal(share.partition?.spawnDelaySec, 0);
  assert.throws(() => partitionPlan(p, 2, 2), PartitionError);
  assert.throws(() => partitionPlan(p, 0, 0), PartitionError);
  assert.equal(effectiveWorkerCount(8, p), 3);
  assert.equal(effectiveWorkerCount(2, p), 2);
});

test('open model: each worker runs R/k, phased so that arrival j of the run (at j/R) is worker j mod k', () => {
  const p = plan({ arrivalRate: 300, maxUsers: 10, runTime: '10s' }, named('A'));
  const shares = [0, 1, 2].map((i) => partitionPlan(p, i, 3));
  assert.deepEqual(
    shares.map((s) => s.arrivalRate),
    [100, 100, 100],
  );
  assert.deepEqual(
    shares.map((s) => s.maxUsers),
    [4, 3, 3],
  );
  // Worker i's m-th arrival is due at i/R + m·k/R: together, every multiple of 1/R exactly once.
  const times = shares
    .flatMap((s) => Array.from({ length: 5 }, (_, m) => s.partition!.arrivalDelaySec + m / s.arrivalRate!))
    .map((t) => Math.round(t * 300))
    .sort((a, b) => a - b);
  assert.deepEqual(
    times,
    Array.from({ length: 15 }, (_, j) => j),
  );
  assert.equal(effectiveWorkerCount(8, p), 8, 'the open model is not capped by users');
});

test('stages: every stage target is shared exactly and workers get the users of the peak', () => {
  const p = plan({ stages: '2s:5,4s:5,2s:0' }, named('A'), named('B'));
  const shares = [0, 1].map((i) => partitionPlan(p, i, 2));
  for (const [s, stage] of p.stages!.entries()) {
    assert.equal(
      shares.reduce((sum, share) => sum + share.stages![s]!.target, 0),
      stage.target,
    );
  }
  assert.deepEqual(
    shares.flatMap((s) => s.partition!.users.map((u) => u.id)).sort((a, b) => a - b),
    [1, 2, 3, 4, 5],
  );
  assert.equal(effectiveWorkerCount(8, p), 5, 'capped by the peak of the stages');
});

test('classes with no task left after tag selection get no users, even from a plan not yet filtered', () => {
  const a = named('a', { tags: ['x'] });
  const b = named('b', { tags: ['y'] });
  assert.deepEqual(
    assignUserClasses({ userClasses: [a, b], users: 3, tags: ['x'], excludeTags: [] }).map((c) => c.name),
    ['a', 'a', 'a'],
  );
  assert.deepEqual(
    assignUserClasses({ userClasses: [a, b], users: 2, tags: [], excludeTags: ['x'] }).map((c) => c.name),
    ['b', 'b'],
  );
});

test('a worker count below 1 or not whole, and an index outside 0..count−1 or not whole, are refused by name', () => {
  const p = plan({ users: 3 }, named('a'));
  for (const count of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => partitionPlan(p, 0, count),
      (error: Error) =>
        error instanceof PartitionError &&
        error.name === 'PartitionError' &&
        error.message === `worker count must be a whole number ≥ 1, got ${count}`,
    );
  }
  for (const index of [-1, 0.5, 2, 3]) {
    assert.throws(
      () => partitionPlan(p, index, 2),
      (error: Error) =>
        error instanceof PartitionError && error.message === `worker index must be 0..1, got ${index}`,
    );
  }
  assert.equal(partitionPlan(p, 0, 1).users, 3);
});

test('with stages, a worker starts its users when the stages say, not phased by the spawn rate', () => {
  const p = plan({ stages: '2s:5,4s:5,2s:0', spawnRate: 2 }, named('A'));
  const share = partitionPlan(p, 1, 2);
  assert.equal(share.spawnRate, 1);
  assert.equal(share.partition!.spawnDelaySec, 0);
  const phased = partitionPlan(plan({ users: 4, spawnRate: 2 }, named('A')), 1, 2);
  assert.equal(phased.partition!.spawnDelaySec, 0.5);
});

test('a worker’s users now are its share of the run’s users, its users at the peak of the stages come later', () => {
  const p = plan({ users: 2, stages: '2s:6' }, named('A'));
  const shares = [0, 1].map((i) => partitionPlan(p, i, 2));
  assert.deepEqual(
    shares.map((s) => s.users),
    [1, 1],
  );
  assert.deepEqual(
    shares.map((s) => s.partition!.users.length),
    [3, 3],
  );
});

test('open model: rate stages are divided, arrivals are not phased under stages, and workers start no users', () => {
  const p = plan({ arrivalRate: 30, stages: '2s:100/s,2s:0/s', maxUsers: 4 }, named('A'));
  const share = partitionPlan(p, 1, 2);
  assert.equal(share.arrivalRate, 15);
  assert.deepEqual(
    share.stages!.map((s) => s.target),
    [50, 0],
  );
  assert.equal(share.partition!.arrivalDelaySec, 0);
  assert.deepEqual(share.partition!.users, []);
  const idle = partitionPlan(plan({ arrivalRate: 0, maxUsers: 4 }, named('A')), 1, 2);
  assert.equal(idle.partition!.arrivalDelaySec, 0);
  assert.equal(idle.stages, null);
  const steered = partitionPlan(
    { ...plan({ arrivalRate: 10, maxUsers: 4 }, named('A')), arrivalRate: null },
    1,
    2,
  );
  assert.equal(steered.arrivalRate, null);
  assert.equal(steered.partition!.arrivalDelaySec, 0);
});
