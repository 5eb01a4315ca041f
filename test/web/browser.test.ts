import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { startWebCli, webScenario } from './web-cli.ts';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/web-ui');
const STATS_HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%';

const skip = chromiumMissing;

let target: TestServer;
let browser: Browser;
before(async () => {
  target = await startServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await target?.close();
});

async function text(page: Page, id: string): Promise<string> {
  return (await page.locator(`#${id}`).textContent()) ?? '';
}

async function number(page: Page, id: string): Promise<number> {
  return Number((await text(page, id)).replaceAll(',', ''));
}

/** Polls the element's text until `ok` holds (the page gets updates about once a second; bounded). */
async function waitForText(page: Page, id: string, ok: (text: string) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await text(page, id);
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`#${id} is still "${value}" after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const CHECKS_HEADER = 'Check,Method,Endpoint,Passes,Fails,Pass Ratio';

/** The Checks tab's rows, cell texts (read whether or not the tab is shown). */
async function checkRows(page: Page): Promise<string[][]> {
  const cells = await page.locator('#checks-table tbody td').allTextContents();
  const rows: string[][] = [];
  for (let i = 0; i < cells.length; i += 6) rows.push(cells.slice(i, i + 6));
  return rows;
}

/** Polls the Checks tab until `ok` holds for its rows (bounded, as waitForText). */
async function waitForCheckRows(page: Page, ok: (rows: string[][]) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await checkRows(page);
    if (ok(rows)) return rows;
    if (Date.now() > deadline)
      throw new Error(`checks table still ${JSON.stringify(rows)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const count = (text: string | undefined) => Number((text ?? '').replaceAll(',', ''));

test('start a run from the page, see numbers move and checks count, change users, stop, download the CSVs, reset', {
  skip,
  timeout: 90_000,
}, async () => {
  const { dir } = webScenario({ checks: true });
  const cli = await startWebCli(['scenario.ts', '--web-port', '0', '-u', '1', '-t', '20s'], {
    cwd: dir,
    timeoutMs: 85_000,
  });
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(cli.url);
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#users').inputValue(), '1', 'the form starts with the command line');
    await page.click('[data-tab="checks"]');
    assert.ok(await page.locator('#checks-empty').isVisible(), 'no run yet: the empty-state line');
    assert.ok(await page.locator('#checks-table').isHidden());
    await page.click('[data-tab="stats"]');
    await page.fill('#users', '2');
    await page.fill('#spawn-rate', '20');
    await page.fill('#host', target.url);
    // Long enough to be still running when Stop is clicked on a busy machine; the test stops it itself.
    await page.fill('#run-time', '60s');
    await page.screenshot({ path: join(ARTIFACTS, '1-ready.png') });
    await page.click('#start');

    const requests = (t: string) => Number(t.replaceAll(',', ''));
    await waitForText(page, 'stat-requests', (t) => requests(t) > 0);
    const first = await number(page, 'stat-requests');
    await waitForText(page, 'stat-requests', (t) => requests(t) > first);
    assert.match((await page.locator('#stat-state').textContent()) ?? '', /running/);
    assert.match((await page.locator('#stats-table tbody').textContent()) ?? '', /Aggregated/);
    await page.screenshot({ path: join(ARTIFACTS, '2-running.png') });

    // Named checks, live: sorted by request name, method and check name, as in the JSON.
    await page.click('[data-tab="checks"]');
    const live = await waitForCheckRows(
      page,
      (rows) => rows.length === 3 && count(rows[0]?.[3]) > 0 && count(rows[2]?.[4]) > 0,
    );
    assert.deepEqual(
      live.map((r) => r.slice(0, 3)),
      [
        ['status is 200', 'GET', '/'],
        ['is ok', 'POST', '/items'],
        ['status is 201', 'POST', '/items'],
      ],
    );
    assert.equal(live[0]?.[5], '100.00 %');
    assert.equal(live[2]?.[5], '0.00 %');
    assert.ok(await page.locator('#checks-empty').isHidden());
    await page.screenshot({ path: join(ARTIFACTS, '2-checks.png') });

    await page.click('#show-edit');
    await page.fill('#edit-users', '5');
    await page.click('#update-users');
    await waitForText(page, 'stat-users', (t) => t === '5');

    await page.click('[data-tab="charts"]');
    await page.locator('#chart-rps .u-over').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '3-charts.png') });
    await page.click('[data-tab="ratio"]');
    const ratio = (await page.locator('#ratio-table tbody').textContent()) ?? '';
    assert.match(ratio, /Reader/);
    assert.match(ratio, /Writer/);
    await page.click('[data-tab="logs"]');
    assert.match((await page.locator('#logs').textContent()) ?? '', /run 1 started: 2 users/);
    await page.screenshot({ path: join(ARTIFACTS, '4-users-changed.png') });

    await page.click('#stop');
    await waitForText(page, 'stat-state', (t) => t.startsWith('stopped'));
    const stoppedAt = await number(page, 'stat-requests');
    assert.ok(stoppedAt > 0);

    await page.click('[data-tab="downloads"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-stats')]);
    assert.equal(download.suggestedFilename(), 'volley_stats.csv');
    const saved = join(ARTIFACTS, 'volley_stats.csv');
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').split('\r\n');
    assert.equal(lines[0], STATS_HEADER);
    assert.ok(lines.some((l) => l.startsWith(',Aggregated,')));
    // The checks CSV and the Checks tab show the final counts, and every request ran each of its checks once.
    const [checksDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#download-checks'),
    ]);
    assert.equal(checksDownload.suggestedFilename(), 'volley_checks.csv');
    const checksFile = join(ARTIFACTS, 'volley_checks.csv');
    await checksDownload.saveAs(checksFile);
    const [checksHeader, ...checkLines] = readFileSync(checksFile, 'utf8').split('\r\n').slice(0, -1);
    assert.equal(checksHeader, CHECKS_HEADER);
    const csvChecks = checkLines.map((l) => l.split(','));
    const requestsOf = (method: string, name: string) =>
      count(lines.find((l) => l.startsWith(`${method},${name},`))?.split(',')[2]);
    assert.deepEqual(
      csvChecks.map((r) => [r[0], r[1], r[2], r[5]]),
      [
        ['status is 200', 'GET', '/', '1'],
        ['is ok', 'POST', '/items', '1'],
        ['status is 201', 'POST', '/items', '0'],
      ],
    );
    for (const [check, method, endpoint, passes, fails] of csvChecks) {
      const requests = requestsOf(method ?? '', endpoint ?? '');
      assert.ok(requests > 0, `${method} ${endpoint} in the stats CSV`);
      assert.equal(count(passes) + count(fails), requests, `${check}: one run per ${method} ${endpoint}`);
    }
    await waitForCheckRows(
      page,
      (rows) =>
        rows.length === csvChecks.length &&
        rows.every(
          (r, i) => count(r[3]) === count(csvChecks[i]?.[3]) && count(r[4]) === count(csvChecks[i]?.[4]),
        ),
    );
    await page.screenshot({ path: join(ARTIFACTS, '5-stopped.png') });
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
    const reportFile = join(ARTIFACTS, 'report.html');
    await report.saveAs(reportFile);
    const html = readFileSync(reportFile, 'utf8');
    assert.match(html, /id="volley-summary"/, 'the download is the full HTML report');
    assert.match(html, /uPlot/, 'with its charts inlined');

    await page.click('#reset');
    await waitForText(page, 'stat-requests', (t) => t === '0');
    assert.equal(await page.locator('#checks-table tbody tr').count(), 0, 'reset empties the Checks tab');
    assert.equal(
      await page.locator('#checks-empty').getAttribute('hidden'),
      null,
      'and shows its empty line',
    );
  } finally {
    await page.close();
    cli.child.kill('SIGINT');
  }
  assert.equal(await cli.exited, 1, `the failing check failed the run's requests: exit 1\n${cli.stderr()}`);
  assert.match(cli.stdout(), /Response time percentiles/, 'the final report is printed when the run ends');
});
