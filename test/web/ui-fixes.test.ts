import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LINE_HEIGHT_IN_PLOT, type LineHeight } from '../helpers/chart-pixels.ts';
import { chromiumMissing, launchChromium } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { startWebCli, webScenario } from './web-cli.ts';

const SCREENSHOTS = join(import.meta.dirname, '../../test-artifacts/screenshots');
const skip = chromiumMissing;
/** The web UI's median line colour (page-script.ts). */
const MEDIAN_COLOR = '#1f6feb';

/** One GET in four takes 150 ms, the rest answer at once: the p95 is a hundred times the median. Every third POST fails. */
let target: TestServer;
let gets = 0;
let posts = 0;
let browser: Browser;
before(async () => {
  target = await startServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST') {
      posts += 1;
      res.statusCode = posts % 3 === 0 ? 500 : 200;
      res.end('{"ok":true}');
      return;
    }
    gets += 1;
    if (gets % 4 === 0) setTimeout(() => res.end('{"ok":true}'), 150);
    else res.end('{"ok":true}');
  });
  if (skip) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await target?.close();
});

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent()) ?? '';
}

/** Polls until `ok` holds (the page gets updates about once a second; bounded). */
async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** "1:05" → 65. */
function seconds(clock: string): number {
  const [m, s] = clock.split(':').map(Number);
  return (m ?? 0) * 60 + (s ?? 0);
}

test('web UI in Chromium: favicon, form-field errors, elapsed/remaining, readable median, axes from 0, aligned failures, header and ratio after Stop', {
  skip,
  timeout: 120_000,
}, async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(['scenario.ts', '--web-port', '0', '-u', '6', '-r', '50'], {
    cwd: dir,
    timeoutMs: 110_000,
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(cli.url);
    await page.locator('#start-panel').waitFor({ state: 'visible' });

    // A favicon, served by volley itself.
    const icon = await page.getAttribute('link[rel="icon"]', 'href');
    assert.equal(icon, '/assets/favicon.svg');
    const iconResponse = await page.request.get(new URL(icon, cli.url).href);
    assert.equal(iconResponse.status(), 200);
    assert.match(iconResponse.headers()['content-type'] ?? '', /^image\/svg\+xml/);

    // A bad field is named as the form names it, not as a command-line flag.
    await page.fill('#host', target.url);
    await page.fill('#run-time', 'ten');
    await page.click('#start');
    const message = await until(
      () => text(page, '#message'),
      (t) => t !== '',
      'the error message',
    );
    assert.match(message, /^Run time: invalid duration "ten"/);
    assert.doesNotMatch(message, /--run-time/);
    await page.screenshot({ path: join(SCREENSHOTS, 'web-form-error.png') });

    await page.fill('#run-time', '90s');
    await page.click('#start');
    await until(
      () => text(page, '#stat-state'),
      (t) => t.startsWith('running'),
      'state',
    );
    // Elapsed and remaining time, as the terminal's live view shows them.
    const elapsed = await until(
      () => text(page, '#stat-elapsed'),
      (t) => seconds(t) >= 2,
      'elapsed',
    );
    const remaining = await text(page, '#stat-remaining');
    assert.match(remaining, /^1:2\d$|^1:1\d$/);
    assert.ok(Math.abs(seconds(elapsed) + seconds(remaining) - 90) <= 2, `${elapsed} + ${remaining}`);

    // Charts: users and rates from 0; the median a readable line on a log axis beside a p95 ~100× larger.
    await page.click('[data-tab="charts"]');
    await until(
      () => page.getAttribute('#chart-users', 'data-y-min'),
      (v) => v === '0',
      'users axis minimum',
    );
    assert.equal(await page.getAttribute('#chart-rps', 'data-y-min'), '0');
    const median = await until(
      () =>
        page.evaluate(
          `(${LINE_HEIGHT_IN_PLOT})(${JSON.stringify(['chart-times', MEDIAN_COLOR])})`,
        ) as Promise<LineHeight>,
      (line) => line !== null && line.pixels > 40,
      'the median line',
    );
    assert.ok(median.height > 0.03, `median line height in the plot: ${median.height}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'web-charts.png') });

    // Failures table: every header aligned as its column, the count right, Method, Name and Message left.
    await page.click('[data-tab="failures"]');
    await until(
      () => page.locator('#failures-table tbody tr').count(),
      (n) => n > 0,
      'failure rows',
    );
    const alignments = (await page.evaluate(`(() => {
      const align = (el) => getComputedStyle(el).textAlign;
      const heads = [...document.querySelectorAll('#failures-table th')].map(align);
      const cells = [...document.querySelectorAll('#failures-table tbody tr:first-child td')].map(align);
      return { heads, cells };
    })()`)) as { heads: string[]; cells: string[] };
    assert.deepEqual(alignments.heads, ['right', 'left', 'left', 'left']);
    assert.deepEqual(alignments.cells, alignments.heads);
    await page.screenshot({ path: join(SCREENSHOTS, 'web-failures.png') });

    // After Stop: no current rate in the header, the elapsed time kept, the user ratio kept.
    await page.click('#stop');
    await until(
      () => text(page, '#stat-state'),
      (t) => t.startsWith('stopped'),
      'state after Stop',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the last events after the stop, if any
    assert.equal(await text(page, '#stat-rps'), '0');
    assert.equal(await text(page, '#stat-remaining'), '–');
    assert.ok(seconds(await text(page, '#stat-elapsed')) >= 2);
    await page.click('[data-tab="ratio"]');
    const ratio = await page.locator('#ratio-table tbody tr').allTextContents();
    assert.deepEqual(ratio, ['Reader466.7%', 'Writer233.3%']);
    assert.ok(await page.locator('#ratio-note').isVisible());
    await page.screenshot({ path: join(SCREENSHOTS, 'web-stopped.png') });
  } finally {
    await page.close();
    cli.child.kill('SIGINT');
  }
  await cli.exited;
});
