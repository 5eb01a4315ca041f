import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../src/engine/duration.ts';

test('durations in Locust and k6 forms', () => {
  assert.equal(parseDuration('90s', 't'), 90);
  assert.equal(parseDuration('1h30m', 't'), 5400);
  assert.equal(parseDuration('2m', 't'), 120);
  assert.equal(parseDuration('500ms', 't'), 0.5);
  assert.equal(parseDuration('1.5s', 't'), 1.5);
  assert.equal(parseDuration('1m30s', 't'), 90);
  assert.equal(parseDuration('45', 't'), 45);
  assert.equal(parseDuration(12, 't'), 12);
  assert.equal(parseDuration(' 10S ', 't'), 10);
});

test('bad durations say what to write', () => {
  for (const bad of ['', 'ten', '10x', '1h-5m', 's', '5 m']) {
    assert.throws(() => parseDuration(bad, '--run-time'), {
      name: 'OptionError',
      message: `--run-time: invalid duration "${bad}"; use e.g. 30s, 5m, 1h30m, 500ms`,
    });
  }
  assert.throws(() => parseDuration(-1, '--run-time'), /expected a duration ≥ 0, got -1/);
});
