import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installValues } from '../../src/trace/interceptors/values.ts';
import type { CallLine, TraceLine } from '../../src/trace/trace-format.ts';
import { Tracer } from '../../src/trace/tracer.ts';

// This file's process records its own clock: installValues replaces the globals for good.
const RealDate = Date;
const lines: TraceLine[] = [];
const tracer = new Tracer({
  mode: 'record',
  process: '1',
  writer: { write: (line) => lines.push(line), beginStream() {}, endStream() {} },
  events: { emit() {} },
});
installValues(tracer);
const kinds = () => lines.map((line) => (line as CallLine).k);

test('reading the current time is recorded: new Date(), Date() and Date.now()', () => {
  lines.length = 0;
  const before = RealDate.now();
  const made = new Date();
  const text = Date();
  const now = Date.now();
  assert.deepEqual(kinds(), ['time.date', 'time.date', 'time.now']);
  assert.ok(made.getTime() >= before && now >= made.getTime());
  assert.equal(typeof text, 'string');
  assert.equal((lines[0] as CallLine).r, made.getTime());
});

test('a date made from a given time is not recorded and is a real Date', () => {
  lines.length = 0;
  const parsed = new Date('2020-01-02T03:04:05Z');
  const parts = new Date(2020, 1, 2, 3, 4, 5, 6);
  const copy = new Date(parsed);
  assert.deepEqual(kinds(), []);
  assert.equal(parsed.toISOString(), '2020-01-02T03:04:05.000Z');
  assert.equal(parts.getMonth(), 1);
  assert.equal(parts.getMilliseconds(), 6);
  assert.equal(copy.getTime(), parsed.getTime());
  assert.equal(Object.prototype.toString.call(parsed), '[object Date]');
});

test('Date still looks like Date: instanceof both ways, prototype, statics, name and length', () => {
  const made = new Date(0);
  assert.ok(made instanceof Date);
  assert.ok(made instanceof RealDate);
  assert.ok(new RealDate(0) instanceof Date);
  assert.equal(Date.prototype, RealDate.prototype);
  assert.equal(Date.UTC(2020, 0, 1), 1577836800000);
  assert.equal(Date.parse('2020-01-01T00:00:00Z'), 1577836800000);
  assert.equal(Date.name, 'Date');
  assert.equal(Date.length, 7);
});

test('subclasses of Date work, and their reads of the current time are recorded', () => {
  lines.length = 0;
  class Stamp extends Date {
    label(): string {
      return `at ${this.getTime()}`;
    }
  }
  const now = new Stamp();
  const epoch = new Stamp(0);
  assert.ok(now instanceof Stamp && now instanceof Date);
  assert.equal(epoch.label(), 'at 0');
  assert.deepEqual(kinds(), ['time.date']);
});
