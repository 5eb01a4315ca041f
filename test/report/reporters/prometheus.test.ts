import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { after, before, test } from 'node:test';
import { resolveRunPlan } from '../../../src/engine/resolve-plan.ts';
import { runLoadTest } from '../../../src/engine/run.ts';
import { constant, user } from '../../../src/index.ts';
import { RunStats } from '../../../src/metrics/run-stats.ts';
import type { RunSummary, StatsSnapshot } from '../../../src/metrics/summary.ts';
import type { Reporter } from '../../../src/report/reporter.ts';
import { PrometheusExporter } from '../../../src/report/reporters/prometheus.ts';
import { PrometheusListenError } from '../../../src/report/reporters/prometheus-listen-error.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    res.statusCode = req.url === '/fail' ? 503 : 200;
    res.end('ok');
  });
});
after(() => server.close());

/** Scrapes /metrics once, from the second snapshot on (the exporter has seen a snapshot by then). */
class Scraper implements Reporter {
  readonly name = 'scraper';
  text: string | null = null;
  contentType: string | null = null;
  readonly #exporter: PrometheusExporter;
  constructor(exporter: PrometheusExporter) {
    this.#exporter = exporter;
  }
  async onSnapshot(snapshot: StatsSnapshot): Promise<void> {
    if (this.text !== null || snapshot.elapsedSec < 1.5) return;
    const response = await fetch(this.#exporter.url ?? '');
    this.contentType = response.headers.get('content-type');
    this.text = await response.text();
  }
}

test('prometheus: live counters, latency histograms and users on /metrics while the run goes on', async () => {
  const exporter = new PrometheusExporter({ port: 0 });
  const scraper = new Scraper(exporter);
  const scenario = {
    path: 'inline.ts',
    options: {},
    userClasses: [
      user({
        name: 'shopper',
        wait: constant(0.02),
        tasks: [
          async (vu) => void (await vu.http.get('/items')),
          async (vu) => void (await vu.http.get('/fail', { name: 'flaky "one"' })),
        ],
      }),
    ],
  };
  const summary = await runLoadTest(
    resolveRunPlan({ host: server.url, users: 2, runTime: '2.5s' }, scenario, {
      reporters: [exporter, scraper],
      sampleSinks: [exporter],
      log: () => {},
    }),
  );
  const text = scraper.text;
  assert.ok(text, 'scraped during the run');
  assert.match(scraper.contentType ?? '', /^text\/plain; version=0\.0\.4/);
  assert.match(text, /^# TYPE volley_requests_total counter$/m);
  assert.match(text, /^volley_requests_total\{method="GET",name="\/items"\} [1-9]\d*$/m);
  // Label values are escaped in the exposition format.
  assert.match(text, /^volley_request_failures_total\{method="GET",name="flaky \\"one\\""\} [1-9]\d*$/m);
  assert.match(text, /^volley_request_failures_total\{method="GET",name="\/items"\} 0$/m);
  assert.match(text, /^# TYPE volley_request_duration_seconds histogram$/m);
  assert.match(
    text,
    /^volley_request_duration_seconds_bucket\{le="0\.001",method="GET",name="\/items"\} \d+$/m,
  );
  assert.match(
    text,
    /^volley_request_duration_seconds_bucket\{le="\+Inf",method="GET",name="\/items"\} [1-9]\d*$/m,
  );
  assert.match(text, /^volley_request_duration_seconds_count\{method="GET",name="\/items"\} [1-9]\d*$/m);
  assert.match(text, /^volley_users 2$/m);
  assert.match(text, /^volley_dropped_arrivals_total 0$/m);
  assert.match(text, /^volley_run_info\{scenario="inline\.ts",host="http:\/\/127\.0\.0\.1:\d+"\} 1$/m);
  // Nothing from prom-client's global registry (default process metrics) leaks in.
  assert.doesNotMatch(text, /process_cpu|nodejs_/);

  // After the run the counters hold the final figures, and the endpoint is closed.
  const metrics = await exporter.registry.getSingleMetricAsString('volley_requests_total');
  const items = summary.endpoints.find((e) => e.name === '/items');
  assert.ok(
    metrics.includes(`volley_requests_total{method="GET",name="/items"} ${items?.requests}`),
    metrics,
  );
  assert.equal(exporter.url !== null, true);
  await assert.rejects(fetch(exporter.url ?? ''));
});

test('prometheus: dropped arrivals from the open model are counted; a port in use is a one-line error', async () => {
  const exporter = new PrometheusExporter({ port: 0 });
  const snapshot = {
    timestamp: 0,
    users: 1,
    elapsedSec: 1,
    endpoints: [],
    aggregated: {} as StatsSnapshot['aggregated'],
    failures: [],
    exceptions: [],
    checks: [],
  };
  const arrivals = (dropped: number) => ({ rate: 10, scheduled: 20, launched: 20 - dropped, dropped });
  exporter.onSnapshot({ ...snapshot, arrivals: arrivals(3) } as StatsSnapshot);
  exporter.onSnapshot({ ...snapshot, arrivals: arrivals(7) } as StatsSnapshot);
  assert.match(await exporter.registry.metrics(), /^volley_dropped_arrivals_total 7$/m);
  // Reset stats: the engine counts from 0 again; the counter only goes up.
  exporter.onSnapshot({ ...snapshot, arrivals: arrivals(2) } as StatsSnapshot);
  assert.match(await exporter.registry.metrics(), /^volley_dropped_arrivals_total 9$/m);

  const url = new URL(await exporter.listen());
  const second = new PrometheusExporter({ port: Number(url.port) });
  await assert.rejects(second.listen(), (error: unknown) => {
    assert.ok(error instanceof PrometheusListenError);
    assert.equal(
      error.message,
      `--prometheus-port: cannot listen on 127.0.0.1:${url.port}: address already in use (EADDRINUSE)`,
    );
    return true;
  });
  await exporter.close();
});

/** The exposition's sample lines of one metric family (name and labels → value). */
function samplesOf(text: string, family: string): Map<string, number> {
  const lines = text.split('\n').filter((line) => line.startsWith(family) && !line.startsWith('#'));
  return new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.split(' ').at(-1))]));
}

test('prometheus: worker deltas merged (multi-process) give the buckets, counts and sums of the same samples', async () => {
  // Exactly at bounds (1 ms, 2.5 ms, 60 s), between them, above the last bound and beyond the HDR's 1 h.
  const times = [0, 0.4, 1, 1.7, 2.5, 3, 7.25, 42, 99, 180, 600, 2400, 9000, 60_000, 75_000, 5_000_000];
  const bySamples = new PrometheusExporter({ port: 0 });
  const byMerge = new PrometheusExporter({ port: 0 });
  const worker = new RunStats();
  times.forEach((ms, i) => {
    const [method, name, error] = i % 3 === 0 ? ['POST', '/w', 'HTTP 500'] : ['GET', '/r', null];
    // A named check runs before its request's sample, as in the HTTP client.
    bySamples.check(method, name, 'fast enough', ms < 1000);
    worker.check(method, name, 'fast enough', ms < 1000);
    bySamples.request(method, name, ms, 0, error);
    worker.request(method, name, ms, 0, error);
    // Deltas, as a worker sends them: what was recorded since the previous report.
    if (i === 5 || i === times.length - 1) {
      worker.exception(new Error('boom'));
      byMerge.merge(JSON.parse(JSON.stringify(worker.serialize())));
      worker.reset();
    }
  });
  bySamples.exception();
  bySamples.exception();
  worker.dispose();

  const expected = await bySamples.registry.metrics();
  const merged = await byMerge.registry.metrics();
  const buckets = samplesOf(expected, 'volley_request_duration_seconds_bucket');
  assert.equal(buckets.get('volley_request_duration_seconds_bucket{le="0.001",method="GET",name="/r"}'), 2);
  assert.equal(buckets.get('volley_request_duration_seconds_bucket{le="60",method="POST",name="/w"}'), 5);
  assert.equal(buckets.get('volley_request_duration_seconds_bucket{le="+Inf",method="POST",name="/w"}'), 6);
  for (const family of [
    'volley_request_duration_seconds_bucket',
    'volley_request_duration_seconds_count',
    'volley_requests_total',
    'volley_request_failures_total',
    'volley_exceptions_total',
    'volley_checks_total',
  ]) {
    assert.deepEqual(samplesOf(merged, family), samplesOf(expected, family), family);
  }
  // Sums: µs in the HDR path, and the 5000 s sample counts as the histograms' 1 h there.
  const sums = samplesOf(merged, 'volley_request_duration_seconds_sum');
  for (const [series, sum] of samplesOf(expected, 'volley_request_duration_seconds_sum')) {
    const clamped = series.includes('/w') ? sum - 5000 + 3600 : sum;
    assert.ok(Math.abs((sums.get(series) ?? Number.NaN) - clamped) < 1e-6, `${series}: ${sums.get(series)}`);
  }
  assert.match(merged, /^volley_request_failures_total\{method="POST",name="\/w"\} 6$/m);
  assert.match(
    merged,
    /^volley_checks_total\{method="GET",name="\/r",check="fast enough",result="fail"\} 3$/m,
  );
  assert.match(
    merged,
    /^volley_checks_total\{method="GET",name="\/r",check="fast enough",result="pass"\} 7$/m,
  );
});

test('prometheus: serving across runs (web UI), counters only grow through stats resets and new runs', async () => {
  const exporter = new PrometheusExporter({ port: 0, serveAcrossRuns: true });
  const url = await exporter.listen();
  const scrape = async () => (await fetch(url)).text();
  const start = (host: string) =>
    exporter.onStart({ scenario: 's.ts', host, plannedDurationSec: null, users: 1, startedAt: new Date() });
  const snapshot = (dropped: number) =>
    ({ users: 3, elapsedSec: 1, endpoints: [], arrivals: { dropped } }) as unknown as StatsSnapshot;
  const end = { meta: { durationSec: 2 } } as RunSummary;
  try {
    const before = await scrape();
    assert.match(before, /^# TYPE volley_request_duration_seconds histogram$/m);
    assert.doesNotMatch(before, /^volley_requests_total\{/m, 'no endpoint before the first run');

    await start('http://a');
    for (let i = 0; i < 3; i++) exporter.request('GET', '/', 5, 0, null);
    exporter.onSnapshot(snapshot(7));
    // The engine's reset zeroes its own figures only: the exporter never sees them go back.
    for (let i = 0; i < 2; i++) exporter.request('GET', '/', 5, 0, null);
    await exporter.onEnd(end);
    const between = await scrape();
    assert.match(between, /^volley_requests_total\{method="GET",name="\/"\} 5$/m);
    assert.match(between, /^volley_users 0$/m);

    // The next run counts its dropped arrivals from 0 again, even past the last run's figure.
    await start('http://b');
    exporter.request('GET', '/', 5, 0, 'HTTP 503');
    exporter.onSnapshot(snapshot(10));
    const second = await scrape();
    assert.match(second, /^volley_requests_total\{method="GET",name="\/"\} 6$/m);
    assert.match(second, /^volley_request_duration_seconds_count\{method="GET",name="\/"\} 6$/m);
    assert.match(second, /^volley_request_failures_total\{method="GET",name="\/"\} 1$/m);
    assert.match(second, /^volley_dropped_arrivals_total 17$/m);
    assert.match(second, /^volley_users 3$/m);
    assert.deepEqual(second.match(/^volley_run_info\{.*$/gm), [
      'volley_run_info{scenario="s.ts",host="http://b"} 1',
    ]);
    await exporter.onEnd(end);
    assert.equal((await fetch(url)).status, 200, 'still serving after the run');
  } finally {
    await exporter.close();
  }
  await assert.rejects(fetch(url));
});

/** A GET whose Host header is `host` (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

test('prometheus on loopback refuses a Host header naming another host (DNS rebinding)', async () => {
  const exporter = new PrometheusExporter({ port: 0 });
  const url = await exporter.listen();
  const { port } = new URL(url);
  try {
    assert.equal(await getWithHost(url, `rebound.example:${port}`), 403);
    assert.equal(await getWithHost(url, `10.0.0.1:${port}`), 403);
    assert.equal(await getWithHost(url, `127.0.0.1:${port}`), 200);
    assert.equal(await getWithHost(url, `localhost:${port}`), 200);
  } finally {
    await exporter.close();
  }
});
