import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/fail')) res.statusCode = 500;
    res.end('ok');
  });
});
after(() => server.close());

function tempScenario(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-processes-'));
  writeFileSync(join(dir, 'scenario.ts'), source);
  return dir;
}

const MIXED = `
import { user, task } from 'volley';
export const reader = user({
  weight: 3,
  tasks: [
    task({ weight: 2 }, async (vu) => { await vu.http.get('/a'); }),
    async (vu) => { await vu.http.get('/b/' + vu.id, { name: '/b/[id]' }); },
  ],
});
export const writer = user({
  tasks: [async (vu) => {
    await vu.http.post('/w', { json: { id: vu.id } });
    if (vu.iteration === 1) await vu.http.get('/fail');
    if (vu.iteration === 2) throw new Error('boom');
  }],
});
`;

/** Every key path in a JSON value (array items collapsed), to compare shapes. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v) => keyPaths(v, `${prefix}[]`))];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => keyPaths(v, `${prefix}.${k}`));
  }
  return [`${prefix}:${typeof value}`];
}
const unique = (xs: string[]) => [...new Set(xs)].sort();

const csvColumn = (text: string, column: number) =>
  text
    .split('\r\n')
    .filter(Boolean)
    .map((line) =>
      line
        .split(',')
        .slice(0, 2)
        .concat(line.split(',')[column] ?? '')
        .join(','),
    );

test('--processes 2 gives the single-process results: same counts, failures, exceptions, JSON and CSV shape', async () => {
  const dir = tempScenario(MIXED);
  const run = (processes: string, out: string) =>
    runCli(
      [
        'run',
        'scenario.ts',
        '-H',
        server.url,
        '-u',
        '7',
        '-i',
        '5',
        '--seed',
        '11',
        '--processes',
        processes,
      ].concat(['--json-file', `${out}.json`, '--csv', out, '--only-summary']),
      { cwd: dir },
    );
  const [one, two] = [await run('1', 'one'), await run('2', 'two')];
  // Writers' /fail answers 500: exit code 1 in both.
  assert.equal(one.code, 1, one.stderr);
  assert.equal(two.code, 1, two.stderr);
  const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunSummary;
  const [a, b] = [read('one.json'), read('two.json')];
  const counts = (s: RunSummary) => ({
    endpoints: s.endpoints.map((e) => [e.method, e.name, e.requests, e.failures]),
    aggregated: [s.aggregated.requests, s.aggregated.failures],
    failures: s.failures,
    exceptions: s.exceptions.map((e) => [e.message, e.count]),
    peakUsers: s.meta.peakUsers,
    stopReason: s.meta.stopReason,
    passed: s.passed,
  });
  assert.deepEqual(counts(b), counts(a));
  // 5 readers and 2 writers (3:1, Locust's interleaving), 5 runs each, + 1 /fail per writer.
  assert.equal(b.aggregated.requests, 7 * 5 + 2);
  // The same report, plus the list of workers a multi-process run has.
  const own = (paths: string[]) => paths.filter((p) => !p.startsWith('.workers'));
  assert.deepEqual(own(unique(keyPaths(b))), unique(keyPaths(a)));
  assert.deepEqual(
    b.workers?.map((w) => [w.index, w.state]),
    [
      [0, 'done'],
      [1, 'done'],
    ],
  );
  assert.equal(
    b.workers?.reduce((sum, w) => sum + w.requests, 0),
    b.aggregated.requests,
  );
  for (const suffix of ['_stats.csv', '_failures.csv', '_exceptions.csv']) {
    const [x, y] = [
      readFileSync(join(dir, `one${suffix}`), 'utf8'),
      readFileSync(join(dir, `two${suffix}`), 'utf8'),
    ];
    assert.equal(y.split('\r\n')[0], x.split('\r\n')[0], suffix);
    if (suffix === '_stats.csv') assert.deepEqual(csvColumn(y, 2), csvColumn(x, 2), 'request counts');
    else assert.equal(y.split('\r\n').length, x.split('\r\n').length, suffix);
  }
  const history = (name: string) => readFileSync(join(dir, name), 'utf8').split('\r\n')[0];
  assert.equal(history('two_stats_history.csv'), history('one_stats_history.csv'));
  // The console shows the same tables.
  assert.match(two.stdout, /Response time percentiles/);
  assert.match(two.stdout, / {2}Aggregated +37 /);
});

test('SIGINT on the coordinator stops every worker and still writes the reports', async () => {
  const dir = tempScenario(`
import { user, constant } from 'volley';
export default user({ wait: constant(0.05), tasks: [async (vu) => { await vu.http.get('/'); }] });
`);
  // Ctrl-C once a progress line shows the workers running.
  const { code, stderr } = await runCli(
    ['run', 'scenario.ts', '-H', server.url, '-u', '4', '-t', '60s', '--processes', '2'].concat([
      '--json-file',
      'r.json',
      '--csv',
      'r',
      '--print-every',
      '1s',
    ]),
    { cwd: dir, interruptOn: '   requests ' },
  );
  assert.equal(code, 0, stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunSummary;
  assert.equal(summary.meta.stopReason, 'signal');
  assert.equal(summary.meta.peakUsers, 4);
  assert.ok(summary.aggregated.requests > 4);
});

test('a worker process that dies: one line, the others finish, reports written, exit code 3', async () => {
  const dir = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => {
  await vu.http.get('/x');
  if (vu.id === 2 && vu.iteration === 1) process.exit(9);
}] });
`);
  const r = await runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '4',
      '-i',
      '3',
      '--processes',
      '2',
      '--json-file',
      's.json',
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.includes('worker'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^error: worker 2 \(pid \d+\) exited with code 9 before the end of the run/);
  const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as RunSummary;
  assert.equal(summary.exitCode, 3);
  // Users 1 and 3 (worker 1) ran their 3 iterations; what worker 2 recorded before dying may be missing.
  assert.ok(
    summary.aggregated.requests >= 6 && summary.aggregated.requests <= 8,
    `${summary.aggregated.requests}`,
  );
});

test('--processes must be a whole number or auto', async () => {
  const dir = tempScenario(`import { user } from 'volley'; export default user({ tasks: [() => {}] });`);
  const r = await runCli(['run', 'scenario.ts', '-H', server.url, '--processes', 'many'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'volley: --processes: expected a whole number or "auto", got "many"\n');
  const zero = await runCli(['run', 'scenario.ts', '-H', server.url, '--processes', '0'], { cwd: dir });
  assert.equal(zero.code, 2);
  assert.equal(zero.stderr, 'volley: --processes: expected a whole number ≥ 1 or "auto", got 0\n');
});

test('open model over 2 processes: the arrivals follow the single-process timetable, dropped and uncorrected merged', async () => {
  const dir = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => { await vu.http.get('/'); }] });
`);
  const r = await runCli(
    ['run', 'scenario.ts', '-H', server.url, '--arrival-rate', '100', '-t', '2s', '--processes', '2'].concat([
      '--only-summary',
      '--json-file',
      'r.json',
    ]),
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunSummary;
  const arrivals = summary.arrivals!;
  assert.equal(summary.meta.loadModel, 'open');
  // 2 s at 100/s: 200 arrivals, each worker running its whole 2 s from its own start message.
  assert.equal(arrivals.scheduled, 200);
  assert.equal(arrivals.launched + arrivals.dropped, arrivals.scheduled);
  // Rates over the run's span, not each worker's own rate added up.
  assert.ok(Math.abs(arrivals.targetRate - 100) <= 1, `target ${arrivals.targetRate}/s`);
  assert.ok(Math.abs(arrivals.achievedRate - 100) <= 1, `achieved ${arrivals.achievedRate}/s`);
  assert.equal(arrivals.maxUsers, 5000);
  assert.equal(arrivals.uncorrected.aggregated.requests, summary.aggregated.requests);
  assert.equal(arrivals.iteration.requests, summary.aggregated.requests);
  assert.match(r.stdout, /arrivals/i);
});

test('a load shape or a capacity search refuses --processes with one line', async () => {
  const dir = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => { await vu.http.get('/'); }] });
`);
  const r = await runCli(['run', 'scenario.ts', '-H', server.url, '--find-capacity', '--processes', '2'], {
    cwd: dir,
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /capacity search steers one process/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('tuning flags without the flag they tune are refused, not ignored', async () => {
  const dir = tempScenario(`
import { user } from 'volley';
export default user({ tasks: [async (vu) => { await vu.http.get('/'); }] });
`);
  const cases: [string[], RegExp][] = [
    [['--capacity-step', '5'], /^volley: --capacity-step: only used by --find-capacity/],
    [['--capacity-max', '50/s', '-u', '1'], /^volley: --capacity-max: only used by --find-capacity/],
    [['--expect-workers', '2'], /^volley: --expect-workers: only with --master/],
  ];
  for (const [flags, message] of cases) {
    const r = await runCli(['run', 'scenario.ts', '-H', server.url, '-t', '1s', ...flags], { cwd: dir });
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
