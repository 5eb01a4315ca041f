import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderChecksCsv, writeChecksCsv } from '../../src/report/render/checks-csv.ts';
import { csvField, csvRow } from '../../src/report/render/csv-row.ts';
import { renderExceptionsCsv, writeExceptionsCsv } from '../../src/report/render/exceptions-csv.ts';
import { renderFailuresCsv, writeFailuresCsv } from '../../src/report/render/failures-csv.ts';
import { renderStatsCsv, writeStatsCsv } from '../../src/report/render/stats-csv.ts';
import { endpoint, percentiles, smallSummary } from './fixtures.ts';
import { tempDir } from './temp-dir.ts';

const lines = (csv: string): string[] => {
  assert.ok(csv.endsWith('\r\n'), 'every record ends with CRLF');
  return csv.slice(0, -2).split('\r\n');
};

test('fields are quoted per RFC 4180 only when needed', () => {
  assert.equal(csvField('plain /path'), 'plain /path');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('line1\nline2'), '"line1\nline2"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvField(''), '');
  assert.equal(csvField(12.5), '12.5');
  assert.equal(csvRow(['', 'x,y', 3]), ',"x,y",3\r\n');
});

test('stats CSV: Locust header, endpoints sorted by name, Aggregated last with an empty Type', () => {
  assert.deepEqual(lines(renderStatsCsv(smallSummary())), [
    'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,' +
      'Max Response Time,Average Content Size,Requests/s,Failures/s,' +
      '50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
    'POST,/login,10,1,200.123,250.25,100.4,1500.6,48,1,0.1,' +
      '200.123,210,220,230,300,1500.6,1500.6,1500.6,1500.6,1500.6,1500.6',
    'GET,/students,120,0,9.876,12.346,0.412,187.25,512.5,12,0,9.876,11,12,13,20.5,40,90,120,187.25,187.25,187.25',
    ',Aggregated,130,1,10.05,30.6,0.412,1500.6,476.6,13,0.1,10.05,11.5,12.5,14,25,100,200.123,220,1500.6,1500.6,1500.6',
  ]);
});

test('stats CSV: percentiles are N/A for a row without requests', () => {
  const summary = smallSummary();
  summary.endpoints = [endpoint({ method: 'GET', name: '/never', percentiles: {} })];
  const rows = lines(renderStatsCsv(summary));
  assert.equal(rows[1], 'GET,/never,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A');
});

test('stats CSV quotes names with commas, quotes and newlines', () => {
  const summary = smallSummary();
  summary.endpoints = [endpoint({ name: '/search?q=a,b "c"\nd', requests: 0 })];
  const csv = renderStatsCsv(summary);
  assert.ok(csv.includes('\r\nGET,"/search?q=a,b ""c""\nd",0,0,'));
});

test('failures CSV: Locust header, one row per failure, quoted error', () => {
  const summary = smallSummary();
  summary.failures.push({ method: 'GET', name: '/x', error: 'check "status", got 404', occurrences: 7 });
  assert.deepEqual(lines(renderFailuresCsv(summary)), [
    'Method,Name,Error,Occurrences',
    'POST,/login,HTTP 500,1',
    'GET,/x,"check ""status"", got 404",7',
  ]);
});

test('exceptions CSV: Locust header, stack as Traceback, node "local"', () => {
  const summary = smallSummary();
  summary.exceptions = [
    { message: 'TypeError: boom', count: 3, stack: 'TypeError: boom\n    at task (s.ts:3:9)' },
  ];
  assert.equal(
    renderExceptionsCsv(summary),
    'Count,Message,Traceback,Nodes\r\n3,TypeError: boom,"TypeError: boom\n    at task (s.ts:3:9)",local\r\n',
  );
});

test('checks CSV: a row per check and endpoint in the summary order, pass ratio 0-1, quoted names', () => {
  const summary = smallSummary();
  summary.checks = [
    { name: 'status is 201', method: 'POST', endpoint: '/login', passes: 9, fails: 1 },
    { name: 'says "hi", politely', method: 'POST', endpoint: '/login', passes: 0, fails: 4 },
    { name: 'fast', method: 'GET', endpoint: '/students', passes: 2, fails: 1 },
  ];
  assert.deepEqual(lines(renderChecksCsv(summary)), [
    'Check,Method,Endpoint,Passes,Fails,Pass Ratio',
    'status is 201,POST,/login,9,1,0.9',
    '"says ""hi"", politely",POST,/login,0,4,0',
    'fast,GET,/students,2,1,0.666667',
  ]);
});

test('checks CSV: the ratio is never rounded to 1 with a fail nor to 0 with a pass; N/A without runs', () => {
  const summary = smallSummary();
  summary.checks = [
    { name: 'almost', method: 'GET', endpoint: '/a', passes: 9_999_999, fails: 1 },
    { name: 'barely', method: 'GET', endpoint: '/a', passes: 1, fails: 9_999_999 },
    { name: 'always', method: 'GET', endpoint: '/a', passes: 5, fails: 0 },
    { name: 'reset', method: 'GET', endpoint: '/a', passes: 0, fails: 0 },
  ];
  assert.deepEqual(lines(renderChecksCsv(summary)).slice(1), [
    'almost,GET,/a,9999999,1,0.999999',
    'barely,GET,/a,1,9999999,0.000001',
    'always,GET,/a,5,0,1',
    'reset,GET,/a,0,0,N/A',
  ]);
});

test('empty failures, exceptions and checks still get their header', () => {
  const summary = smallSummary();
  summary.failures = [];
  assert.equal(renderFailuresCsv(summary), 'Method,Name,Error,Occurrences\r\n');
  assert.equal(renderExceptionsCsv(summary), 'Count,Message,Traceback,Nodes\r\n');
  assert.deepEqual(summary.checks, []);
  assert.equal(renderChecksCsv(summary), 'Check,Method,Endpoint,Passes,Fails,Pass Ratio\r\n');
});

test('write* functions write PREFIX_*.csv and return the path', async () => {
  const dir = await tempDir();
  const prefix = join(dir, 'out', 'run');
  const summary = smallSummary();
  assert.equal(await writeStatsCsv(prefix, summary), `${prefix}_stats.csv`);
  assert.equal(await writeFailuresCsv(prefix, summary), `${prefix}_failures.csv`);
  assert.equal(await writeExceptionsCsv(prefix, summary), `${prefix}_exceptions.csv`);
  assert.equal(await writeChecksCsv(prefix, summary), `${prefix}_checks.csv`);
  assert.deepEqual((await readdir(join(dir, 'out'))).sort(), [
    'run_checks.csv',
    'run_exceptions.csv',
    'run_failures.csv',
    'run_stats.csv',
  ]);
  assert.equal(await readFile(`${prefix}_stats.csv`, 'utf8'), renderStatsCsv(summary));
});

test('stats CSV: a row without requests shows N/A even where its percentiles read 0', () => {
  const summary = smallSummary();
  summary.endpoints = [
    endpoint({ method: 'GET', name: '/reset', percentiles: percentiles(Array(11).fill(0)) }),
  ];
  assert.equal(
    lines(renderStatsCsv(summary))[1],
    `GET,/reset,0,0,0,0,0,0,0,0,0,${Array(11).fill('N/A').join(',')}`,
  );
});
