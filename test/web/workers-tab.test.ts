/** The Workers tab in Chromium during a bounded `--processes 2` run against a loopback target. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../helpers/chromium.ts';
import { VOLLEY_BIN } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { startWebCli, webScenario } from './web-cli.ts';

const SCREENSHOTS = join(import.meta.dirname, '../../test-artifacts/screenshots');
const skip = chromiumMissing;

let target: TestServer;
let browser: Browser;
before(async () => {
  target = await startServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  if (skip) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await target?.close();
});

/** The Workers tab's rows (total row last), cell texts, read whether or not the tab is shown. */
async function workerRows(page: Page): Promise<string[][]> {
  const cells = await page.locator('#workers-table tbody td').allTextContents();
  const rows: string[][] = [];
  for (let i = 0; i < cells.length; i += 6) rows.push(cells.slice(i, i + 6));
  return rows;
}

/** Polls until `ok` holds (the page gets updates about once a second; bounded). */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const num = (text: string | undefined) => Number((text ?? '').replace(/[ ,%]/g, ''));

test('Workers tab in Chromium: two workers with host, state, users, req/s and CPU, an edit spreads users over both, Stop leaves them done', {
  skip,
  timeout: 120_000,
}, async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    [
      'scenario.ts',
      '-H',
      target.url,
      '--processes',
      '2',
      '--web-port',
      '0',
      '-u',
      '4',
      '-r',
      '100',
      '-t',
      '60s',
    ],
    { cwd: dir, timeoutMs: 110_000 },
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(cli.url);
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    await page.click('[data-tab="workers"]');
    assert.equal(await page.textContent('#workers-count'), '(2)');
    assert.match(
      (await page.textContent('#workers-note')) ?? '',
      /Each run starts 2 worker processes on this machine/,
    );
    assert.equal(await page.isVisible('#workers-table'), false);

    await page.click('#start');
    const rows = await until(
      () => workerRows(page),
      (r) =>
        r.length === 3 &&
        r
          .slice(0, 2)
          .every((w) => w[2] === 'running' && w[3] === '2' && num(w[4]) > 0 && /%$/.test(w[5] ?? '')),
      'two running workers with 2 users each',
    );
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['1', '2', ''],
    );
    const [first, second, total] = rows;
    assert.match(first?.[1] ?? '', /:\d+$/, 'host:pid');
    assert.notEqual(first?.[1], second?.[1]);
    assert.deepEqual([total?.[1], total?.[3]], ['Total', '4']);
    assert.match(
      (await page.textContent('#workers-note')) ?? '',
      /^2 of 2 workers running \(on this machine\)\.$/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'web-workers-running.png') });

    // Edit: 7 users, 4 on worker 1 and 3 on worker 2.
    await page.click('#show-edit');
    await page.fill('#edit-users', '7');
    await page.click('#update-users');
    await until(
      () => workerRows(page),
      (r) => r[0]?.[3] === '4' && r[1]?.[3] === '3' && r[2]?.[3] === '7',
      'users 4 + 3 = 7 after the edit',
    );
    assert.equal(await page.textContent('#stat-users'), '7');
    assert.deepEqual(await page.locator('#ratio-table tbody td').allTextContents(), [
      '(workers do not report users per class)',
      '7',
      '',
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'web-workers-edited.png') });

    await page.click('#stop');
    await until(
      () => page.textContent('#stat-state'),
      (t) => t === 'stopped',
      'state',
    );
    const ended = await until(
      () => workerRows(page),
      (r) => r.slice(0, 2).every((w) => w[2] === 'done'),
      'workers done',
    );
    assert.deepEqual(
      ended.slice(0, 2).map((w) => [w[3], w[4], w[5]]),
      [
        ['0', '0', '–'],
        ['0', '0', '–'],
      ],
    );
    assert.equal(
      await page.textContent('#workers-note'),
      "The run's 2 workers ended: 2 done (on this machine).",
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'web-workers-stopped.png') });
  } finally {
    await page.close();
    cli.child.kill('SIGINT');
    await cli.exited;
  }
});

test('Workers tab in Chromium with --master: the expected workers read connecting until `volley worker`s join, then running', {
  skip,
  timeout: 120_000,
}, async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    [
      'scenario.ts',
      '-H',
      target.url,
      '--master',
      '127.0.0.1:0',
      '--expect-workers',
      '2',
      '--web-port',
      '0',
      '-u',
      '2',
      '-t',
      '60s',
    ],
    { cwd: dir, timeoutMs: 110_000 },
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const workers: ChildProcess[] = [];
  try {
    await page.goto(cli.url);
    await page.locator('#start-panel').waitFor({ state: 'visible' });
    await page.click('[data-tab="workers"]');
    assert.match(
      (await page.textContent('#workers-note')) ?? '',
      /Each run waits for 2 worker\(s\) to connect: volley worker --master 127\.0\.0\.1:0/,
    );
    await page.click('#start');
    const waiting = await until(
      () => workerRows(page),
      (r) => r.length === 3 && r[0]?.[2] === 'connecting' && r[1]?.[2] === 'connecting',
      'two connecting workers',
    );
    assert.deepEqual(
      waiting.slice(0, 2).map((w) => w[1]),
      ['–', '–'],
    );
    const address = /volley worker --master (127\.0\.0\.1:\d+)/.exec(cli.stderr())?.[1];
    assert.ok(address, cli.stderr());
    await until(
      () => page.textContent('#workers-note'),
      (t) => t === `0 of 2 workers running (coordinator ${address}).`,
      'the note naming the address listened on',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'web-workers-connecting.png') });
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, [VOLLEY_BIN, 'worker', '--master', address], {
        cwd: dir,
        stdio: 'ignore',
      });
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', () => clearTimeout(killer));
      workers.push(child);
    }
    await until(
      () => workerRows(page),
      (r) => r.slice(0, 2).every((w) => w[2] === 'running' && w[3] === '1'),
      'two running workers',
    );
    assert.equal(await page.textContent('#workers-note'), `2 of 2 workers running (coordinator ${address}).`);
    await page.click('#stop');
    await until(
      () => page.textContent('#stat-state'),
      (t) => t === 'stopped',
      'state',
    );
  } finally {
    await page.close();
    cli.child.kill('SIGINT');
    await cli.exited;
    for (const child of workers) if (child.exitCode === null) await once(child, 'close');
  }
});
