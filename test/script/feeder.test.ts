import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StopUser } from '../../src/script/control.ts';
import { feeder } from '../../src/script/feeder.ts';
import { resetUniqueValues, unique } from '../../src/script/unique.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-feeder-'));
writeFileSync(join(dir, 'users.csv'), 'email,password\n"a@x.test",p1\nb@x.test,"p,2"\n\n');
writeFileSync(join(dir, 'users.json'), JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]));
const vu = (id: number, r = 0) => ({ id, random: () => r });

test('CSV rows are keyed by the header; quotes and commas parse', () => {
  const f = feeder(join(dir, 'users.csv'));
  assert.deepEqual(f.rows, [
    { email: 'a@x.test', password: 'p1' },
    { email: 'b@x.test', password: 'p,2' },
  ]);
});

test('sequential loops over the rows for everyone', () => {
  const f = feeder<{ id: number }>(join(dir, 'users.json'));
  assert.deepEqual(
    Array.from({ length: 4 }, () => f.next().id),
    [1, 2, 3, 1],
  );
});

test('per-user gives user N row N, wrapping', () => {
  const f = feeder<{ id: number }>(new URL(`file://${join(dir, 'users.json')}`), { mode: 'per-user' });
  assert.deepEqual(
    [1, 2, 3, 4, 1].map((id) => f.next(vu(id)).id),
    [1, 2, 3, 1, 1],
  );
  assert.throws(() => f.next(), /mode "per-user" needs the user: call next\(vu\)/);
});

test('unique hands each row out once, then stops the asking user', () => {
  const f = feeder([{ n: 1 }, { n: 2 }], { mode: 'unique' });
  assert.equal(f.next().n, 1);
  assert.equal(f.next().n, 2);
  assert.throws(
    () => f.next(),
    (e) => e instanceof StopUser && /all 2 unique rows were used/.test(e.message),
  );
});

test('random picks by the user random source', () => {
  const f = feeder([{ n: 1 }, { n: 2 }], { mode: 'random' });
  assert.equal(f.next(vu(1, 0.99)).n, 2);
  assert.equal(f.next(vu(1, 0)).n, 1);
});

test('bad sources fail with the path named', () => {
  assert.throws(() => feeder(join(dir, 'nope.csv')), /feeder: cannot read .*nope\.csv: ENOENT/);
  writeFileSync(join(dir, 'obj.json'), '{"a":1}');
  assert.throws(
    () => feeder(join(dir, 'obj.json')),
    /cannot parse .*obj\.json as json: expected a JSON array/,
  );
  assert.throws(() => feeder([]), /the data has no rows/);
});

test('unique values never repeat and reproduce with a seed', () => {
  resetUniqueValues(7);
  const a = [unique.email(), unique.id(), unique.name('student')];
  resetUniqueValues(7);
  assert.deepEqual([unique.email(), unique.id(), unique.name('student')], a);
  assert.match(a[0] ?? '', /^user-[0-9a-z]{6}-1@example\.test$/);
  const many = new Set(Array.from({ length: 10000 }, () => unique.email()));
  assert.equal(many.size, 10000);
});
