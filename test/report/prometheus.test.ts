import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { runLoadTest } from '../../src/engine/run.ts';
import { constant, user } from '../../src/index.ts';
import type { StatsSnapshot } from '../../src/metrics/summary.ts';
import { PrometheusExporter } from '../../src/report/prometheus.ts';
import { PrometheusListenError } from '../../src/report/prometheus-listen-error.ts';
import type { Reporter } from '../../src/report/reporter.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

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
