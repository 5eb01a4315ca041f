import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, renderLiveDashboard } from '../../../src/report/render/live-dashboard.ts';
import { textWidth } from '../../../src/report/render/text-cells.ts';
import { type ConsoleOutput, ConsoleReporter } from '../../../src/report/reporters/console.ts';
import { endpoint, smallSnapshot, smallSummary } from '../fixtures.ts';

test('dashboard: progress bar, headline figures of the last 10 s and the busiest endpoints', () => {
  const text = renderLiveDashboard(smallSnapshot(), { plannedDurationSec: 60, columns: 100 });
  assert.equal(
    text,
    `\
volley  ███░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   8%  0:05 / 1:00  users 10
req/s 12.4   p50 9.50 ms   p95 95.0 ms   failures 1 (0.77%)   requests 130

Top endpoints (2)  req/s      p50      p95  fails
GET /students       11.5  9.00 ms  38.0 ms      0
POST /login          0.9   190 ms  1400 ms      1
`,
  );
});

test('dashboard: without a run time, elapsed time only; narrow terminals wrap figures and cut names', () => {
  const snapshot = smallSnapshot();
  snapshot.endpoints.push(
    endpoint({ method: 'GET', name: `/${'very-long-segment/'.repeat(6)}end`, currentRps: 50 }),
  );
  const text = renderLiveDashboard(snapshot, { plannedDurationSec: null, columns: 50, topEndpoints: 2 });
  const lines = text.split('\n');
  assert.equal(lines[0], 'volley  elapsed 0:05  users 10');
  assert.equal(lines[1], 'req/s 12.4   p50 9.50 ms   p95 95.0 ms');
  assert.equal(lines[2], 'failures 1 (0.77%)   requests 130');
  for (const line of lines) assert.ok(textWidth(line) <= 50, line);
  assert.match(text, /^GET \/very-long-se… {3}50\.0/m);
  assert.match(text, /… and 1 more/);
});

test('dashboard: progress is capped at 100 % and the clock reads h:mm:ss', () => {
  const snapshot = smallSnapshot();
  snapshot.elapsedSec = 61.2;
  assert.match(renderLiveDashboard(snapshot, { plannedDurationSec: 60 }), /█{40} 100% {2}1:00 \/ 1:00/);
  assert.equal(clock(3725), '1:02:05');
  assert.equal(clock(59.9), '0:59');
});

function capture(isTTY: boolean): ConsoleOutput & { chunks: string[] } {
  const chunks: string[] = [];
  return { isTTY, columns: 100, chunks, write: (text: string) => chunks.push(text) };
}

test('console on a terminal: the dashboard is redrawn in place every second, then erased for the final report', () => {
  const out = capture(true);
  const reporter = new ConsoleReporter({ out, dashboard: true });
  reporter.onStart({ scenario: 's.ts', host: 'h', plannedDurationSec: 60, users: 10, startedAt: new Date() });
  reporter.onSnapshot(smallSnapshot());
  reporter.onSnapshot(smallSnapshot());
  reporter.onEnd(smallSummary());
  assert.equal(out.chunks.length, 3);
  assert.match(out.chunks[0] ?? '', /^volley {2}█/);
  // Six rows drawn: the next frame moves up six rows and erases them.
  assert.ok(out.chunks[1]?.startsWith('\x1b[6A\r\x1b[0Jvolley'));
  assert.ok(out.chunks[2]?.startsWith('\x1b[6A\r\x1b[0JType     Name'));
});

test('console elsewhere (CI logs): Locust’s periodic tables, no dashboard, no control sequences', () => {
  const out = capture(false);
  const reporter = new ConsoleReporter({ out, dashboard: true });
  reporter.onSnapshot(smallSnapshot());
  reporter.onSnapshot(smallSnapshot());
  assert.equal(out.chunks.length, 1);
  assert.match(out.chunks[0] ?? '', /^Type {5}Name/);
  assert.ok(!out.chunks.join('').includes('\x1b'));
});

test('dashboard: an open-model run shows its arrival rate and dropped arrivals', () => {
  const snapshot = { ...smallSnapshot(), arrivals: { rate: 50, scheduled: 200, launched: 196, dropped: 4 } };
  const text = renderLiveDashboard(snapshot, { plannedDurationSec: 60, columns: 100 });
  assert.match(text, /^arrivals\/s 50\.0 {3}launched 196 {3}DROPPED 4 \(2\.00%\)$/m);
  const none = { ...snapshot, arrivals: { rate: 50, scheduled: 200, launched: 200, dropped: 0 } };
  assert.match(renderLiveDashboard(none, { plannedDurationSec: 60 }), /launched 200 {3}dropped 0 \(0\.00%\)/);
  assert.doesNotMatch(renderLiveDashboard(smallSnapshot(), { plannedDurationSec: 60 }), /arrivals/);
});
