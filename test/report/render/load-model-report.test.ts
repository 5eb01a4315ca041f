import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArrivalSummary } from '../../../src/metrics/summary.ts';
import { arrivalReport } from '../../../src/report/render/load-model-report.ts';

function arrivals(dropped: number, droppedSaturated: number): ArrivalSummary {
  const latency = { percentiles: { '50': 1, '95': 2, '99': 3 }, maxMs: 4 };
  return {
    targetRate: 100,
    achievedRate: 98,
    durationSec: 10,
    scheduled: 1000,
    launched: 1000 - dropped,
    dropped,
    droppedSaturated,
    maxUsers: 50,
    iteration: latency,
    uncorrected: { endpoints: [], aggregated: latency },
  } as unknown as ArrivalSummary;
}

const droppedLine = (a: ArrivalSummary) =>
  arrivalReport(a).find((line) => line.includes('dropped') || line.includes('DROPPED'));

test('the report says why arrivals were dropped: no user free at the cap, volley itself saturated, or both', () => {
  assert.match(droppedLine(arrivals(0, 0)) ?? '', /dropped 0 \(max users 50\)/);
  assert.match(droppedLine(arrivals(20, 0)) ?? '', /DROPPED 20 \(2%: no free user under max users 50\)/);
  assert.match(
    droppedLine(arrivals(20, 20)) ?? '',
    /DROPPED 20 \(2%: volley itself saturated, below max users 50: the generator fell behind, not the target\)/,
  );
  assert.match(
    droppedLine(arrivals(20, 5)) ?? '',
    /DROPPED 20 \(2%: no free user under max users 50; 5 of them with volley itself saturated\)/,
  );
});
