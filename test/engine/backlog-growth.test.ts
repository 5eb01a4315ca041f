import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKLOG_GROWTH_SHARE, BacklogGrowth } from '../../src/engine/backlog-growth.ts';

/** How many users `allow` grants at `nowMs` before it refuses. */
function granted(growth: BacklogGrowth, nowMs: number, users: number, waiting: number): number {
  let made = 0;
  while (growth.allow(nowMs, users + made, waiting) && made < 10_000) made += 1;
  return made;
}

test('for a backlog, the users grow by a share of themselves per window, at least one', () => {
  const growth = new BacklogGrowth(50);
  assert.equal(granted(growth, 0, 1, 10), 1, 'one user per window when there are few');
  assert.equal(granted(growth, 10, 1, 20), 0, 'no more in the same window');
  assert.equal(granted(growth, 50, 320, 30), 320 * BACKLOG_GROWTH_SHARE);
  assert.equal(granted(growth, 99, 340, 40), 0);
});

test('for a backlog, no user is added while the waiting arrivals drain: the users are catching up', () => {
  const growth = new BacklogGrowth(50);
  assert.equal(granted(growth, 0, 160, 500), 20);
  // A window later fewer wait than at its start: none is added all window long, however many still wait.
  assert.equal(granted(growth, 50, 160, 400), 0);
  assert.equal(granted(growth, 80, 160, 400), 0);
  // The next window the backlog grew again from 400: growth resumes.
  assert.equal(granted(growth, 100, 160, 450), 20);
  // As many waiting as a window before is not draining: the users are not catching up.
  assert.equal(granted(growth, 150, 160, 450), 20);
});
