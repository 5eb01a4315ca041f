import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKLOG_GROWTH_SHARE,
  BacklogLimit,
  SATURATED_BUSY_USERS,
  USERS_HEADROOM,
} from '../../src/engine/backlog-limit.ts';

const WINDOW_MS = 50;

/** Little's law with headroom: users busy at once for `rate` arrivals/s of `taskMs` each. */
function littlesLaw(rate: number, taskMs: number): number {
  return Math.ceil((rate * taskMs * USERS_HEADROOM) / 1000);
}

test('with time to spare, the users working off a backlog may grow by a share of those busy per window, at least one', () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  backlog.taskEnded(0, 1);
  assert.equal(
    backlog.limit(0, 1, () => 0, false),
    2,
    'one more when few are busy',
  );
  assert.equal(
    backlog.limit(10, 2, () => 0, false),
    2,
    'the same all window',
  );
  backlog.taskEnded(40, 1);
  assert.equal(
    backlog.limit(50, 320, () => 0, false),
    320 * (1 + BACKLOG_GROWTH_SHARE),
  );
  assert.equal(
    backlog.limit(99, 360, () => 0, false),
    360,
  );
});

test("with time to spare, the limit is at once what Little's law asks of the quickest recent task", () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  backlog.taskEnded(30, 110);
  backlog.taskEnded(40, 100);
  // 1,000 arrivals/s × 100 ms = 100 users busy, with headroom.
  assert.equal(
    backlog.limit(50, 20, () => 1000, false),
    littlesLaw(1000, 100),
  );
  // 2,000/s: twice as many.
  backlog.taskEnded(60, 120);
  assert.equal(
    backlog.limit(100, 20, () => 2000, false),
    littlesLaw(2000, 100),
  );
});

test("the base task time is the quickest task of the last windows: tasks slowed by volley's own queueing do not raise it", () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  backlog.taskEnded(0, 1);
  // Windows whose tasks took 15 ms (volley behind), then more.
  for (let at = 60; at < 400; at += 20) backlog.taskEnded(at, 15);
  assert.equal(backlog.usersNeeded(70_000, 400), littlesLaw(70_000, 1));
  // Sixteen windows later the quick one is forgotten: a target that slowed is followed.
  for (let at = 400; at < 1300; at += 20) backlog.taskEnded(at, 15);
  assert.equal(backlog.usersNeeded(1000, 1300), littlesLaw(1000, 15));
});

test('with time to spare, while no task ends the task time is at least the time since one last did', () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  // No task has ended 80 ms into the run: 2,000 arrivals/s × at least 80 ms.
  assert.equal(
    backlog.limit(80, 10, () => 2000, false),
    littlesLaw(2000, 80),
  );
  backlog.taskEnded(100, 1);
  // One ended at 100 ms, in 1 ms: from then, that is the task time.
  assert.equal(
    backlog.limit(130, 300, () => 2000, false),
    Math.floor(300 * (1 + BACKLOG_GROWTH_SHARE)),
  );
  // By 300 ms none for 200 ms: at least 200 ms.
  assert.equal(
    backlog.limit(300, 300, () => 2000, false),
    littlesLaw(2000, 200),
  );
});

test(`while volley is behind, the limit is ${SATURATED_BUSY_USERS} however many are busy, or what Little's law asks of the quickest recent task if more`, () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  assert.equal(
    backlog.limit(0, 500, () => 50_000, true),
    SATURATED_BUSY_USERS,
    'no task has ended',
  );
  backlog.taskEnded(10, 0.4);
  // 50,000/s × 0.4 ms × 1.25 = 25 users: fewer than the floor.
  assert.equal(
    backlog.limit(50, 500, () => 50_000, true),
    SATURATED_BUSY_USERS,
  );
  backlog.taskEnded(60, 100);
  backlog.taskEnded(70, 100);
  // The quick task is forgotten sixteen windows on: 1,000/s of 100 ms tasks need 125 users busy.
  backlog.taskEnded(900, 100);
  assert.equal(
    backlog.limit(900, 500, () => 1000, true),
    littlesLaw(1000, 100),
  );
  // Time to spare: Little's law too.
  backlog.taskEnded(940, 100);
  assert.equal(
    backlog.limit(950, 32, () => 2000, false),
    littlesLaw(2000, 100),
  );
});

test('a task that ended on a saturated volley moves the clock of the last end but not the task time', () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  // Cold-start tasks, slowed by volley itself: they do not count.
  backlog.taskEnded(10, null);
  backlog.taskEnded(20, null);
  assert.equal(
    backlog.limit(30, 500, () => 70_000, true),
    SATURATED_BUSY_USERS,
  );
  backlog.taskEnded(60, null);
  // None counted this window, the last end at 60 ms: by 125 ms at least 65 ms.
  assert.equal(
    backlog.limit(125, 8, () => 1000, false),
    littlesLaw(1000, 65),
  );
});

test("a window's quickest task counts for sixteen windows from the window's close, to the millisecond; the windows since still count", () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  // Windows close at the first task 50 ms or more after they opened: [0, 50) holds 1 and 5 ms, closing
  // at 50; [50, 100) holds 4 ms, closing at 100; 9 ms opens the next.
  backlog.taskEnded(0, 1);
  backlog.taskEnded(20, 5);
  backlog.taskEnded(50, 4);
  backlog.taskEnded(100, 9);
  const baseAt = (nowMs: number) => backlog.usersNeeded(1000, nowMs);
  assert.equal(baseAt(845), littlesLaw(1000, 1));
  assert.equal(baseAt(850), littlesLaw(1000, 1), 'sixteen windows from its close at 50 ms');
  assert.equal(baseAt(900), littlesLaw(1000, 4), 'then the window closed at 100 ms, to its sixteenth');
  assert.equal(baseAt(901), littlesLaw(1000, 9), 'then the window still open');
});

test('the limit follows volley falling behind or catching up at once, not at the next window', () => {
  const backlog = new BacklogLimit(WINDOW_MS);
  backlog.begin(0);
  backlog.taskEnded(10, 0.4);
  const grown = Math.floor(200 * (1 + BACKLOG_GROWTH_SHARE));
  assert.equal(
    backlog.limit(20, 200, () => 1000, false),
    grown,
  );
  assert.equal(
    backlog.limit(30, 200, () => 1000, true),
    SATURATED_BUSY_USERS,
    'behind, 10 ms later',
  );
  assert.equal(
    backlog.limit(40, 200, () => 1000, false),
    grown,
    'time to spare again',
  );
});
