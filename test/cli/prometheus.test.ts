import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli, VOLLEY_BIN } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { post } from '../web/http-request.ts';
import { startWebCli, webScenario } from '../web/web-cli.ts';

let target: TestServer;
before(async () => {
  target = await startServer((_req, res) => res.end('ok'));
});
after(() => target.close());

/** Per endpoint ("METHOD name") of one scrape: requests counted, and the histogram's buckets, +Inf and count. */
interface EndpointMetrics {
  requests: number;
  buckets: number[];
  inf: number;
  count: number;
}

function parseScrape(text: string): Map<string, EndpointMetrics> {
  const endpoints = new Map<string, EndpointMetrics>();
  const of = (method: string, name: string) => {
    const key = `${method} ${name}`;
    let endpoint = endpoints.get(key);
    if (!endpoint) {
      endpoint = { requests: -1, buckets: [], inf: -1, count: -1 };
      endpoints.set(key, endpoint);
    }
    return endpoint;
  };
  for (const m of text.matchAll(/^volley_requests_total\{method="(\w+)",name="(.*)"\} (\d+)$/gm)) {
    of(m[1] ?? '', m[2] ?? '').requests = Number(m[3]);
  }
  for (const m of text.matchAll(
    /^volley_request_duration_seconds_bucket\{le="(.+?)",method="(\w+)",name="(.*)"\} (\d+)$/gm,
  )) {
    const endpoint = of(m[2] ?? '', m[3] ?? '');
    if (m[1] === '+Inf') endpoint.inf = Number(m[4]);
    else endpoint.buckets.push(Number(m[4]));
  }
  for (const m of text.matchAll(
    /^volley_request_duration_seconds_count\{method="(\w+)",name="(.*)"\} (\d+)$/gm,
  )) {
    of(m[1] ?? '', m[2] ?? '').count = Number(m[3]);
  }
  return endpoints;
}

/** Scrapes `url` every 100 ms until `ready` holds for the parsed endpoints (bounded by `timeoutMs`). */
async function scrapeUntil(
  url: string,
  ready: (endpoints: Map<string, EndpointMetrics>) => boolean,
  timeoutMs = 10_000,
): Promise<{ text: string; endpoints: Map<string, EndpointMetrics> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(url)).text();
    const endpoints = parseScrape(text);
    if (ready(endpoints)) return { text, endpoints };
    if (Date.now() > deadline) assert.fail(`${url} never showed what was waited for:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every endpoint has requests, a complete histogram, and a histogram count equal to its request counter. */
function assertConsistent(endpoints: Map<string, EndpointMetrics>, context: string): void {
  assert.ok(endpoints.size > 0, context);
  for (const [key, e] of endpoints) {
    assert.ok(e.requests > 0, `${key}: requests counted (${context})`);
    assert.equal(e.count, e.requests, `${key}: histogram count = request counter (${context})`);
    assert.equal(e.inf, e.count, `${key}: +Inf bucket = count (${context})`);
    assert.equal(e.buckets.length, 15, `${key}: every bucket (${context})`);
    assert.ok(
      e.buckets.every((n, i) => n <= (e.buckets[i + 1] ?? e.inf)),
      `${key}: cumulative buckets ${e.buckets} (${context})`,
    );
    assert.ok((e.buckets[9] ?? 0) > 0, `${key}: loopback answers within 1 s (${context})`);
  }
}

test('--processes 2: /metrics has latency histograms from the workers, their counts equal to the request counters', async () => {
  const { dir } = webScenario();
  const child = spawn(
    process.execPath,
    [
      VOLLEY_BIN,
      'run',
      'scenario.ts',
      '-H',
      target.url,
      '-u',
      '4',
      '-t',
      '3s',
      '--processes',
      '2',
      '--prometheus-port',
      '0',
      '--json-file',
      'out.json',
    ],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', VOLLEY_HEADLESS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const found = /Prometheus metrics on (\S+)/.exec(stderr)?.[1];
        if (found) resolve(found);
      });
      void exited.then((code) =>
        reject(new Error(`volley exited (${code}) before serving metrics:\n${stderr}`)),
      );
    });
    // Both endpoints once every worker has reported (a second into the run), during the run.
    const { endpoints } = await scrapeUntil(
      url,
      (e) => e.size === 2 && [...e.values()].every((x) => x.count > 0),
    );
    assertConsistent(endpoints, 'during the run');
    assert.deepEqual([...endpoints.keys()].sort(), ['GET /', 'POST /items']);
    const during = endpoints.get('GET /')?.requests ?? 0;

    assert.equal(await exited, 0, stderr);
    assert.doesNotMatch(stderr, /histogram/, 'no caveat about missing histograms any more');
    const summary = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    const reads = summary.endpoints.find((e) => e.name === '/')?.requests ?? 0;
    assert.ok(during <= reads, `scraped ${during} during the run, ${reads} in the end`);
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
});

test('web UI: /metrics serves every run started from the UI, counters growing through a reset and a new run', async () => {
  const { dir } = webScenario();
  const cli = await startWebCli(
    ['scenario.ts', '-H', target.url, '-u', '2', '--web-port', '0', '--prometheus-port', '0'],
    { cwd: dir, timeoutMs: 30_000 },
  );
  try {
    const url = /Prometheus metrics on (\S+)/.exec(cli.stderr())?.[1];
    assert.ok(url, cli.stderr());
    const idle = await (await fetch(url)).text();
    assert.match(idle, /^# TYPE volley_request_duration_seconds histogram$/m, 'served before any run');
    assert.doesNotMatch(idle, /^volley_run_info\{/m);

    assert.equal((await post(cli.url, '/api/start', { users: 2 })).status, 200);
    const first = await scrapeUntil(url, (e) => (e.get('GET /')?.count ?? 0) >= 5);
    assertConsistent(first.endpoints, 'first run');
    assert.match(
      first.text,
      /^volley_run_info\{scenario=".*scenario\.ts",host="http:\/\/127\.0\.0\.1:\d+"\} 1$/m,
    );
    const firstCount = first.endpoints.get('GET /')?.count ?? 0;

    // The UI's numbers start again from 0; Prometheus's counters do not go back.
    assert.equal((await post(cli.url, '/api/reset')).status, 200);
    const reset = parseScrape(await (await fetch(url)).text());
    assert.ok((reset.get('GET /')?.count ?? 0) >= firstCount, 'no drop after a reset');

    assert.equal((await post(cli.url, '/api/stop')).status, 200);
    await waitFor(() => /run 1 ended/.test(cli.stderr()), 'the first run to end');
    const between = await scrapeUntil(url, () => true);
    assert.match(between.text, /^volley_users 0$/m, 'still served between runs');
    const endOfFirst = between.endpoints.get('GET /')?.count ?? 0;
    assert.ok(endOfFirst >= firstCount);

    assert.equal((await post(cli.url, '/api/start', { users: 2 })).status, 200);
    const second = await scrapeUntil(url, (e) => (e.get('GET /')?.count ?? 0) >= endOfFirst + 5);
    assertConsistent(second.endpoints, 'second run');
    assert.equal((second.text.match(/^volley_run_info\{/gm) ?? []).length, 1, 'one run in progress');
  } finally {
    cli.child.kill('SIGINT');
  }
  assert.equal(await cli.exited, 0, cli.stderr());
});

test('web UI: a bad or taken --prometheus-port is one line and exit 2, before the UI serves', async () => {
  const { dir } = webScenario();
  const env = { VOLLEY_HEADLESS: '' };
  const bad = await runCli(['run', 'scenario.ts', '--web-port', '0', '--prometheus-port', '70000'], {
    cwd: dir,
    env,
  });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'volley: --prometheus-port: expected a port 0..65535, got 70000\n');
  const taken = await runCli(
    ['run', 'scenario.ts', '--web-port', '0', '--prometheus-port', String(target.port)],
    { cwd: dir, env },
  );
  assert.equal(taken.code, 2);
  assert.equal(
    taken.stderr,
    `volley: --prometheus-port: cannot listen on 127.0.0.1:${target.port}: address already in use (EADDRINUSE)\n`,
  );
});
