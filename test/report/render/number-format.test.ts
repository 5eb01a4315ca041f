import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  csvMs,
  csvRate,
  formatDecimal,
  formatMsForConsole,
} from '../../../src/report/render/number-format.ts';

test('formatDecimal keeps up to N decimals without trailing zeros', () => {
  assert.equal(formatDecimal(12.5, 3), '12.5');
  assert.equal(formatDecimal(12.34567, 3), '12.346');
  assert.equal(formatDecimal(3, 3), '3');
  assert.equal(formatDecimal(0.0004, 3), '0');
  assert.equal(formatDecimal(-0.0001, 3), '0');
  assert.equal(formatDecimal(Number.NaN, 3), 'N/A');
});

test('CSV times keep microseconds, rates keep six decimals', () => {
  assert.equal(csvMs(0.4123), '0.412');
  assert.equal(csvMs(187.25), '187.25');
  assert.equal(csvRate(1 / 3600), '0.000278');
});

test('console times: integers from 100 ms, one decimal from 10 ms, two below', () => {
  assert.equal(formatMsForConsole(0.412), '0.41');
  assert.equal(formatMsForConsole(9.876), '9.88');
  assert.equal(formatMsForConsole(9.996), '10.0');
  assert.equal(formatMsForConsole(12.34), '12.3');
  assert.equal(formatMsForConsole(99.96), '100');
  assert.equal(formatMsForConsole(1500.6), '1501');
});
