import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalSchedule } from '../../src/engine/arrival-schedule.ts';
import { applyProfile } from '../../src/engine/load-profiles.ts';
import { parseRate, parseStages } from '../../src/engine/load-stages.ts';
import { OptionError } from '../../src/engine/option-error.ts';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import type { LoadedScenario } from '../../src/engine/scenario-loader.ts';
import { user } from '../../src/index.ts';
import type { VolleyOptions } from '../../src/script/options.ts';

const scenario: LoadedScenario = {
  path: 'inline.ts',
  userClasses: [user({ name: 'u', tasks: [() => {}] })],
  options: {},
};
const plan = (options: VolleyOptions) => resolveRunPlan({ host: 'http://127.0.0.1:1', ...options }, scenario);

test('arrival schedule: constant rates, ramps and changes put arrival k exactly where A(t) = k', () => {
  const s = new ArrivalSchedule(100);
  assert.equal(s.timeOf(0), 0);
  assert.equal(s.timeOf(250), 2.5);
  // 0 → 200/s over 1 s, then 200/s: A(1) = 100, A(2) = 300.
  const ramp = new ArrivalSchedule(0);
  ramp.plan(0, [
    { durationSec: 1, rate: 200 },
    { durationSec: 1, rate: 200 },
  ]);
  assert.equal(ramp.arrivalsBy(1), 100);
  assert.equal(ramp.arrivalsBy(2), 300);
  assert.ok(Math.abs(ramp.timeOf(25) - 0.5) < 1e-12); // 100·t² = 25
  assert.ok(Math.abs(ramp.timeOf(200) - 1.5) < 1e-12);
  // A change at 2 s keeps what was due and continues at the new rate.
  ramp.setRate(2, 50);
  assert.equal(ramp.arrivalsBy(4), 400);
  assert.equal(ramp.timeOf(350), 3);
  // A ramp down to 0 never reaches beyond its area.
  const down = new ArrivalSchedule(0);
  down.plan(0, [
    { durationSec: 0, rate: 10 },
    { durationSec: 2, rate: 0 },
  ]);
  assert.equal(down.arrivalsBy(5), 10);
  assert.equal(down.timeOf(11), Number.POSITIVE_INFINITY);
});

test('rates and stages parse; bad ones are one-line option errors', () => {
  assert.equal(parseRate('3000/m', 'x'), 50);
  assert.equal(parseRate('2/h', 'x'), 2 / 3600);
  assert.equal(parseRate(' 7.5 /s', 'x'), 7.5);
  assert.deepEqual(parseStages('30s:50,2m:50,30s:0'), {
    kind: 'users',
    stages: [
      { durationSec: 30, target: 50 },
      { durationSec: 120, target: 50 },
      { durationSec: 30, target: 0 },
    ],
  });
  assert.deepEqual(parseStages([{ duration: '1m', rate: '600/m' }], 'options.stages'), {
    kind: 'rate',
    stages: [{ durationSec: 60, target: 10 }],
  });
  const bad: [VolleyOptions, RegExp][] = [
    [{ stages: '30s:5,10s:20/s' }, /^--stages: mix of users and rates/],
    [{ stages: '30s:2.5' }, /^--stages stage 1: expected a whole number of users ≥ 0, got "2.5"/],
    [{ stages: [{ duration: '1s' }] as never }, /^--stages\[0\]: expected "users" or "rate"/],
    [{ arrivalRate: '-3' }, /^--arrival-rate: expected a rate/],
    [{ arrivalRate: 5, stages: '10s:5' }, /^--stages: with --arrival-rate, give stage targets as rates/],
    [{ findCapacity: true, capacityStart: 0 }, /^--capacity-start: must be more than 0/],
    [{ findCapacity: true, stages: '1s:1' }, /^--find-capacity: cannot be combined with --stages or a shape/],
    [{ shape: 3 as never }, /^shape: expected a function/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => plan(options),
      (e: unknown) => e instanceof OptionError && message.test(e.message),
      JSON.stringify(options),
    );
  }
});

test('plans: the model, the cap and the capacity search are resolved with documented defaults', () => {
  const open = plan({ arrivalRate: '120/m' });
  assert.equal(open.loadModel, 'open');
  assert.equal(open.arrivalRate, 2);
  assert.equal(open.users, 0);
  assert.equal(open.maxUsers, 5000);
  const closed = plan({ users: 3 });
  assert.equal(closed.loadModel, 'closed');
  assert.equal(closed.arrivalRate, null);
  const search = plan({ findCapacity: true });
  assert.equal(search.loadModel, 'open');
  assert.deepEqual(search.capacity, { startRate: 10, stepRate: 10, stepDurationSec: 30, maxRate: 100000 });
  assert.deepEqual(
    search.thresholds.map((t) => t.expression),
    ['p95<500', 'fail_ratio<0.01'],
  );
});

test('profiles: defaults under whatever was set; -u and -t rescale the stages', () => {
  const load = applyProfile({ profile: 'load' });
  assert.equal(load.stages, '30s:20,240s:20,30s:0');
  assert.equal(load.runTime, undefined);
  assert.deepEqual(load.thresholds, ['p95<500', 'fail_ratio<0.01']);
  const scaled = applyProfile({ profile: 'load', users: 50, runTime: '10m', thresholds: ['p99<900'] });
  assert.equal(scaled.stages, '60s:50,480s:50,60s:0');
  assert.deepEqual(scaled.thresholds, ['p99<900']);
  const own = applyProfile({ profile: 'stress', stages: '1s:1' });
  assert.equal(own.stages, '1s:1');
  assert.equal(applyProfile({ profile: 'smoke' }).users, 1);
  const breakpoint = plan({ profile: 'breakpoint' });
  assert.equal(breakpoint.loadModel, 'open');
  assert.equal(breakpoint.capacity?.stepDurationSec, 30);
  const spike = plan({ profile: 'spike' });
  assert.deepEqual(
    spike.stages?.map((s) => s.target),
    [10, 200, 200, 10, 10, 0],
  );
});
