import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamLogger } from '../../src/log.ts';
import { renderFinalReport } from '../../src/report/render/final-report.ts';
import { renderLiveDashboard } from '../../src/report/render/live-dashboard.ts';
import { renderLiveReport } from '../../src/report/render/live-report.ts';
import { textWidth } from '../../src/report/render/text-cells.ts';
import { ConsoleReporter } from '../../src/report/reporters/console.ts';
import { visibleControls, visibleLines } from '../../src/terminal-text.ts';
import { endpoint, smallSnapshot, smallSummary } from './fixtures.ts';

/** Any character a terminal would act on, but the line breaks between lines. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const ACTING = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

const HOSTILE = '/x\x1b[2J\x1b]0;owned\x07\rfake\u202e\x9b';

test('control characters are shown as escapes, everything else as it is', () => {
  assert.equal(
    visibleControls('a\x1b[31mb\rc\nd\te\x00f\x7fg\x9bh\u202ei — é ✓ 😀'),
    'a\\x1b[31mb\\rc\\nd\\te\\x00f\\x7fg\\x9bh\\u202ei — é ✓ 😀',
  );
  assert.equal(visibleLines('one\x1b\ntwo\r'), 'one\\x1b\ntwo\\r');
  const lines: string[] = [];
  const log = streamLogger({
    write: (line: string) => lines.push(line) > 0,
  } as unknown as NodeJS.WritableStream);
  log('warn', 'bad\x1b[2J\nsecond');
  log('info', 'ok');
  assert.deepEqual(lines, ['warn: bad\\x1b[2J\nsecond\n', 'ok\n']);
  assert.equal(textWidth('a\x1bb'), 'a\\x1bb'.length, 'columns are counted as printed');
});

function hostileSummary() {
  const summary = smallSummary();
  summary.endpoints = [endpoint({ method: 'GET', name: HOSTILE, requests: 2, failures: 1 })];
  summary.failures = [{ method: 'GET', name: HOSTILE, error: 'HTTP 500\r\x1b[1Aall good', occurrences: 1 }];
  summary.exceptions = [{ message: 'Error: \x1b[31mred', count: 1, stack: 'Error\n    at t (\x1b.ts:1:1)' }];
  summary.checks = [{ name: 'ok\x1b[0m', method: 'GET', endpoint: HOSTILE, passes: 1, fails: 1 }];
  summary.thresholds = [
    {
      expression: `${HOSTILE}: p95<1`,
      scope: HOSTILE,
      metric: 'p95',
      op: '<',
      target: 1,
      actual: 2,
      passed: false,
    },
  ];
  return summary;
}

test('the final report shows names, errors, exceptions, checks and thresholds with their controls visible', () => {
  const text = renderFinalReport(hostileSummary());
  assert.doesNotMatch(text, ACTING);
  assert.ok(text.includes('/x\\x1b[2J\\x1b]0;owned\\x07\\rfake\\u202e\\x9b'));
  assert.ok(text.includes('HTTP 500\\r\\x1b[1Aall good'));
  assert.ok(text.includes('Error: \\x1b[31mred'));
  assert.ok(text.includes('ok\\x1b[0m'));
});

test('the live table and the live dashboard too; the reporter writes only its own escapes', () => {
  const snapshot = smallSnapshot();
  snapshot.endpoints = [endpoint({ method: 'GET', name: HOSTILE, requests: 5, currentRps: 1 })];
  assert.doesNotMatch(renderLiveReport(snapshot), ACTING);
  const dashboard = renderLiveDashboard(snapshot, { plannedDurationSec: 10, columns: 120 });
  assert.doesNotMatch(dashboard, ACTING);
  assert.ok(dashboard.includes('\\x1b[2J'));
  const chunks: string[] = [];
  const reporter = new ConsoleReporter({ out: { write: (t: string) => chunks.push(t) }, every: 1 });
  reporter.onSnapshot(snapshot);
  reporter.onEnd(hostileSummary());
  for (const chunk of chunks) assert.doesNotMatch(chunk, ACTING);
});
