import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKLOG_GROWTH_SHARE, BacklogGrowth, USERS_HEADROOM } from '../../src/engine/backlog-growth.ts';

/** How many users `allow` grants at `nowMs` before it refuses. */
function granted(growth: BacklogGrowth, nowMs: number, users: number, rate = 0): number {
  let made = 0;
  while (growth.allow(nowMs, users + made, () => rate) && made < 10_000) made += 1;
  return made;
}

test('for a backlog, the users grow by a share of themselves per window, at least one', () => {
  const growth = new BacklogGrowth(50);
  growth.begin(0);
  growth.taskEnded(0, 1);
  assert.equal(granted(growth, 0, 1), 1, 'one user per window when there are few');
  assert.equal(granted(growth, 10, 1), 0, 'no more in the same window');
  growth.taskEnded(40, 1);
  assert.equal(granted(growth, 50, 320), 320 * BACKLOG_GROWTH_SHARE);
  assert.equal(granted(growth, 99, 340), 0);
});

test("for a backlog, the users grow at once to what Little's law asks: the arrival rate × the last window's mean task time, with headroom", () => {
  const growth = new BacklogGrowth(50);
  growth.begin(0);
  growth.taskEnded(30, 90);
  growth.taskEnded(40, 110);
  // 1,000 arrivals/s × 100 ms = 100 users busy, with headroom.
  const needed = Math.ceil(1000 * 0.1 * USERS_HEADROOM);
  assert.equal(granted(growth, 50, 20, 1000), needed - 20);
  // The next window's tasks were quick: the share again.
  growth.taskEnded(60, 1);
  assert.equal(granted(growth, 100, 200, 1000), 200 * BACKLOG_GROWTH_SHARE);
});

test('for a backlog, while no task ends the task time is at least the time since one last did', () => {
  const growth = new BacklogGrowth(50);
  growth.begin(0);
  // No task has ended 80 ms into the run: 2,000 arrivals/s × at least 80 ms.
  assert.equal(granted(growth, 80, 10, 2000), Math.ceil(2000 * 0.08 * USERS_HEADROOM) - 10);
  growth.taskEnded(100, 100);
  // One ended at 100 ms; by 200 ms none since: at least 100 ms, as the last window's mean says.
  const share = Math.floor(300 * BACKLOG_GROWTH_SHARE);
  assert.equal(granted(growth, 130, 300, 2000), share);
  assert.equal(granted(growth, 200, 300, 2000), share);
  // By 300 ms none for 200 ms: at least 200 ms.
  assert.equal(granted(growth, 300, 300, 2000), Math.ceil(2000 * 0.2 * USERS_HEADROOM) - 300);
});

test('a task that ended on a saturated volley moves the clock of the last end but not the mean task time', () => {
  const growth = new BacklogGrowth(50);
  growth.begin(0);
  growth.taskEnded(10, 2);
  assert.equal(granted(growth, 20, 1, 1000), 2, '1,000/s × 2 ms × 1.25: 3 users, 1 there');
  // One ended on a saturated volley (its time does not count), one in 2 ms: the mean stays 2 ms.
  growth.taskEnded(60, null);
  growth.taskEnded(65, 2);
  assert.equal(granted(growth, 70, 1, 1000), 2);
  // None since 65 ms: by 125 ms, at least 60 ms.
  assert.equal(granted(growth, 125, 8, 1000), Math.ceil(1000 * 0.06 * USERS_HEADROOM) - 8);
});
