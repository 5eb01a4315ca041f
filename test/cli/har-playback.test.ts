/**
 * `volley run FILE.har`: captured traffic played against -H at its pacing (compressed by --speed, or at
 * --rate), overlapping as recorded, through every run output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';
import { harEntry, harText } from '../helpers/har-entry.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

interface Arrival {
  atMs: number;
  method: string;
  url: string;
  body: string;
  cookie: string | undefined;
  trace: string | undefined;
}

let server: TestServer;
let arrivals: Arrival[] = [];
let inFlight = 0;
let peakInFlight = 0;
let delayMs = 0;
const dir = mkdtempSync(join(tmpdir(), 'volley-playback-test-'));

/** ~6 s of traffic: 25 requests 250 ms apart, every fifth a POST with a body, ids in the paths. */
function sixSecondsOfTraffic(): string {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const entries = Array.from({ length: 25 }, (_, i) =>
    harEntry({
      startedDateTime: new Date(t0 + i * 250).toISOString(),
      method: i % 5 === 0 ? 'POST' : 'GET',
      url: `https://api.example.test/items/${100 + i}?v=1`,
      headers: [
        { name: 'Host', value: 'api.example.test' },
        { name: 'X-Trace', value: String(i) },
      ],
      ...(i % 5 === 0 ? { postData: { mimeType: 'application/json', text: `{"n":${i}}` } } : {}),
      waitMs: 5,
    }),
  );
  const file = join(dir, 'six.har');
  writeFileSync(file, harText(entries));
  return file;
}

before(async () => {
  sixSecondsOfTraffic();
  writeFileSync(
    join(dir, 'browser.har'),
    readFileSync(new URL('../record/fixtures/browser-export.har', import.meta.url)),
  );
  server = await startServer((req, res) => {
    const atMs = performance.now();
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      arrivals.push({
        atMs,
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        cookie: req.headers.cookie,
        trace: req.headers['x-trace'] as string | undefined,
      });
      setTimeout(() => {
        inFlight -= 1;
        res.statusCode = req.method === 'DELETE' ? 404 : 200;
        res.end('ok');
      }, delayMs);
    });
  });
});
after(() => server.close());
beforeEach(() => {
  arrivals = [];
  peakInFlight = 0;
  delayMs = 0;
});

const run = (args: string[], timeoutMs = 30_000) =>
  runCli(['run', ...args, '-H', server.url, '--only-summary'], { cwd: dir, timeoutMs });

test('--speed 4 plays ~6 s of traffic in about 1.5 s, every request, overlapping as sent', async () => {
  // Each response takes 400 ms: sent one after another, 25 would take 10 s.
  delayMs = 400;
  const r = await run(['six.har', '--speed', '4', '--json-file', 'six.json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(arrivals.length, 25);
  const spanMs = (arrivals.at(-1)?.atMs ?? 0) - (arrivals[0]?.atMs ?? 0);
  assert.ok(spanMs > 1000 && spanMs < 3000, `first to last request: ${spanMs} ms (1500 planned)`);
  assert.ok(peakInFlight >= 5, `requests overlapped: at most ${peakInFlight} at once`);
  assert.deepEqual(
    arrivals.map((a) => a.trace),
    Array.from({ length: 25 }, (_, i) => String(i)),
    'in recorded order',
  );
  assert.equal(arrivals[5]?.body, '{"n":5}');
  const summary = JSON.parse(readFileSync(join(dir, 'six.json'), 'utf8')) as RunSummary;
  assert.deepEqual(
    summary.endpoints.map((e) => `${e.method} ${e.name} ${e.requests}`),
    ['GET /items/:id 20', 'POST /items/:id 5'],
  );
  assert.ok(summary.meta.durationSec < 4, `the run took ${summary.meta.durationSec} s`);
});

test('a browser-exported HAR plays its origin’s requests against -H: bodies, cookies, recorded 404s', async () => {
  const r = await run(['browser.har', '--speed', '10', '--json-file', 'browser.json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(
    arrivals.map((a) => `${a.method} ${a.url}`),
    [
      'GET /',
      'GET /static/app.3f9a.js',
      'GET /api/products?page=1',
      'POST /api/cart',
      'GET /api/products/42',
      'GET /api/products/7f3c2a10-1b2c-4d5e-8f90-123456789abc/reviews',
      'POST /login',
      'DELETE /api/cart/42',
    ],
  );
  assert.equal(arrivals[2]?.cookie, 'sid=abc; theme=dark');
  assert.equal(arrivals[3]?.body, '{"productId":42,"qty":1}');
  const summary = JSON.parse(readFileSync(join(dir, 'browser.json'), 'utf8')) as RunSummary;
  assert.equal(summary.aggregated.failures, 0);
  assert.ok(summary.endpoints.some((e) => e.name === '/api/products/:id/reviews'));
});

test('--filter keeps the requests asked for', async () => {
  const r = await run([
    'browser.har',
    '--rate',
    '50',
    '--filter',
    'method=POST,DELETE',
    '--filter',
    'path=/api/*',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(
    arrivals.map((a) => `${a.method} ${a.url}`),
    ['POST /api/cart', 'DELETE /api/cart/42'],
  );
});

test('--loop plays the traffic again until --run-time; --rate sets the pace', async () => {
  const r = await run(['browser.har', '--rate', '20', '--loop', '-t', '2s']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // 20/s for 2 s: 40 planned, 8 per pass.
  assert.ok(arrivals.length >= 24 && arrivals.length <= 48, `${arrivals.length} requests`);
  assert.ok(arrivals.filter((a) => a.url === '/').length >= 3, 'the traffic was played more than twice');
});

test('playback over --processes 2 writes CSV and JSON, and thresholds set the exit code', async () => {
  const r = await run([
    'six.har',
    '--speed',
    '8',
    '--processes',
    '2',
    '--csv',
    'out/six',
    '--json-file',
    'out/six.json',
    '--threshold',
    'p95<10000',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(arrivals.length, 25, 'the requests were dealt to the two processes, none twice');
  const summary = JSON.parse(readFileSync(join(dir, 'out/six.json'), 'utf8')) as RunSummary;
  assert.equal(summary.aggregated.requests, 25);
  assert.match(readFileSync(join(dir, 'out/six_stats.csv'), 'utf8'), /^GET,\/items\/:id,20,0,/m);
  const failing = await run(['six.har', '--speed', '8', '--threshold', 'max<0.001']);
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
});

test('playback flags without a HAR, and a HAR without -H or with a bad pace, are one-line usage errors', async () => {
  writeFileSync(
    join(dir, 'scenario.ts'),
    "import { user } from 'volley';\nexport default user({ tasks: [async () => {}] });\n",
  );
  const cases: [string[], RegExp][] = [
    [['run', 'scenario.ts', '--speed', '2'], /--speed, --rate, --loop and --filter play a HAR/],
    [['run', 'six.har'], /plays the traffic against -H URL/],
    [['run', 'six.har', '-H', 'http://127.0.0.1:9', '--speed', '0'], /--speed: expected a number above 0/],
    [
      ['run', 'six.har', '-H', 'http://127.0.0.1:9', '--speed', '2', '--rate', '5'],
      /--speed and --rate both/,
    ],
    [
      ['run', 'six.har', '-H', 'http://127.0.0.1:9', '--filter', 'size=3'],
      /--filter "size=3": expected host=HOST/,
    ],
    [['run', 'missing.har', '-H', 'http://127.0.0.1:9'], /cannot read HAR file .*missing\.har \(ENOENT\)/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
