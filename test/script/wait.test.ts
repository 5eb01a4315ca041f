import assert from 'node:assert/strict';
import { test } from 'node:test';
import { between, constant, constantPacing, constantThroughput } from '../../src/script/wait.ts';

const ctx = (taskDurationSec: number, r = 0.5) => ({ taskDurationSec, random: () => r });

test('between spreads uniformly over [min, max]', () => {
  const w = between(0.5, 2);
  assert.equal(w.seconds(ctx(0, 0)), 0.5);
  assert.equal(w.seconds(ctx(0, 0.5)), 1.25);
  assert.ok(w.seconds(ctx(0, 0.999999)) < 2);
});

test('constant ignores the task duration', () => {
  assert.equal(constant(3).seconds(ctx(10)), 3);
});

test('constantPacing waits what is left of the period', () => {
  assert.equal(constantPacing(2).seconds(ctx(0.5)), 1.5);
  assert.equal(constantPacing(2).seconds(ctx(3)), 0);
});

test('constantThroughput is pacing at 1/rate', () => {
  assert.equal(constantThroughput(4).seconds(ctx(0.05)), 0.2);
});

test('bad arguments throw with the value named', () => {
  assert.throws(() => between(2, 1), /between\(2, 1\): max is below min/);
  assert.throws(() => constant(-1), /constant: expected a number of seconds ≥ 0, got -1/);
  assert.throws(() => constantThroughput(0), /runs per second > 0, got 0/);
});
