import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalSchedule } from '../../src/engine/arrival-schedule.ts';

test('a constant rate R puts arrival k at exactly k / R', () => {
  const schedule = new ArrivalSchedule();
  schedule.setRate(0, 200);
  for (const k of [0, 1, 2, 199, 200, 12_345]) assert.equal(schedule.timeOf(k), k / 200);
});

test('a rate of zero sends nothing, not even a first arrival, until the rate rises', () => {
  const idle = new ArrivalSchedule();
  idle.setRate(0, 0);
  assert.equal(idle.timeOf(0), Number.POSITIVE_INFINITY);
  const later = new ArrivalSchedule();
  later.plan(0, [
    { durationSec: 0, rate: 0 },
    { durationSec: 2, rate: 0 },
    { durationSec: 0, rate: 10 },
  ]);
  assert.equal(later.timeOf(0), 2);
  assert.equal(later.timeOf(1), 2.1);
});

test('a linear ramp puts arrival k where the integral of the rate reaches k', () => {
  const schedule = new ArrivalSchedule();
  schedule.plan(0, [{ durationSec: 10, rate: 100 }]); // from 0 to 100/s over 10 s: A(t) = 5 t²
  assert.equal(schedule.timeOf(0), 0);
  assert.ok(Math.abs(schedule.timeOf(500) - 10) < 1e-9);
  assert.ok(Math.abs(schedule.timeOf(125) - 5) < 1e-9);
});

/** 20/s for 2 s, a ramp to 60/s over 4 s, then 60/s: A(2) = 40, A(6) = 200, A(t ≥ 6) = 200 + 60 (t − 6). */
function rampingUp(): ArrivalSchedule {
  const schedule = new ArrivalSchedule(20);
  schedule.plan(2, [{ durationSec: 4, rate: 60 }]);
  return schedule;
}

test('the rate moves linearly along a ramp that starts later, then holds the ramp’s end rate', () => {
  const schedule = rampingUp();
  assert.deepEqual(
    [0, 2, 3, 4, 6, 100].map((t) => schedule.rateAt(t)),
    [20, 20, 30, 40, 60, 60],
  );
});

test('arrivals due by a time add up the rate before, along and after a ramp', () => {
  const schedule = rampingUp();
  assert.deepEqual(
    [0, 1, 2, 4, 6, 8].map((t) => schedule.arrivalsBy(t)),
    [0, 20, 40, 100, 200, 320],
  );
});

test('an arrival inside a ramp up or down is due where the arrivals reach it', () => {
  const up = rampingUp();
  assert.deepEqual(
    [20, 40, 100, 200, 320].map((k) => up.timeOf(k)),
    [1, 2, 4, 6, 8],
  );
  const down = new ArrivalSchedule(60);
  down.plan(0, [{ durationSec: 4, rate: 20 }]); // A(u) = 60 u − 5 u²
  assert.equal(down.timeOf(100), 2);
  assert.equal(down.timeOf(160), 4);
  assert.equal(down.timeOf(180), 5);
});

test('a ramp down to zero still sends its first arrival at once, and no arrival past its last', () => {
  const schedule = new ArrivalSchedule();
  schedule.plan(0, [
    { durationSec: 0, rate: 10 },
    { durationSec: 2, rate: 0 },
  ]); // A(2) = 10, then nothing
  assert.equal(schedule.timeOf(0), 0);
  assert.equal(schedule.timeOf(10), 2);
  assert.equal(schedule.timeOf(11), Number.POSITIVE_INFINITY);
});

test('re-planning mid-ramp keeps what was due before and the ramp’s slope up to then', () => {
  const schedule = new ArrivalSchedule();
  schedule.plan(0, [{ durationSec: 10, rate: 100 }]); // A(t) = 5 t² while ramping
  schedule.setRate(4, 10); // at 4 s: rate 40, A = 80; then 10/s
  assert.deepEqual(
    [3, 4, 5].map((t) => schedule.rateAt(t)),
    [30, 10, 10],
  );
  assert.deepEqual(
    [3, 4, 6].map((t) => schedule.arrivalsBy(t)),
    [45, 80, 100],
  );
  assert.equal(schedule.timeOf(45), 3);
  assert.equal(schedule.timeOf(90), 5);
});

test('re-planning after several segments cuts the one running then, not an earlier one', () => {
  const schedule = new ArrivalSchedule();
  schedule.plan(0, [
    { durationSec: 2, rate: 10 }, // A(2) = 10
    { durationSec: 2, rate: 30 }, // A(4) = 50
  ]);
  schedule.setRate(5, 0); // 30/s from 4 to 5: A(5) = 80, then nothing
  assert.deepEqual(
    [1, 3, 4.5, 5, 9].map((t) => schedule.rateAt(t)),
    [5, 20, 30, 0, 0],
  );
  assert.equal(schedule.arrivalsBy(9), 80);
  assert.equal(schedule.timeOf(50), 4);
  assert.equal(schedule.timeOf(80), 5);
  assert.equal(schedule.timeOf(81), Number.POSITIVE_INFINITY);
});
