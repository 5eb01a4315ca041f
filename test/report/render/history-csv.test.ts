import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderChecksCsv } from '../../../src/report/render/checks-csv.ts';
import { renderHistoryHeader, renderHistoryRows } from '../../../src/report/render/history-csv.ts';
import { renderStatsCsv } from '../../../src/report/render/stats-csv.ts';
import { ReportWriteError } from '../../../src/report/report-error.ts';
import { CsvReporter } from '../../../src/report/reporters/csv-reporter.ts';
import { endpoint, percentiles, smallSnapshot, smallSummary } from '../fixtures.ts';
import { tempDir } from '../temp-dir.ts';

const HEADER =
  'Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,' +
  'Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,' +
  'Total Min Response Time,Total Max Response Time,Total Average Content Size';
const AGGREGATED_ROW =
  '1735787050,10,,Aggregated,12.4,0.1,10.05,11.5,12.5,14,25,100,200.123,220,1500.6,1500.6,1500.6,130,1,10.05,30.6,0.412,1500.6,476.6';
/** With --csv-full-history Locust writes current-window percentiles (use_current=full_history). */
const AGGREGATED_CURRENT_ROW =
  '1735787050,10,,Aggregated,12.4,0.1,9.5,10.5,11.5,13,22,95,190,210,1400,1400,1400,130,1,10.05,30.6,0.412,1500.6,476.6';
const LOGIN_ROW =
  '1735787050,10,POST,/login,0.9,0.1,190,200,210,220,290,1400,1400,1400,1400,1400,1400,10,1,200.123,250.25,100.4,1500.6,48';
const STUDENTS_ROW =
  '1735787050,10,GET,/students,11.5,0,9,10,11,12,19,38,80,110,150,150,150,120,0,9.876,12.346,0.412,187.25,512.5';

const records = (text: string): string[] => text.split('\r\n').slice(0, -1);

test('history header is exactly Locust 2.x', () => {
  assert.equal(renderHistoryHeader(), `${HEADER}\r\n`);
});

test('without full history a snapshot is one Aggregated row: current rates, whole-run percentiles and totals', () => {
  assert.deepEqual(records(renderHistoryRows(smallSnapshot(), false)), [AGGREGATED_ROW]);
});

test('with full history a snapshot is one row per endpoint, sorted, then Aggregated', () => {
  assert.deepEqual(records(renderHistoryRows(smallSnapshot(), true)), [
    LOGIN_ROW,
    STUDENTS_ROW,
    AGGREGATED_CURRENT_ROW,
  ]);
});

test('a row without requests has N/A percentiles', () => {
  const snapshot = smallSnapshot();
  snapshot.aggregated = endpoint({ method: '', name: 'Aggregated' });
  assert.deepEqual(records(renderHistoryRows(snapshot, false)), [
    '1735787050,10,,Aggregated,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0,0,0,0',
  ]);
});

test('CsvReporter: header on start, Aggregated rows accumulate, final files at the end', async () => {
  const dir = await tempDir();
  const prefix = join(dir, 'run');
  await writeFile(`${prefix}_stats_history.csv`, 'left over from an earlier run\r\n');
  const reporter = new CsvReporter({ prefix });
  await reporter.onStart();
  assert.equal(await readFile(`${prefix}_stats_history.csv`, 'utf8'), `${HEADER}\r\n`);

  await reporter.onSnapshot(smallSnapshot(1_735_787_050_900));
  await reporter.onSnapshot(smallSnapshot(1_735_787_051_900, 12));
  const summary = smallSummary();
  summary.checks = [{ name: 'status is 201', method: 'POST', endpoint: '/login', passes: 9, fails: 1 }];
  await reporter.onEnd(summary);
  await reporter.onSnapshot(smallSnapshot(1_735_787_052_900));

  assert.deepEqual(records(await readFile(`${prefix}_stats_history.csv`, 'utf8')), [
    HEADER,
    AGGREGATED_ROW,
    AGGREGATED_ROW.replace('1735787050,10,', '1735787051,12,'),
  ]);
  assert.equal(await readFile(`${prefix}_stats.csv`, 'utf8'), renderStatsCsv(summary));
  assert.equal(
    await readFile(`${prefix}_checks.csv`, 'utf8'),
    renderChecksCsv(summary),
    'the named checks, written with the other final files',
  );
  assert.deepEqual((await readdir(dir)).sort(), [
    'run_checks.csv',
    'run_exceptions.csv',
    'run_failures.csv',
    'run_stats.csv',
    'run_stats_history.csv',
  ]);
});

test('CsvReporter with fullHistory appends every endpoint per snapshot', async () => {
  const dir = await tempDir();
  const prefix = join(dir, 'nested', 'full');
  const reporter = new CsvReporter({ prefix, fullHistory: true });
  await reporter.onStart();
  await reporter.onSnapshot(smallSnapshot());
  await reporter.onSnapshot(smallSnapshot());
  await reporter.onEnd(smallSummary());
  const history = records(await readFile(`${prefix}_stats_history.csv`, 'utf8'));
  assert.deepEqual(history, [
    HEADER,
    LOGIN_ROW,
    STUDENTS_ROW,
    AGGREGATED_CURRENT_ROW,
    LOGIN_ROW,
    STUDENTS_ROW,
    AGGREGATED_CURRENT_ROW,
  ]);
});

test('CsvReporter writes the header itself when the first snapshot comes before any start', async () => {
  const dir = await tempDir();
  const reporter = new CsvReporter({ prefix: join(dir, 'late') });
  await reporter.onSnapshot(smallSnapshot());
  await reporter.onEnd(smallSummary());
  assert.deepEqual(records(await readFile(join(dir, 'late_stats_history.csv'), 'utf8')), [
    HEADER,
    AGGREGATED_ROW,
  ]);
});

test('CsvReporter fails with a ReportWriteError when the history file cannot be created', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'file'), '');
  const reporter = new CsvReporter({ prefix: join(dir, 'file', 'run') });
  await assert.rejects(reporter.onStart(), (error: unknown) => {
    assert.ok(error instanceof ReportWriteError);
    assert.equal(error.path, join(dir, 'file', 'run_stats_history.csv'));
    return true;
  });
});

test('history rows without requests show N/A percentiles, whole-run or current, even where they read 0', () => {
  const snapshot = smallSnapshot();
  const zero = {
    ...endpoint({ method: '', name: 'Aggregated', percentiles: percentiles(Array(11).fill(0)) }),
  };
  zero.currentPercentiles = percentiles(Array(11).fill(0));
  snapshot.aggregated = zero;
  snapshot.endpoints = [];
  for (const full of [false, true]) {
    const [row] = records(renderHistoryRows(snapshot, full));
    assert.equal(
      row!.split(',').slice(6, 17).join(','),
      Array(11).fill('N/A').join(','),
      `fullHistory ${full}`,
    );
  }
});
