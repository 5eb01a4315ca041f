import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalTotals, addArrivalSnapshots, arrivalSummary } from '../../src/engine/arrival-summary.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import type { ArrivalSummary } from '../../src/metrics/summary.ts';

function statsWith(requests: number): RunStats {
  const stats = new RunStats();
  stats.start();
  for (let i = 0; i < requests; i++) stats.request('GET', '/x', 10 + i, 0, null);
  stats.stop();
  return stats;
}

/** A summary's counts, in the order the tests list them. */
function counts(summary: ArrivalSummary): number[] {
  const { durationSec, scheduled, launched, dropped, droppedSaturated, maxUsers } = summary;
  return [durationSec, scheduled, launched, dropped, droppedSaturated, maxUsers];
}

test('an arrival summary gives rates over its span, rounded to 3 decimals', () => {
  const uncorrected = statsWith(3);
  const iterations = statsWith(2);
  const summary = arrivalSummary(
    { durationSec: 3, due: 10, scheduled: 9, launched: 8, dropped: 1, droppedSaturated: 1, maxUsers: 5 },
    uncorrected,
    iterations,
  );
  assert.equal(summary.targetRate, 3.333);
  assert.equal(summary.achievedRate, 2.667);
  assert.deepEqual(counts(summary), [3, 9, 8, 1, 1, 5]);
  assert.equal(summary.iteration.requests, 2);
  assert.equal(summary.uncorrected.aggregated.requests, 3);
  uncorrected.dispose();
  iterations.dispose();
});

test("processes' shares add up: counts and caps add, the span is the longest, the target is what came due", () => {
  const totals = new ArrivalTotals();
  assert.equal(totals.summary(), null, 'no share: no arrivals');
  // The second share comes from a worker of a version before droppedSaturated: it counts as 0.
  for (const [durationSec, launched, dropped, droppedSaturated] of [
    [2, 10, 0, undefined],
    [1.5, 6, 2, 1],
    [1, 0, 3, undefined],
  ] as const) {
    const uncorrected = statsWith(launched);
    const iterations = statsWith(launched);
    totals.add({
      durationSec,
      scheduled: launched + dropped,
      launched,
      dropped,
      ...(droppedSaturated === undefined ? {} : { droppedSaturated }),
      maxUsers: 4,
      uncorrected: uncorrected.serialize(),
      iterations: iterations.serialize(),
    });
    uncorrected.dispose();
    iterations.dispose();
  }
  const summary = totals.summary();
  assert.ok(summary);
  assert.deepEqual(counts(summary), [2, 21, 16, 5, 1, 12]);
  assert.equal(summary.targetRate, 10.5);
  assert.equal(summary.achievedRate, 8);
  assert.equal(summary.iteration.requests, 16, 'histograms merge exactly');
});

test('live arrivals of several processes add up, rates too', () => {
  assert.equal(addArrivalSnapshots([]), null);
  assert.deepEqual(
    addArrivalSnapshots([
      { rate: 1.0006, scheduled: 3, launched: 2, dropped: 1 },
      { rate: 2, scheduled: 4, launched: 4, dropped: 0 },
    ]),
    { rate: 3.001, scheduled: 7, launched: 6, dropped: 1 },
  );
});
