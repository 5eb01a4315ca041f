import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderHtmlReport } from '../../../src/report/render/html-report.ts';
import { emptyTimeline, type RunTimeline } from '../../../src/report/render/timeline.ts';
import { loadChartAssets } from '../../../src/report/render/uplot-assets.ts';
import { HtmlReporter } from '../../../src/report/reporters/html-reporter.ts';
import { endpoint, percentiles, smallSnapshot, smallSummary } from '../fixtures.ts';
import { assertTablesMatchSummary, embeddedJson, section, unescapeHtml } from '../html-page.ts';
import { tempDir } from '../temp-dir.ts';

const NO_ASSETS = { script: '/* uPlot */', css: '/* uPlot css */' };

test('html: every number in the tables is the summary’s, and the summary is embedded as JSON', () => {
  const summary = smallSummary();
  const html = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  assert.deepEqual(embeddedJson(html, 'volley-summary'), summary);
  assertTablesMatchSummary(html, summary);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<span class="badge fail" id="verdict">Failed<\/span>/);
  // Thresholds with their verdicts, failures, no exceptions.
  const thresholds = section(html, 'thresholds');
  assert.equal(thresholds.match(/data-passed="true"/g)?.length, 1);
  assert.equal(thresholds.match(/data-passed="false"/g)?.length, 1);
  assert.match(thresholds, /1 of 2 failed/);
  assert.match(section(html, 'failures'), /HTTP 500/);
  assert.match(section(html, 'exceptions'), /No task threw/);
  // Run metadata.
  const run = section(html, 'run');
  for (const text of ['examples/students.ts', 'http://localhost:8080', '-u 10 -t 10s', '0.1.0', 'run-time']) {
    assert.ok(run.includes(text), text);
  }
  assert.ok(!run.includes('Generator CPU'), 'no generator figures when the run did not measure them');
});

test('html: a Checks section with each named check’s counts and pass ratio', () => {
  const summary = smallSummary();
  assert.match(
    section(renderHtmlReport(summary, emptyTimeline(), NO_ASSETS), 'checks'),
    /No named checks ran/,
  );
  summary.checks = [
    { name: 'has a <token>', method: 'POST', endpoint: '/login', passes: 9, fails: 1 },
    { name: 'status is 200', method: 'POST', endpoint: '/login', passes: 10, fails: 0 },
  ];
  const html = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  assert.deepEqual(embeddedJson(html, 'volley-summary'), summary);
  const checks = section(html, 'checks');
  assert.match(checks, /1 of 2 failed/);
  const rows = [...checks.matchAll(/<tr data-check="([^"]*)" data-passed="(\w+)">([\s\S]*?)<\/tr>/g)].map(
    ([, key, passed, cells]) => [
      unescapeHtml(key ?? ''),
      passed,
      ...[...(cells ?? '').matchAll(/data-field="(\w+)">([^<]*)</g)].map(
        ([, field, text]) => `${field}=${text}`,
      ),
    ],
  );
  assert.deepEqual(rows, [
    ['POST /login: has a <token>', 'false', 'passes=9', 'fails=1', 'ratio=90.00 %'],
    ['POST /login: status is 200', 'true', 'passes=10', 'fails=0', 'ratio=100.00 %'],
  ]);
  assert.ok(!html.includes('<token>'), 'check names are escaped');
  assert.ok(!html.includes('data-extra="checks"'), 'not also rendered as a generic section');
});

test('html: self-contained: uPlot and its style inlined, nothing loaded from elsewhere', async () => {
  const assets = await loadChartAssets();
  assert.ok(assets.script.includes('uPlot') && assets.css.includes('.uplot'));
  const html = renderHtmlReport(smallSummary(), emptyTimeline(), assets);
  assert.ok(html.includes(assets.script));
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/i);
});

test('html: user strings are escaped: endpoint names, errors, exceptions, thresholds cannot inject markup', () => {
  const evil = '</script><script>window.pwned=1</script><img src=x onerror="alert(1)">';
  const summary = smallSummary();
  summary.endpoints.push(
    endpoint({
      method: 'GET',
      name: evil,
      requests: 1,
      percentiles: percentiles([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    }),
  );
  summary.failures.push({ method: 'GET', name: evil, error: `check: ${evil}`, occurrences: 1 });
  summary.exceptions.push({ message: evil, count: 1, stack: evil });
  summary.thresholds[0] = { ...(summary.thresholds[0] as (typeof summary.thresholds)[0]), expression: evil };
  summary.meta.command = evil;
  const html = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  assert.ok(!html.includes('<img'), 'an <img> got through');
  assert.ok(!html.includes('<script>window.pwned'), 'a <script> got through');
  // Only volley's own four script elements.
  assert.equal(html.match(/<script/g)?.length, 4);
  assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;window.pwned=1'));
  // The embedded JSON still reads back exactly.
  assert.deepEqual(embeddedJson(html, 'volley-summary'), summary);
  assertTablesMatchSummary(html, summary);
});

test('html: generator CPU is shown when measured, with a warning when the generator was overloaded', () => {
  const summary = smallSummary();
  Object.assign(summary.meta, { generator: { cpuPercentAvg: 91.5, cpuPercentPeak: 100, overloaded: true } });
  const html = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  assert.match(section(html, 'run'), /Generator CPU.*average 91\.5 %, peak 100 %.*overloaded/s);
  assert.match(section(html, 'generator-warning'), /Generator overloaded/);
  Object.assign(summary.meta, { generator: { cpuPercentAvg: 20, cpuPercentPeak: 35, overloaded: false } });
  const calm = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  assert.match(section(calm, 'run'), /average 20\.0 %, peak 35\.0 %/);
  assert.ok(!calm.includes('generator-warning'));
});

test('html: sections other parts of volley add to the summary are rendered as tables', () => {
  const summary = smallSummary();
  Object.assign(summary, {
    arrivals: { planned: 600, started: 590, droppedArrivals: 10, note: '<b>late</b>' },
    capacity: {
      steps: [
        { users: 10, rps: 100.5, passed: true },
        { users: 20, rps: 180, passed: false },
      ],
      best: 10,
    },
  });
  const html = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  const arrivals = section(html, 'extra-arrivals');
  assert.match(arrivals, /<h2>Arrivals<\/h2>/);
  assert.match(arrivals, /Dropped arrivals<\/th><td>10<\/td>/);
  assert.match(arrivals, /&lt;b&gt;late&lt;\/b&gt;/);
  const capacity = section(html, 'extra-capacity');
  assert.match(capacity, /<th>Users<\/th><th>Rps<\/th><th>Passed<\/th>/);
  assert.match(capacity, /<td class="num">100.5<\/td><td>yes<\/td>/);
  assert.deepEqual(embeddedJson(html, 'volley-summary'), summary);
});

test('html reporter: collects snapshots for the charts and writes the file atomically at the end', async () => {
  const dir = await tempDir();
  const file = join(dir, 'sub', 'report.html');
  const reporter = new HtmlReporter({ file });
  reporter.onSnapshot(smallSnapshot(1_000_000, 2));
  reporter.onSnapshot(smallSnapshot(1_001_000, 4));
  await reporter.onEnd(smallSummary());
  const html = await readFile(file, 'utf8');
  const timeline = embeddedJson(html, 'volley-timeline') as ReturnType<RunTimeline['data']>;
  assert.deepEqual(timeline.time, [1000, 1001]);
  assert.deepEqual(timeline.users, [2, 4]);
});

test('html: a run too short for a snapshot says so instead of drawing empty charts', () => {
  const html = renderHtmlReport(smallSummary(), emptyTimeline(), NO_ASSETS);
  assert.match(section(html, 'over-time'), /too short for charts/);
  assert.ok(!html.includes('id="chart-rps"'));
});

test('html: a report of a run still going (a web UI download) says Running, not Passed', () => {
  const summary = { ...smallSummary(), passed: true };
  summary.meta = { ...summary.meta, stopReason: 'running' };
  const html = renderHtmlReport(summary, emptyTimeline(), NO_ASSETS);
  assert.match(html, /<span class="badge warn" id="verdict">Running<\/span>/);
  assert.doesNotMatch(html, />Passed</);
});
