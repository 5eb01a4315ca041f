import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFinalReport } from '../../../src/report/render/final-report.ts';
import { type ConsoleOutput, ConsoleReporter } from '../../../src/report/reporters/console.ts';
import { endpoint, smallSnapshot, smallSummary } from '../fixtures.ts';

const FINAL = `\
Type     Name        # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s
--------|----------|-------|-------------|-------|-------|-------|-------|--------|-----------
POST     /login          10    1(10.00%) |    250     100    1501    200 |    1.00        0.10
GET      /students      120     0(0.00%) |   12.3    0.41     187   9.88 |   12.00        0.00
--------|----------|-------|-------------|-------|-------|-------|-------|--------|-----------
         Aggregated     130     1(0.77%) |   30.6    0.41    1501   10.1 |   13.00        0.10

Response time percentiles
Type     Name            50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs
--------|----------|--------|------|------|------|------|------|------|------|------|------|------|------
POST     /login          200    210    220    230    300   1501   1501   1501   1501   1501   1501     10
GET      /students      9.88   11.0   12.0   13.0   20.5   40.0   90.0    120    187    187    187    120
--------|----------|--------|------|------|------|------|------|------|------|------|------|------|------
         Aggregated     10.1   11.5   12.5   14.0   25.0    100    200    220   1501   1501   1501    130

Error report
# occurrences      Error
------------------|---------------------------------------------------------------------------
1                  POST /login: HTTP 500
------------------|---------------------------------------------------------------------------

Thresholds (1 of 2 failed)
✓ GET /students: p95<500   actual 40.0 ms   target < 500 ms
✗ fail_ratio<0.001         actual 0.0077    target < 0.001
`;

/** Collects what a reporter writes. */
function capture(options: { isTTY?: boolean; columns?: number } = {}): ConsoleOutput & { chunks: string[] } {
  const chunks: string[] = [];
  return { ...options, chunks, write: (text: string) => chunks.push(text) };
}

/** Every ANSI control sequence starts with ESC. */
const ESC = '\x1b';

test("final report: Locust's end-of-run layout, exactly", () => {
  const out = capture();
  new ConsoleReporter({ out }).onEnd(smallSummary());
  assert.deepEqual(out.chunks, [FINAL]);
});

test('final report adds exceptions with their first stack frame, and no error report without failures', () => {
  const summary = smallSummary();
  summary.failures = [];
  summary.thresholds = [];
  summary.exceptions = [
    {
      message: 'TypeError: x is not a function',
      count: 3,
      stack: 'TypeError: x\n    at task (/s.ts:3:9)\n    at run',
    },
  ];
  const text = renderFinalReport(summary);
  assert.ok(!text.includes('Error report'));
  assert.ok(!text.includes('Thresholds'));
  assert.ok(
    text.endsWith(
      'Exceptions\n# occurrences      Exception\n' +
        `------------------|${'-'.repeat(75)}\n` +
        '3                  TypeError: x is not a function\n' +
        '                   at task (/s.ts:3:9)\n' +
        `------------------|${'-'.repeat(75)}\n`,
    ),
  );
});

test('final report: a checks table before the thresholds, ✗ for a check that failed at least once', () => {
  const summary = smallSummary();
  summary.checks = [
    { name: 'has a token', method: 'POST', endpoint: '/login', passes: 9, fails: 1 },
    { name: 'status is 200', method: 'POST', endpoint: '/login', passes: 10, fails: 0 },
    { name: 'lists students', method: 'GET', endpoint: '/students', passes: 11_999, fails: 1 },
    { name: 'not yet run', method: 'GET', endpoint: '/students', passes: 0, fails: 0 },
  ];
  const text = renderFinalReport(summary);
  const checks = `\
Checks (2 of 4 failed)
✗ POST /login     has a token       90.00 %   ✓ 9       ✗ 1
✓ POST /login     status is 200    100.00 %   ✓ 10      ✗ 0
✗ GET /students   lists students    99.99 %   ✓ 11999   ✗ 1
✓ GET /students   not yet run       no runs   ✓ 0       ✗ 0

Thresholds (1 of 2 failed)`;
  assert.ok(text.includes(checks), text);
  assert.ok(!renderFinalReport(smallSummary()).includes('Checks'), 'no table without named checks');
});

test('the Name column widens to the longest name instead of truncating it', () => {
  const summary = smallSummary();
  const long = `/api/${'x'.repeat(80)}/end`;
  summary.endpoints.push(endpoint({ name: long, requests: 1, percentiles: {} }));
  const lines = renderFinalReport(summary).split('\n');
  const row = lines.find((line) => line.startsWith('GET      /api/'));
  assert.ok(row?.includes(`${long}       1     0(0.00%) |`));
  assert.equal(lines[0]?.length, lines[1]?.length, 'header and separator stay aligned');
});

test('with terminal columns, long names get distinct middle cuts and lines fit', () => {
  const summary = smallSummary();
  const a = `/api/v1/customers/${'a'.repeat(40)}/orders`;
  const b = `/api/v1/customers/${'a'.repeat(39)}b/orders`;
  summary.endpoints.push(endpoint({ name: a, requests: 1 }), endpoint({ name: b, requests: 1 }));
  const text = renderFinalReport(summary, { maxLineWidth: 120 });
  const tableLines = text.split('\n\n').slice(0, 2).join('\n').split('\n');
  for (const line of tableLines) assert.ok([...line].length <= 120, `fits: ${line}`);
  const cutA = tableLines.find((l) => l.startsWith('GET      /api/v1/') && l.includes('…aaaaa/orders'));
  const cutB = tableLines.find((l) => l.startsWith('GET      /api/v1/') && l.includes('…aaaab/orders'));
  assert.ok(cutA && cutB, 'each cut keeps the part that tells the names apart');
  assert.ok(!text.includes(a) && !text.includes(b));
});

test('live output, not a TTY: plain lines every 2nd snapshot with current rates, no ANSI escapes', () => {
  const out = capture({ isTTY: false });
  const reporter = new ConsoleReporter({ out });
  for (let i = 0; i < 5; i++) reporter.onSnapshot(smallSnapshot());
  assert.equal(out.chunks.length, 2);
  const chunk = out.chunks[0] ?? '';
  assert.ok(!chunk.includes(ESC));
  assert.ok(chunk.endsWith('\n\n'), 'a blank line after each table');
  assert.ok(
    chunk.includes('GET      /students      120     0(0.00%) |   12.3    0.41     187   9.88 |   11.50'),
  );
  assert.ok(
    chunk.includes('         Aggregated     130     1(0.77%) |   30.6    0.41    1501   10.1 |   12.40'),
  );
  assert.ok(!chunk.includes('Response time percentiles'));
  reporter.onEnd(smallSummary());
  assert.ok(!out.chunks.join('').includes(ESC));
});

test('live output with percentiles adds the last-10-s percentile table', () => {
  const out = capture();
  const reporter = new ConsoleReporter({ out, every: 1, percentiles: true });
  reporter.onSnapshot(smallSnapshot());
  const chunk = out.chunks[0] ?? '';
  assert.ok(chunk.includes('Response time percentiles, last 10 s\n'));
  assert.ok(
    chunk.includes('GET      /students      9.00   10.0   11.0   12.0   19.0   38.0   80.0    110    150'),
  );
});

test('live output on a TTY redraws the table in place', () => {
  const out = capture({ isTTY: true, columns: 200 });
  const reporter = new ConsoleReporter({ out, every: 1 });
  reporter.onSnapshot(smallSnapshot());
  reporter.onSnapshot(smallSnapshot());
  assert.ok(!out.chunks[0]?.includes(ESC));
  // 6 table lines and the blank line after them.
  assert.ok(out.chunks[1]?.startsWith('\x1b[7A\r\x1b[0J'));
  assert.equal(out.chunks[1]?.slice('\x1b[7A\r\x1b[0J'.length), out.chunks[0]);
});

test('every: 0 prints only the final report; an invalid every is refused', () => {
  const out = capture();
  const reporter = new ConsoleReporter({ out, every: 0 });
  for (let i = 0; i < 4; i++) reporter.onSnapshot(smallSnapshot());
  assert.deepEqual(out.chunks, []);
  assert.throws(() => new ConsoleReporter({ out, every: 1.5 }), RangeError);
});

test('not a TTY, with progressEverySec: one compact line per period instead of tables, full tables once at the end', () => {
  const out = capture({ isTTY: false });
  const reporter = new ConsoleReporter({ out, progressEverySec: 10 });
  reporter.onStart({
    scenario: 's.ts',
    host: 'http://h',
    plannedDurationSec: 30,
    users: 10,
    startedAt: new Date(),
  });
  for (let second = 1; second <= 25; second++)
    reporter.onSnapshot({ ...smallSnapshot(), elapsedSec: second });
  assert.deepEqual(out.chunks, [
    'volley 0:10 / 0:30   users 10   req/s 12.4   p50 9.50 ms   p95 95.0 ms   failures 1 (0.77%)   requests 130\n',
    'volley 0:20 / 0:30   users 10   req/s 12.4   p50 9.50 ms   p95 95.0 ms   failures 1 (0.77%)   requests 130\n',
  ]);
  reporter.onEnd(smallSummary());
  assert.equal(out.chunks.length, 3);
  assert.equal(out.chunks[2], FINAL);
});

test('on a TTY progressEverySec changes nothing: the live view stays', () => {
  const out = capture({ isTTY: true, columns: 200 });
  const reporter = new ConsoleReporter({ out, every: 1, progressEverySec: 10 });
  reporter.onSnapshot(smallSnapshot());
  assert.match(out.chunks[0] ?? '', /Aggregated/);
});
