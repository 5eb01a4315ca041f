import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

// One target whose latency the test changes between runs; the load runs in the CLI's own process.
// 100 ms, so that a busy machine's few ms of scheduling delay are small beside it.
let delayMs = 100;
let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'volley-compare-'));
writeFileSync(
  join(dir, 'scenario.ts'),
  `import { user } from 'volley';
export const reader = user({ tasks: [async (vu) => { await vu.http.get('/items/' + vu.id, { name: '/items/:id' }); }] });
`,
);

/** A bounded run: 5 users × 30 requests, fixed seed, its summary written to `file`. */
async function bounded(file: string, extra: string[] = []) {
  return runCli(
    [
      'run',
      'scenario.ts',
      '-H',
      server.url,
      '-u',
      '5',
      '-i',
      '30',
      '--seed',
      '1',
      '--only-summary',
      '--json-file',
      file,
      ...extra,
    ],
    { cwd: dir, timeoutMs: 60_000 },
  );
}

before(async () => {
  server = await startServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), delayMs);
  });
  // The two runs of the unchanged target run side by side: whatever else the machine does then slows
  // both alike, as it would not two runs minutes apart on a shared CI box.
  const same = await Promise.all([bounded('base.json'), bounded('same.json')]);
  for (const run of same) assert.equal(run.code, 0, run.stdout + run.stderr);
  delayMs = 200;
  assert.equal((await bounded('slower.json')).code, 0);
});
after(() => server.close());

// The median: a tail on a shared machine is its neighbours' as much as the target's (p95 is unit-tested).
const GATE = ['--max-regression', 'p50=25%', '--max-regression', 'fail_ratio=0.5pp'];

test('compare of two runs of the same target finds no regression and exits 0', async () => {
  const r = await runCli(['compare', 'base.json', 'same.json', ...GATE], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^GET \/items\/:id: 150 → 150 requests;/m);
  assert.match(r.stdout, /PASSED: no regression beyond p50=25%, fail_ratio=0\.5pp/);
});

test('compare of runs before and after the target slowed down reports the regression and exits 1', async () => {
  const r = await runCli(['compare', 'base.json', 'slower.json', ...GATE, '--html', 'out/compare.html'], {
    cwd: dir,
  });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^GET \/items\/:id: 150 → 150 requests; slower \(Mann–Whitney p<0\.001/m);
  assert.match(r.stdout, /^ {2}p50 ms .*\+\d+\.\d% ▲$/m);
  assert.match(r.stdout, /FAILED: \d regression\(s\) beyond p50=25%/);
  assert.match(
    r.stdout,
    /^ {2}GET \/items\/:id: p50 [\d.]+ ms → [\d.]+ ms \(\+\d+\.\d%, limit p50=25%, p<0\.001\)$/m,
  );
  const html = readFileSync(join(dir, 'out/compare.html'), 'utf8');
  assert.match(html, /<span class="badge fail" id="verdict">Regression<\/span>/);
  assert.match(html, /data-regression="GET \/items\/:id: p50"/);
  const curves = JSON.parse(
    /<script type="application\/json" id="volley-curves">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]',
  );
  assert.equal(curves.length, 2, 'aggregated and the endpoint');
  const [first] = curves as { x: number[]; base: number[]; next: number[] }[];
  const median = first?.x.indexOf(-Math.log10(0.5)) ?? -1;
  assert.ok((first?.next[median] ?? 0) > (first?.base[median] ?? 0) * 1.5, 'the NEW curve lies above at p50');
});

test('the run summary carries its histograms, and compare reads them back', () => {
  const summary = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as RunSummary;
  assert.equal(summary.histograms?.encoding, 'hdr-base64-us');
  assert.deepEqual(
    summary.histograms?.endpoints.map((h) => `${h.method} ${h.name}`),
    ['GET /items/:id'],
  );
});

test('run --baseline runs, compares with the baseline and exits 1 on a regression', async () => {
  const r = await bounded('again.json', ['--baseline', 'base.json', '--max-regression', 'p50=25%']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Compared with the baseline:\nbase: base\.json .*\nnew: {2}this run/);
  assert.match(r.stdout, /FAILED: \d regression\(s\) beyond p50=25%/);
  const ok = await bounded('again2.json', ['--baseline', 'slower.json', '--max-regression', 'p50=25%']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /PASSED: no regression beyond p50=25%/);
});

test('compare refuses what it cannot read with a one-line error and exit code 2', async () => {
  writeFileSync(join(dir, 'not-summary.json'), '{"hello": 1}');
  writeFileSync(join(dir, 'not-json.json'), 'nope');
  const cases: [string[], RegExp][] = [
    [['compare', 'base.json'], /expected two run summaries: volley compare BASE\.json NEW\.json/],
    [['compare', 'base.json', 'missing.json'], /cannot read missing\.json: no such file/],
    [['compare', 'base.json', 'not-json.json'], /not-json\.json is not JSON/],
    [['compare', 'base.json', 'not-summary.json'], /not-summary\.json is not a run summary/],
    [
      ['compare', 'base.json', 'same.json', '--max-regression', 'p95<10%'],
      /--max-regression "p95<10%": expected METRIC=LIMIT/,
    ],
    [['compare', 'base.json', 'same.json', '--alpha', '5'], /--alpha: expected a probability/],
    [['run', 'scenario.ts', '--max-regression', 'p95=10%'], /--max-regression: only with --baseline/],
    [['run', 'scenario.ts', '--baseline', 'missing.json'], /cannot read missing\.json/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
