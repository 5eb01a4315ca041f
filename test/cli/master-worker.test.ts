import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli, VOLLEY_BIN } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
after(() => server.close());

/** Starts the CLI; `output` collects stdout and stderr, `exited` resolves with the exit code. */
function start(args: string[], cwd: string) {
  const child: ChildProcess = spawn(process.execPath, [VOLLEY_BIN, ...args], {
    cwd,
    env: { ...process.env, VOLLEY_HEADLESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = { output: '', child, exited: new Promise<number | null>((r) => child.on('close', r)) };
  child.stdout?.on('data', (d) => {
    result.output += d;
  });
  child.stderr?.on('data', (d) => {
    result.output += d;
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void result.exited.then(() => clearTimeout(kill));
  return result;
}

test('--master over TCP on loopback: two `volley worker`s run the users, the coordinator reports exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-master-'));
  writeFileSync(
    join(dir, 'scenario.ts'),
    `import { user, task } from 'volley';
export default user({ tasks: [task({ weight: 3 }, async (vu) => { await vu.http.get('/a'); }), async (vu) => { await vu.http.get('/b'); }] });
`,
  );
  const coordinator = start(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '5',
      '-i',
      '4',
      '--seed',
      '5',
      '--master',
      '127.0.0.1:0',
    ].concat(['--expect-workers', '2', '--json-file', 'tcp.json', '--only-summary']),
    dir,
  );
  const address = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const found = /volley worker --master (127\.0\.0\.1:\d+)/.exec(coordinator.output)?.[1];
      if (found) {
        clearInterval(poll);
        resolve(found);
      }
    }, 50);
    void coordinator.exited.then(() => reject(new Error(coordinator.output)));
  });
  const workers = [start(['worker', '--master', address], dir), start(['worker', '--master', address], dir)];
  const codes = await Promise.all([coordinator.exited, ...workers.map((w) => w.exited)]);
  assert.deepEqual(codes, [0, 0, 0], [coordinator.output, ...workers.map((w) => w.output)].join('\n---\n'));
  const tcp = JSON.parse(readFileSync(join(dir, 'tcp.json'), 'utf8')) as RunSummary;
  // The same run in one process, for comparison.
  const single = await runCli(
    ['run', 'scenario.ts', '-H', server.url, '-u', '5', '-i', '4', '--seed', '5', '--json-file', 'one.json'],
    { cwd: dir },
  );
  assert.equal(single.code, 0, single.stderr);
  const one = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8')) as RunSummary;
  const counts = (s: RunSummary) => s.endpoints.map((e) => [e.name, e.requests, e.failures]);
  assert.deepEqual(counts(tcp), counts(one));
  assert.equal(tcp.aggregated.requests, 20);
  assert.equal(tcp.meta.stopReason, 'iterations');
  assert.match(workers[0]!.output, /volley worker: connected to 127\.0\.0\.1:\d+/);
});

test('volley worker without --master is a usage error', async () => {
  const r = await runCli(['worker']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'volley: volley worker: --master HOST:PORT is required\n');
});
