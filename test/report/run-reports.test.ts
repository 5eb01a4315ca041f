import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { CHART_COLORS } from '../../src/report/render/html-charts.ts';
import { chromiumMissing, launchChromium } from '../helpers/chromium.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { parseXml } from '../helpers/xml.ts';
import { assertTablesMatchSummary, embeddedJson } from './html-page.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
/** An endpoint name that would run script if the report did not escape it. */
const XSS_NAME = '<img src=x onerror="window.__xss=1">';

interface ChartPixels {
  id: string;
  /** Pixels not transparent. */
  painted: number;
  /** Pixels of each series' colour. */
  series: Record<string, number>;
}

/** Runs in the page (the tests are not typed for the DOM, so it is a string): counts each chart's pixels. */
const COUNT_CHART_PIXELS = `(colors) => {
  const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  return ['chart-rps', 'chart-latency', 'chart-users'].map((id) => {
    const canvas = document.querySelector('#' + id + ' canvas');
    if (!canvas) return { id, painted: 0, series: {} };
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    const series = {};
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted++;
      for (const [name, color] of Object.entries(colors)) {
        const [r, g, b] = hex(color);
        if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 24) {
          series[name] = (series[name] || 0) + 1;
        }
      }
    }
    return { id, painted, series };
  });
}`;

let server: TestServer;
let dir: string;
let html: string;
let htmlFile: string;
let summary: RunSummary;

/** One short real run through the CLI writing the HTML, JSON and JUnit reports of the same summary (and serving Prometheus metrics). */
before(async () => {
  server = await startServer((req, res) => {
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end('{"ok":true}');
  });
  dir = mkdtempSync(join(tmpdir(), 'volley-html-'));
  writeFileSync(
    join(dir, 'scenario.ts'),
    `
import { user, task, constant } from 'volley';
export const shopper = user({
  wait: constant(0.02),
  tasks: [
    task({ weight: 4 }, async (vu) => { await vu.http.get('/items'); }),
    async (vu) => { await vu.http.get('/fail'); },
    async (vu) => { await vu.http.get('/items?x=1', { name: ${JSON.stringify(XSS_NAME)}, check: (r) => r.status === 418 || 'expected a teapot' }); },
    async () => { throw new Error('boom <b>bold</b>'); },
  ],
});
export const options = { thresholds: ['p95<5000', 'fail_ratio<0.01'] };
`,
  );
  const r = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '3',
      '-t',
      '3s',
      '--html',
      'out/report_{u}u_{t}s.html',
      '--json-file',
      'out/summary.json',
      '--junit',
      'out/junit.xml',
      '--prometheus-port',
      '0',
      '--only-summary',
    ],
    { cwd: dir, timeoutMs: 30_000 },
  );
  assert.equal(r.code, 1, `a threshold fails, so exit 1\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /^volley: Prometheus metrics on http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
  htmlFile = join(dir, 'out', 'report_3u_3s.html');
  html = readFileSync(htmlFile, 'utf8');
  summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as RunSummary;
});
after(() => server.close());

test('html from a real run: embedded summary equals the JSON file, tables equal its numbers', () => {
  assert.deepEqual(embeddedJson(html, 'volley-summary'), summary);
  assertTablesMatchSummary(html, summary);
  assert.ok(summary.failures.some((f) => f.error === 'expected a teapot' && f.name === XSS_NAME));
  assert.ok(html.includes('expected a teapot'));
  assert.ok(html.includes('boom &lt;b&gt;bold&lt;/b&gt;'));
  const timeline = embeddedJson(html, 'volley-timeline') as { time: number[] };
  assert.ok(timeline.time.length >= 2, `timeline points: ${timeline.time.length}`);
});

test('junit from the same run: thresholds, endpoints and the failing check as test cases', () => {
  const root = parseXml(readFileSync(join(dir, 'out', 'junit.xml'), 'utf8'));
  const suites = new Map(root.children.map((s) => [s.attributes.name, s]));
  const thresholds = suites.get('thresholds')?.children.filter((c) => c.name === 'testcase') ?? [];
  assert.deepEqual(
    thresholds.map((c) => [c.attributes.name, c.children.some((x) => x.name === 'failure')]),
    [
      ['p95<5000', false],
      ['fail_ratio<0.01', true],
    ],
  );
  const failures = suites.get('failures')?.children ?? [];
  assert.ok(failures.some((c) => c.attributes.name === 'expected a teapot'));
  assert.ok(failures.some((c) => c.attributes.name === 'HTTP 500 Internal Server Error'));
  assert.equal(suites.get('exceptions')?.attributes.errors, '1');
});

test('html in Chromium: charts drawn, nothing fetched, no script injected; screenshot in test-artifacts/', async (t) => {
  if (chromiumMissing) {
    t.skip(`${chromiumMissing}: browser check of the HTML report skipped`);
    return;
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const url = pathToFileURL(htmlFile).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts="4"]', { timeout: 10_000 });
    assert.deepEqual(requests, [url], 'the report fetched something besides itself');
    assert.deepEqual(errors, []);
    assert.equal(await page.evaluate('typeof window.__xss'), 'undefined');

    // Each chart's canvas has drawn pixels, and the series are drawn in their colours.
    const canvases = (await page.evaluate(
      `(${COUNT_CHART_PIXELS})(${JSON.stringify(CHART_COLORS)})`,
    )) as ChartPixels[];
    for (const c of canvases) assert.ok(c.painted > 1000, `${c.id}: ${c.painted} painted pixels`);
    const [rps, latency, users] = canvases;
    assert.ok((rps?.series.rps ?? 0) > 50, `requests/s line: ${JSON.stringify(rps)}`);
    assert.ok((latency?.series.p95 ?? 0) > 20, `p95 line: ${JSON.stringify(latency)}`);
    assert.ok((users?.series.users ?? 0) > 50, `users line: ${JSON.stringify(users)}`);

    // For the lead to look at: the page and its print version.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('html-report.png', ARTIFACTS).pathname, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({
      path: new URL('html-report.pdf', ARTIFACTS).pathname,
      landscape: true,
      printBackground: true,
    });
    assert.deepEqual(requests, [url], 'printing fetched something');
  } finally {
    await browser.close();
  }
});
