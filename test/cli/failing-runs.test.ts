import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { closedPort, startServer, type TestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-failing-'));
writeFileSync(
  join(dir, 'get.ts'),
  "import { user, constant } from 'volley';\nexport default user({ wait: constant(0.05), tasks: [async (vu) => { await vu.http.get('/'); }] });\n",
);
let failing: TestServer;
before(async () => {
  failing = await startServer((_req, res) => {
    res.statusCode = 500;
    res.end('down');
  });
});
after(() => failing.close());

test('a run whose every request fails says so after 5 s, with the top error', async () => {
  const port = await closedPort();
  const r = await runCli(
    ['run', 'get.ts', '-H', `http://127.0.0.1:${port}`, '-u', '2', '-t', '7s', '--only-summary'],
    {
      cwd: dir,
      timeoutMs: 30_000,
    },
  );
  assert.equal(r.code, 1, r.stderr);
  const warnings = r.stderr.split('\n').filter((line) => line.includes('are failing'));
  assert.deepEqual(warnings, [
    `warn: all requests are failing: connection refused (ECONNREFUSED 127.0.0.1:${port})`,
  ]);
});

test('a failing threshold marked :abort stops the run early: exit 4, stop reason threshold-abort', async () => {
  const started = performance.now();
  const r = await runCli(
    [
      'run',
      'get.ts',
      '-H',
      failing.url,
      '-u',
      '2',
      '-t',
      '60s',
      '--threshold',
      'fail_ratio<0.5:abort',
      '--json-file',
      'abort.json',
      '--only-summary',
    ],
    { cwd: dir, timeoutMs: 30_000 },
  );
  assert.equal(r.code, 4, r.stderr);
  assert.ok(performance.now() - started < 30_000);
  assert.match(
    r.stderr,
    /^error: threshold "fail_ratio<0\.5:abort" failed \(actual 1\) after \d+s: stopping the run$/m,
  );
  const summary = JSON.parse(readFileSync(join(dir, 'abort.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.stopReason, 'threshold-abort');
  assert.equal(summary.exitCode, 4);
  assert.equal(summary.passed, false);
  assert.ok(summary.meta.durationSec < 30, `stopped after ${summary.meta.durationSec}s`);
});

test(':abort thresholds are refused with --processes (judged in one process)', async () => {
  const r = await runCli(
    [
      'run',
      'get.ts',
      '-H',
      failing.url,
      '-t',
      '5s',
      '--processes',
      '2',
      '--threshold',
      'fail_ratio<0.5:abort',
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    'volley: --threshold "fail_ratio<0.5:abort": :abort judges the run in one process; drop --processes/--master or :abort',
  );
});
