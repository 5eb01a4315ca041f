import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../../src/metrics/summary.ts';
import {
  ARRIVALS_CSV_COLUMNS,
  CAPACITY_CSV_COLUMNS,
  renderArrivalsCsv,
  renderCapacityCsv,
  writeLoadModelCsv,
} from '../../../src/report/render/load-model-csv.ts';
import { csvMs } from '../../../src/report/render/number-format.ts';
import { tempDir } from '../temp-dir.ts';

/** Each percentile a distinct value, so a column reading the wrong one shows. */
const percentiles = (base: number) => ({ '50': base + 1, '90': base + 2, '95': base + 3, '99': base + 4 });

/** The CSV as one record per row: column name → value. */
function records(csv: string): Record<string, string>[] {
  const [header, ...rows] = csv
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
  return rows.map((row) =>
    Object.fromEntries((header as string[]).map((name, i) => [name, row[i] as string])),
  );
}

test('arrivals CSV: every column holds its own figure', () => {
  const summary = {
    arrivals: {
      targetRate: 100,
      achievedRate: 99.5,
      durationSec: 10,
      scheduled: 1000,
      launched: 995,
      dropped: 5,
      droppedSaturated: 3,
      maxUsers: 50,
      iteration: { percentiles: percentiles(10) },
      uncorrected: { aggregated: { percentiles: percentiles(20), maxMs: 99 } },
    },
  } as unknown as RunSummary;
  const [row] = records(renderArrivalsCsv(summary) as string);
  assert.deepEqual(Object.keys(row ?? {}), ARRIVALS_CSV_COLUMNS);
  assert.equal(row?.Scheduled, '1000');
  assert.equal(row?.Launched, '995');
  assert.equal(row?.Dropped, '5');
  assert.equal(row?.['Max Users'], '50');
  assert.equal(row?.['Iteration Median'], csvMs(11));
  assert.equal(row?.['Iteration 95%'], csvMs(13));
  assert.equal(row?.['Iteration 99%'], csvMs(14));
  assert.equal(row?.['Uncorrected Median'], csvMs(21));
  assert.equal(row?.['Uncorrected 95%'], csvMs(23));
  assert.equal(row?.['Uncorrected 99%'], csvMs(24));
  assert.equal(row?.['Uncorrected Max'], csvMs(99));
  assert.equal(row?.['Dropped (volley saturated)'], '3');
});

test('capacity CSV: a row per step, every column its own figure', () => {
  const step = (rate: number, passed: boolean) => ({
    rate,
    achievedRate: rate - 1,
    launched: rate * 10,
    dropped: 2,
    requests: rate * 10 - 2,
    failRatio: passed ? 0 : 0.25,
    p50Ms: rate + 0.5,
    p95Ms: rate + 0.95,
    p99Ms: rate + 0.99,
    passed,
    broken: passed ? [] : ['p95<100'],
  });
  const summary = { capacity: { steps: [step(10, true), step(20, false)] } } as unknown as RunSummary;
  const rows = records(renderCapacityCsv(summary) as string);
  assert.deepEqual(Object.keys(rows[0] ?? {}), CAPACITY_CSV_COLUMNS);
  assert.equal(rows.length, 2);
  assert.equal(rows[1]?.['Rate/s'], '20');
  assert.equal(rows[1]?.['50%'], csvMs(20.5));
  assert.equal(rows[1]?.['95%'], csvMs(20.95));
  assert.equal(rows[1]?.['99%'], csvMs(20.99));
  assert.equal(rows[1]?.Passed, 'false');
  assert.equal(rows[1]?.Broken, 'p95<100');
  assert.equal(rows[0]?.Passed, 'true');
});

test('both CSVs have their exact headers, the capacity one every figure of a step and its broken thresholds', () => {
  const arrivals = {
    arrivals: {
      targetRate: 100,
      achievedRate: 99.5,
      durationSec: 10.25,
      scheduled: 1000,
      launched: 995,
      dropped: 5,
      droppedSaturated: 3,
      maxUsers: 50,
      iteration: { percentiles: percentiles(10) },
      uncorrected: { aggregated: { percentiles: percentiles(20), maxMs: 99 } },
    },
  } as unknown as RunSummary;
  assert.deepEqual((renderArrivalsCsv(arrivals) as string).split('\r\n').slice(0, 2), [
    'Target Arrivals/s,Achieved Arrivals/s,Duration (s),Scheduled,Launched,Dropped,Max Users,Iteration Median,' +
      'Iteration 95%,Iteration 99%,Uncorrected Median,Uncorrected 95%,Uncorrected 99%,Uncorrected Max,' +
      'Dropped (volley saturated)',
    '100,99.5,10.25,1000,995,5,50,11,13,14,21,23,24,99,3',
  ]);
  const capacity = {
    capacity: {
      steps: [
        {
          rate: 20,
          achievedRate: 19.5,
          launched: 195,
          dropped: 5,
          requests: 190,
          failRatio: 0.25,
          p50Ms: 1,
          p95Ms: 2,
          p99Ms: 3,
          passed: false,
          broken: ['p95<100', 'fail_ratio<0.01'],
        },
      ],
    },
  } as unknown as RunSummary;
  assert.equal(
    renderCapacityCsv(capacity),
    'Rate/s,Achieved Rate/s,Launched,Dropped,Request Count,Fail Ratio,50%,95%,99%,Passed,Broken\r\n' +
      '20,19.5,195,5,190,0.25,1,2,3,false,p95<100; fail_ratio<0.01\r\n',
  );
});

test('the load-model CSVs are written as PREFIX_arrivals.csv and PREFIX_capacity.csv, only for runs that have them', async () => {
  const dir = await tempDir();
  const summary = {
    arrivals: {
      targetRate: 1,
      achievedRate: 1,
      durationSec: 1,
      scheduled: 1,
      launched: 1,
      dropped: 0,
      maxUsers: 1,
      iteration: { percentiles: percentiles(1) },
      uncorrected: { aggregated: { percentiles: percentiles(2), maxMs: 3 } },
    },
    capacity: { steps: [] },
  } as unknown as RunSummary;
  await writeLoadModelCsv(join(dir, 'open'), summary);
  await writeLoadModelCsv(join(dir, 'closed'), {} as RunSummary);
  assert.deepEqual((await readdir(dir)).sort(), ['open_arrivals.csv', 'open_capacity.csv']);
  assert.equal(await readFile(join(dir, 'open_arrivals.csv'), 'utf8'), renderArrivalsCsv(summary));
  assert.equal(await readFile(join(dir, 'open_capacity.csv'), 'utf8'), renderCapacityCsv(summary));
});
