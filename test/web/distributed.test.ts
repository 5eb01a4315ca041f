/**
 * The web UI driving distributed runs: `volley run … --processes 2` (and --master) without --headless.
 * Each test starts its own volley, bounded in time, against a loopback target on an ephemeral port.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { LiveWorker } from '../../src/web/live-run.ts';
import { VOLLEY_BIN } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { post, request } from './http-request.ts';
import { startWebCli, webScenario } from './web-cli.ts';

let target: TestServer;
before(async () => {
  target = await startServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
});
after(() => target.close());

interface WorkersBody {
  cluster: { kind: string; workers: number; master?: string } | null;
  workers: LiveWorker[] | null;
}

async function workers(url: string): Promise<WorkersBody> {
  return JSON.parse((await request(`${url}api/workers`)).body) as WorkersBody;
}

/** Polls /api/workers until `ok` holds (bounded). */
async function waitForWorkers(url: string, ok: (rows: LiveWorker[]) => boolean, what: string) {
  const deadline = performance.now() + 20_000;
  let last: LiveWorker[] | null = null;
  while (performance.now() < deadline) {
    last = (await workers(url)).workers;
    if (last && ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`still waiting for ${what}; workers: ${JSON.stringify(last)}`);
}

async function waitForState(
  url: string,
  state: string,
): Promise<{ state: string } & Record<string, unknown>> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const view = JSON.parse((await request(`${url}api/state`)).body);
    if (view.state === state) return view;
    if (performance.now() > deadline) throw new Error(`state still ${view.state}, not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls /api/state until the merged live snapshot counts `users` (bounded). */
async function waitForMergedUsers(url: string, users: number): Promise<void> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const view = JSON.parse((await request(`${url}api/state`)).body);
    if (view.stats?.snapshot.users === users) return;
    if (performance.now() > deadline) throw new Error(`merged users still ${view.stats?.snapshot.users}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('--processes 2 with the web UI: Start runs the users in two workers, an edit moves users in both, Stop stops both and writes the merged report', {
  timeout: 90_000,
}, async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    ['scenario.ts', '-H', target.url, '--processes', '2', '--web-port', '0', '--json-file', 'out.json'],
    { cwd: dir, timeoutMs: 80_000 },
  );
  try {
    const before = await workers(cli.url);
    assert.deepEqual(before, { cluster: { kind: 'processes', workers: 2 }, workers: null });

    const started = await post(cli.url, '/api/start', {
      users: 4,
      spawnRate: '',
      host: target.url,
      runTime: '',
    });
    assert.equal(started.status, 200, started.body);
    const running = await waitForWorkers(
      cli.url,
      (rows) =>
        rows.every((w) => w.state === 'running' && w.users === 2 && w.rps > 0 && w.cpuPercent !== null),
      'two running workers with 2 users each, sending',
    );
    assert.deepEqual(
      running.map((w) => w.index),
      [1, 2],
    );
    for (const w of running) assert.match(w.host, /:\d+$/, 'host:pid, as the worker said');
    assert.notEqual(running[0]?.host, running[1]?.host, 'two processes');

    // Edit: 7 users over the whole run, 4 + 3 (the first workers take the remainder).
    const edited = await post(cli.url, '/api/users', { users: 7 });
    assert.equal(edited.status, 200, edited.body);
    assert.equal(JSON.parse(edited.body).targetUsers, 7);
    await waitForWorkers(
      cli.url,
      (rows) => rows[0]?.users === 4 && rows[1]?.users === 3,
      'users 4 + 3 after the edit to 7',
    );
    await waitForMergedUsers(cli.url, 7);

    // Down again: 1 user, on the first worker only.
    assert.equal((await post(cli.url, '/api/users', { users: 1 })).status, 200);
    await waitForWorkers(cli.url, (rows) => rows[0]?.users === 1 && rows[1]?.users === 0, 'users 1 + 0');

    const stopped = await post(cli.url, '/api/stop');
    assert.equal(stopped.status, 200, stopped.body);
    const view = await waitForState(cli.url, 'stopped');
    assert.deepEqual(view.ended, { stopReason: 'stopped', exitCode: 0, passed: true });
    const ended = (await workers(cli.url)).workers;
    assert.deepEqual(
      ended?.map((w) => [w.index, w.state, w.users, w.rps, w.cpuPercent]),
      [
        [1, 'done', 0, 0, null],
        [2, 'done', 0, 0, null],
      ],
    );
    const summary = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    assert.equal(summary.meta.stopReason, 'stopped');
    assert.equal(summary.meta.peakUsers, 7, 'both workers’ peaks (4 + 3), added');
    assert.ok(summary.aggregated.requests > 0);
  } finally {
    cli.child.kill('SIGINT');
    await cli.exited;
  }
});

/** `volley worker --master ADDRESS`, killed after 60 s whatever happens; resolves with its exit code. */
function startWorker(address: string, cwd: string): { exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [VOLLEY_BIN, 'worker', '--master', address], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  void exited.then(() => clearTimeout(killer));
  return { exited, output: () => output };
}

test('--master with the web UI: Start waits for the workers (an edit is refused until they are in), then they run, take an edit and stop', {
  timeout: 90_000,
}, async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    ['scenario.ts', '-H', target.url, '--master', '127.0.0.1:0', '--expect-workers', '2', '--web-port', '0'],
    { cwd: dir, timeoutMs: 80_000 },
  );
  try {
    assert.deepEqual((await workers(cli.url)).cluster, { kind: 'master', workers: 2, master: '127.0.0.1:0' });
    assert.equal((await post(cli.url, '/api/start', { users: 2, host: target.url })).status, 200);
    const deadline = performance.now() + 20_000;
    let address: string | undefined;
    while (!address && performance.now() < deadline) {
      address = /volley worker --master (127\.0\.0\.1:\d+)/.exec(cli.stderr())?.[1];
      if (!address) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(address, cli.stderr());
    assert.equal((await workers(cli.url)).cluster?.master, address, 'the address listened on');
    const waiting = await workers(cli.url);
    assert.deepEqual(
      waiting.workers?.map((w) => [w.index, w.state]),
      [
        [1, 'connecting'],
        [2, 'connecting'],
      ],
    );
    const early = await post(cli.url, '/api/users', { users: 4 });
    assert.equal(early.status, 400);
    assert.match(
      JSON.parse(early.body).error,
      /0 of 2 workers connected: change the load once the run has started/,
    );

    const started = [startWorker(address, dir), startWorker(address, dir)];
    await waitForWorkers(
      cli.url,
      (rows) => rows.every((w) => w.state === 'running' && w.users === 1 && w.rps > 0),
      'two connected workers running one user each',
    );
    assert.equal((await post(cli.url, '/api/users', { users: 4 })).status, 200);
    await waitForWorkers(cli.url, (rows) => rows.every((w) => w.users === 2), '2 + 2 users');
    assert.equal((await post(cli.url, '/api/stop')).status, 200);
    const view = await waitForState(cli.url, 'stopped');
    assert.deepEqual(view.ended, { stopReason: 'stopped', exitCode: 0, passed: true });
    for (const worker of started) assert.equal(await worker.exited, 0, worker.output());
  } finally {
    cli.child.kill('SIGINT');
    await cli.exited;
  }
});
