import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TIMELINE_ENDPOINTS, RunTimeline } from '../../../src/report/render/timeline.ts';
import { smallSnapshot } from '../fixtures.ts';

test('timeline: one point per snapshot with the last-10-s figures', () => {
  const timeline = new RunTimeline();
  timeline.add(smallSnapshot(1_000_000, 3));
  timeline.add(smallSnapshot(1_001_000, 4));
  const d = timeline.data();
  assert.deepEqual(d.time, [1000, 1001]);
  assert.deepEqual(d.users, [3, 4]);
  assert.deepEqual(d.rps, [12.4, 12.4]);
  assert.deepEqual(d.failuresPerSec, [0.1, 0.1]);
  assert.deepEqual(d.p50Ms, [9.5, 9.5]);
  assert.deepEqual(d.p95Ms, [95, 95]);
  assert.deepEqual(d.p99Ms, [210, 210]);
});

test('timeline: memory stays bounded on long runs, points stay evenly spaced', () => {
  const timeline = new RunTimeline(100);
  // A day of one-second snapshots.
  const snapshot = smallSnapshot();
  for (let second = 0; second < 86_400; second++) {
    snapshot.timestamp = second * 1000;
    timeline.add(snapshot);
  }
  const d = timeline.data();
  assert.ok(d.time.length <= 100 && d.time.length >= 50, `kept ${d.time.length}`);
  const steps = [...new Set(d.time.slice(1).map((t, i) => t - (d.time[i] as number)))];
  assert.equal(steps.length, 1, `uneven steps ${steps}`);
  assert.equal(d.time[0], 0);
  assert.ok((d.time.at(-1) as number) > 86_400 - 2 * (steps[0] as number));
  const { endpoints, ...columns } = d;
  for (const column of Object.values(columns)) assert.equal(column.length, d.time.length);
  assert.ok((endpoints?.length ?? 0) > 0);
  for (const e of endpoints ?? []) {
    for (const column of [e.rps, e.p50Ms, e.p95Ms]) assert.equal(column.length, d.time.length);
  }
});

test('timeline: each endpoint gets its own columns, empty (null) before it was first seen, at most 30', () => {
  const timeline = new RunTimeline();
  const snapshot = smallSnapshot();
  const [first, second] = snapshot.endpoints;
  timeline.add({ ...snapshot, endpoints: [second!] });
  timeline.add(snapshot);
  const endpoints = timeline.data().endpoints ?? [];
  const byKey = new Map(endpoints.map((e) => [`${e.method} ${e.name}`, e]));
  const late = byKey.get(`${first!.method} ${first!.name}`);
  const early = byKey.get(`${second!.method} ${second!.name}`);
  assert.deepEqual(late?.p95Ms, [null, first!.currentPercentiles['95']]);
  assert.deepEqual(early?.rps, [second!.currentRps, second!.currentRps]);

  const many = new RunTimeline();
  const names = Array.from({ length: 40 }, (_, i) => ({ ...first!, name: `/n${i}` }));
  many.add({ ...snapshot, endpoints: names });
  assert.equal(many.data().endpoints?.length, MAX_TIMELINE_ENDPOINTS);
});
