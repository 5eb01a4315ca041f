import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserDistribution } from '../../src/engine/user-distribution.ts';
import { user } from '../../src/script/user.ts';

const named = (name: string, opts: { weight?: number; fixedCount?: number } = {}) =>
  Object.assign(user({ ...opts, tasks: [() => {}] }), { name });

function sequence(classes: ReturnType<typeof named>[], n: number): string {
  const d = new UserDistribution(classes);
  return Array.from({ length: n }, () => d.next()?.name ?? '-').join('');
}

test('weights 5:1 interleave like Locust (AAABAAAAABAA)', () => {
  assert.equal(sequence([named('B', { weight: 1 }), named('A', { weight: 5 })], 12), 'AAABAAAAABAA');
});

test('equal weights alternate in name order', () => {
  assert.equal(sequence([named('b'), named('a')], 6), 'ababab');
});

test('weight 3:1 keeps the ratio exact at every multiple of 4', () => {
  const d = new UserDistribution([named('R', { weight: 3 }), named('W', { weight: 1 })]);
  const counts = { R: 0, W: 0 };
  for (let i = 1; i <= 400; i++) {
    counts[d.next()?.name as 'R' | 'W'] += 1;
    if (i % 4 === 0) assert.deepEqual(counts, { R: (i / 4) * 3, W: i / 4 });
  }
});

test('fixed-count classes are filled first, then weights apply', () => {
  assert.equal(sequence([named('F', { fixedCount: 2 }), named('a'), named('b')], 6), 'FFabab');
});

test('only fixed-count classes: none once they are full', () => {
  assert.equal(sequence([named('F', { fixedCount: 2 })], 4), 'FF--');
});
