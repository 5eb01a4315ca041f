import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { CHART_COLORS } from '../../src/report/render/html-charts.ts';
import { renderHtmlReport } from '../../src/report/render/html-report.ts';
import type { TimelineData } from '../../src/report/render/timeline.ts';
import { loadChartAssets } from '../../src/report/render/uplot-assets.ts';
import { LINE_HEIGHT_IN_PLOT, type LineHeight } from '../helpers/chart-pixels.ts';
import { chromiumMissing, launchChromium } from '../helpers/chromium.ts';
import { endpoint, smallSummary } from './fixtures.ts';

const SCREENSHOTS = join(import.meta.dirname, '../../test-artifacts/screenshots');
const skip = chromiumMissing;

/** Two minutes of a run whose median (2–3 ms) is a hundred times below its p95 (200–300 ms), 5 to 20 users. */
function timeline(): TimelineData {
  const points = 120;
  const t0 = Date.UTC(2026, 11, 7, 5, 0, 0) / 1000;
  const wave = (i: number, low: number, high: number) => low + ((high - low) * (1 + Math.sin(i / 7))) / 2;
  const column = <T>(f: (i: number) => T): T[] => Array.from({ length: points }, (_, i) => f(i));
  const names = ['/a', '/b', '/c', '/d', '/e', '/f', '/g'];
  return {
    time: column((i) => t0 + i),
    users: column((i) => Math.min(20, 5 + Math.floor(i / 4))),
    rps: column((i) => wave(i, 80, 120)),
    failuresPerSec: column(() => 0.5),
    p50Ms: column((i) => wave(i, 2, 3)),
    p95Ms: column((i) => wave(i, 200, 300)),
    p99Ms: column((i) => wave(i, 400, 600)),
    endpoints: names.map((name, k) => ({
      method: 'GET',
      name,
      rps: column((i) => wave(i + k, 5, 20)),
      p50Ms: column((i) => (i < 10 * k ? null : wave(i, 1 + k, 2 + k))),
      p95Ms: column((i) => (i < 10 * k ? null : wave(i, 50 * (k + 1), 80 * (k + 1)))),
    })),
  };
}

function summary(): RunSummary {
  const base = smallSummary();
  const names = ['/a', '/b', '/c', '/d', '/e', '/f', '/g'];
  return {
    ...base,
    meta: {
      ...base.meta,
      startedAt: '2026-12-07T05:00:00.123Z',
      endedAt: '2026-12-07T05:02:00.456Z',
      usersByClass: { Reader: 12, Writer: 8 },
    },
    endpoints: names.map((name, k) =>
      endpoint({ name, requests: 1000 - k * 100, avgMs: 79.359, avgContentBytes: 3034.804, medianMs: 2.5 }),
    ),
  };
}

let browser: Browser;
let page: Page;
before(async () => {
  if (skip) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'volley-html-browser-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtmlReport(summary(), timeline(), await loadChartAssets()));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-charts="4"]', { timeout: 10_000 });
});
after(async () => {
  await browser?.close();
});

test('html report in Chromium: the users and rate axes start at 0', { skip }, async () => {
  assert.equal(await page.getAttribute('#chart-users', 'data-y-min'), '0');
  assert.equal(await page.getAttribute('#chart-rps', 'data-y-min'), '0');
});

test('html report in Chromium: the median is readable beside a p95 a hundred times larger', {
  skip,
}, async () => {
  const p50 = (await page.evaluate(
    `(${LINE_HEIGHT_IN_PLOT})(${JSON.stringify(['chart-latency', CHART_COLORS.p50])})`,
  )) as LineHeight;
  const p95 = (await page.evaluate(
    `(${LINE_HEIGHT_IN_PLOT})(${JSON.stringify(['chart-latency', CHART_COLORS.p95])})`,
  )) as LineHeight;
  assert.ok(p50.pixels > 100, `p50 line drawn: ${JSON.stringify(p50)}`);
  // On a linear axis the median would lie on the x axis (about 1% of the height).
  assert.ok(p50.height > 0.1, `p50 line height in the plot: ${p50.height}`);
  assert.ok(p95.height > p50.height + 0.3, `p95 well above p50: ${p95.height} vs ${p50.height}`);
  await page.locator('#over-time').screenshot({ path: join(SCREENSHOTS, 'html-report-charts.png') });
});

test('html report in Chromium: a median just above a power of ten stays clear of the x axis', {
  skip,
}, async () => {
  // The log axis is whole powers of ten: a range from 1 ms put a median of 1.01–1.1 ms on the axis.
  const dir = mkdtempSync(join(tmpdir(), 'volley-html-browser-'));
  const file = join(dir, 'decade.html');
  const data = timeline();
  data.p50Ms = data.p50Ms.map((_, i) => 1.01 + (i % 10) / 100);
  writeFileSync(file, renderHtmlReport(summary(), data, await loadChartAssets()));
  const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await other.goto(pathToFileURL(file).href);
    await other.waitForSelector('html[data-charts="4"]', { timeout: 10_000 });
    const p50 = (await other.evaluate(
      `(${LINE_HEIGHT_IN_PLOT})(${JSON.stringify(['chart-latency', CHART_COLORS.p50])})`,
    )) as LineHeight;
    assert.ok(p50.pixels > 100, `p50 line drawn: ${JSON.stringify(p50)}`);
    assert.ok(p50.height > 0.05, `p50 line height in the plot: ${p50.height}`);
  } finally {
    await other.close();
  }
});

test('html report in Chromium: per-endpoint chart of the busiest 5, re-drawn as endpoints and the metric are picked', {
  skip,
}, async () => {
  const chart = page.locator('#chart-endpoints');
  assert.equal(await chart.getAttribute('data-series'), '5');
  const picked = await page
    .locator('#endpoint-picker input[name=endpoint]:checked')
    .evaluateAll((els) => els.map((el) => (el.parentElement?.textContent ?? '').trim()));
  assert.deepEqual(picked, ['GET /a', 'GET /b', 'GET /c', 'GET /d', 'GET /e']);
  await page.locator('#endpoint-picker input[value="0"]').uncheck();
  assert.equal(await chart.getAttribute('data-series'), '4');
  await page.locator('#endpoint-picker input[value="6"]').check();
  assert.equal(await chart.getAttribute('data-series'), '5');
  await page.selectOption('#endpoint-picker select', 'rps');
  assert.equal(await chart.getAttribute('data-y-min'), '0');
  await page.locator('#endpoint-charts').screenshot({ path: join(SCREENSHOTS, 'html-report-endpoints.png') });
});

test('html report in Chromium: figures to 3 significant digits, ISO dates, the user-class ratio', {
  skip,
}, async () => {
  const row = page.locator('#statistics tr[data-endpoint="GET /a"]');
  assert.equal(await row.locator('[data-field="avgMs"]').textContent(), '79.4');
  assert.equal(await row.locator('[data-field="avgMs"]').getAttribute('data-value'), '79.359');
  assert.equal(await row.locator('[data-field="avgContentBytes"]').textContent(), '3035');
  assert.match((await page.locator('.subtitle').textContent()) ?? '', /2026-12-07 05:00:00 UTC/);
  assert.doesNotMatch(await page.content(), /12\/7\/2026|Dec 7, 2026/);
  const classes = await page.locator('#user-classes tbody tr').allTextContents();
  assert.deepEqual(classes, ['Reader1260.0 %', 'Writer840.0 %']);
  await page.screenshot({ path: join(SCREENSHOTS, 'html-report.png'), fullPage: true });
});
