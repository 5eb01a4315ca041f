import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { closedPort, startServer, type TestServer } from '../helpers/servers.ts';

let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/missing') res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, url: req.url }));
  });
});
after(() => server.close());

/** A scenario in a temp dir with no node_modules: it must get the running volley's API. */
function tempScenario(source: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'volley-run-'));
  const file = join(dir, 'scenario.ts');
  writeFileSync(file, source);
  return { dir, file };
}

const STATS_HEADER =
  'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%';

test('a TypeScript scenario outside the repo runs and writes Locust CSVs and the JSON summary', async () => {
  const { dir } = tempScenario(`
import { user, task, between, type VirtualUser } from 'volley';
enum Path { Students = '/students' }   // full TypeScript, not only erasable syntax
interface State { seen: number }
export const reader = user<State>({
  weight: 3,
  state: () => ({ seen: 0 }),
  tasks: [
    task({ weight: 3, tags: ['read'] }, async (vu: VirtualUser<State>) => { await vu.http.get(Path.Students); vu.state.seen++; }),
    task({ tags: ['read'] }, async (vu) => { await vu.http.get('/students/' + vu.id + '?x=1', { name: '/students/[id]' }); }),
  ],
});
export const writer = user({ wait: between(0, 0.01), tasks: [async (vu) => { await vu.http.post('/students', { json: { a: 1 } }); }] });
export const options = { thresholds: ['p95<5000', 'GET /students: max<5000'] };
`);
  const r = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '4',
      '--iterations',
      '5',
      '--csv',
      'out/run',
      '--json-file',
      'out/summary.json',
      '--headless',
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const csv = readFileSync(join(dir, 'out/run_stats.csv'), 'utf8').split('\r\n');
  assert.equal(csv[0], STATS_HEADER);
  const rows = csv.slice(1, -1).map((line) => line.split(','));
  assert.deepEqual(
    rows.map((r) => `${r[0]} ${r[1]}`),
    ['GET /students', 'POST /students', 'GET /students/[id]', ' Aggregated'],
  );
  const count = (i: number) => Number(rows[i]?.[2]);
  // 3 readers and 1 writer (weights 3:1), 5 task runs each; readers pick their two tasks at random.
  assert.equal(count(0) + count(2), 15);
  assert.equal(count(1), 5);
  assert.equal(count(3), 20);
  for (const f of ['run_stats_history.csv', 'run_failures.csv', 'run_exceptions.csv']) {
    assert.ok(existsSync(join(dir, 'out', f)), f);
  }
  // Written even without named checks, so scripts can always read it.
  assert.equal(
    readFileSync(join(dir, 'out/run_checks.csv'), 'utf8'),
    'Check,Method,Endpoint,Passes,Fails,Pass Ratio\r\n',
  );
  const summary = JSON.parse(readFileSync(join(dir, 'out/summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.aggregated.requests, 20);
  assert.equal(summary.thresholds.length, 2);
  assert.ok(summary.thresholds.every((t) => t.passed));
  assert.match(r.stdout, /Response time percentiles/);
  assert.match(r.stdout, /Aggregated/);
});

test('tags select tasks from the command line', async () => {
  const { dir } = tempScenario(`
import { user, task } from 'volley';
export default user({ tasks: [
  task({ tags: ['a'] }, async (vu) => { await vu.http.get('/a'); }),
  task({ tags: ['b'] }, async (vu) => { await vu.http.get('/b'); }),
] });
`);
  const r = await runCli(
    ['run', 'scenario.ts', '-H', server.url, '-i', '3', '-T', 'b', '--json-file', 's.json'],
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as RunSummary;
  assert.deepEqual(
    summary.endpoints.map((e) => [e.name, e.requests]),
    [['/b', 3]],
  );
});

test('failed requests and a failed threshold exit 1; --exit-code-on-error changes the former', async () => {
  const { dir } = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => { await vu.http.get('/missing'); }] });
`);
  const failed = await runCli(['run', 'scenario.ts', '-H', server.url, '-i', '2'], { cwd: dir });
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /Error report/);
  assert.match(failed.stdout, /HTTP 404/);
  const tolerated = await runCli(
    ['run', 'scenario.ts', '-H', server.url, '-i', '2', '--exit-code-on-error', '0'],
    { cwd: dir },
  );
  assert.equal(tolerated.code, 0);
  const threshold = await runCli(
    ['run', 'scenario.ts', '-H', server.url, '-i', '2', '--threshold', 'fail_ratio<0.5'],
    {
      cwd: dir,
    },
  );
  assert.equal(threshold.code, 1);
});

test('an unreachable target is a run with failures, not a crash', async () => {
  const { dir } = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => { await vu.http.get('/'); }] });
`);
  const port = await closedPort();
  const r = await runCli(
    ['run', 'scenario.ts', '-H', `http://127.0.0.1:${port}`, '-i', '2', '--json-file', 's.json'],
    {
      cwd: dir,
    },
  );
  assert.equal(r.code, 1);
  const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as RunSummary;
  assert.equal(summary.aggregated.failures, 2);
  assert.match(summary.failures[0]?.error ?? '', /connection refused \(ECONNREFUSED/);
});

test('environment variables and volley.config.json configure the run; flags win', async () => {
  const { dir } = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => { await vu.http.get('/x'); }] });
export const options = { iterations: 7 };
`);
  writeFileSync(
    join(dir, 'volley.config.json'),
    JSON.stringify({ scenario: 'scenario.ts', users: 9, jsonFile: 'cfg.json' }),
  );
  const r = await runCli(['run', '-u', '2'], {
    cwd: dir,
    env: { VOLLEY_HOST: server.url, VOLLEY_ITERATIONS: '3' },
  });
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'cfg.json'), 'utf8')) as RunSummary;
  assert.equal(summary.aggregated.requests, 6, '2 users (flag) × 3 iterations (env over scenario options)');
});

test('SIGINT stops the run cleanly and still writes every report', async () => {
  const { dir } = tempScenario(`
import { user, constant } from 'volley';
export default user({ wait: constant(0.05), tasks: [async (vu) => { await vu.http.get('/'); }] });
`);
  // Ctrl-C once a progress line shows the run going (a fixed sleep raced start-up on a busy machine).
  const { code, stderr } = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '3',
      '-t',
      '60s',
      '--csv',
      'r',
      '--json-file',
      'r.json',
    ].concat(['--print-every', '1s']),
    { cwd: dir, interruptOn: '   requests ' },
  );
  assert.equal(code, 0, stderr);
  assert.match(stderr, /SIGINT: stopping, writing reports/);
  const summary = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.stopReason, 'signal');
  assert.ok(summary.aggregated.requests > 3);
  assert.ok(existsSync(join(dir, 'r_stats.csv')));
});
