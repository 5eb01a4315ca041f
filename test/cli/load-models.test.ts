import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const STATS_HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%';

const dir = mkdtempSync(join(tmpdir(), 'volley-load-'));
writeFileSync(
  join(dir, 'scenario.ts'),
  "import { user } from 'volley';\nexport default user({ tasks: [async (vu) => { await vu.http.get('/slow'); }] });\n",
);
let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => {
    setTimeout(() => res.end('ok'), 300);
  });
});
after(() => server.close());

test('--arrival-rate with a cap: dropped arrivals in the console, arrivals CSV and JSON; Locust CSV header kept', async () => {
  const r = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '--arrival-rate',
      '3000/m',
      '--max-users',
      '3',
      '-t',
      '1s',
      '--stop-timeout',
      '1s',
      '--csv',
      'out/open',
      '--json-file',
      'out/open.json',
      '--only-summary',
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Arrivals \(open model\): target 50(\.\d+)?\/s/);
  assert.match(r.stdout, /DROPPED \d+/);
  const summary = JSON.parse(readFileSync(join(dir, 'out/open.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.loadModel, 'open');
  // 3 users held 300 ms each serve at most 21 of the 50 arrivals in the 1 s run and its 1 s grace; the
  // others wait up to 1 s for a user, then are dropped.
  assert.ok(summary.arrivals && summary.arrivals.dropped >= 25, JSON.stringify(summary.arrivals));
  assert.equal(summary.arrivals.launched + summary.arrivals.dropped, summary.arrivals.scheduled);
  assert.equal(readFileSync(join(dir, 'out/open_stats.csv'), 'utf8').split('\r\n')[0], STATS_HEADER);
  const arrivals = readFileSync(join(dir, 'out/open_arrivals.csv'), 'utf8').split('\r\n');
  assert.match(
    arrivals[0] ?? '',
    /^Target Arrivals\/s,Achieved Arrivals\/s,Duration \(s\),Scheduled,Launched,Dropped,/,
  );
  assert.equal(arrivals[1]?.split(',')[5], String(summary.arrivals.dropped));
  assert.ok(!existsSync(join(dir, 'out/open_capacity.csv')));
});

test('--stages from the command line end the run with the last stage', async () => {
  const r = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '--stages',
      '0.5s:2,0.5s:0',
      '--json-file',
      'stages.json',
      '--only-summary',
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'stages.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.stopReason, 'stages');
  assert.equal(summary.meta.peakUsers, 2);
});

test('--profile smoke fills in users, run time and thresholds; flags override them', async () => {
  const r = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '--profile',
      'smoke',
      '-t',
      '0.5s',
      '--json-file',
      'smoke.json',
      '--only-summary',
    ],
    { cwd: dir },
  );
  // 0, or 1 when a busy machine pushes p95 past the profile's 1 s: the verdict, not a usage error.
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'smoke.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.profile, 'smoke');
  assert.deepEqual(
    summary.thresholds.map((t) => t.expression),
    ['fail_ratio==0', 'p95<1000'],
  );
  assert.ok(summary.meta.durationSec < 2);
  assert.equal(r.code, summary.exitCode);
});

/** One line on stderr, no stack trace, exit 2. */
async function expectUsage(args: string[], message: RegExp): Promise<void> {
  const r = await runCli(['run', 'scenario.ts', '-H', server.url, ...args], { cwd: dir });
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', message);
}

// More bad values in test/engine/load-options.test.ts (resolveRunPlan, no process per case).
test('bad load-model values are one-line usage errors (exit 2)', async () => {
  await expectUsage(
    ['--arrival-rate', 'fast'],
    /--arrival-rate: expected a rate like 50, 50\/s or 3000\/m, got "fast"/,
  );
  await expectUsage(['--stages', '30s'], /--stages: expected DURATION:TARGET/);
  await expectUsage(['--arrival-rate', '5', '--iterations', '2'], /--iterations: only for the closed model/);
});
