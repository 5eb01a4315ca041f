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
