import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import { addEncodedToBuckets } from '../../metrics/histogram-buckets.ts';
import { ENDPOINT, type SerializedRunStats } from '../../metrics/serialized-stats.ts';
import type { SampleSink } from '../../metrics/sink.ts';
import type { RunSummary, StatsSnapshot } from '../../metrics/summary.ts';
import { isLoopbackHost, isLoopbackHostHeader } from '../loopback-host.ts';
import type { Reporter, RunStartInfo } from '../reporter.ts';
import { PrometheusListenError } from './prometheus-listen-error.ts';

export interface PrometheusExporterOptions {
  /** 0 picks a free port (see `url` after `listen()`). */
  port: number;
  /**
   * Default 127.0.0.1: the endpoint is only reachable from this machine unless asked otherwise, and then
   * answers only requests whose Host header names loopback too (no DNS rebinding). Bound beyond loopback,
   * it is meant to be scraped by name from elsewhere, and any Host is accepted.
   */
  host?: string;
  /** Latency histogram buckets in seconds, ascending. */
  buckets?: readonly number[];
  /**
   * The web UI's case: the endpoint serves run after run, from `listen()` until `close()`. By default a
   * run's end closes it.
   */
  serveAcrossRuns?: boolean;
}

/** From 1 ms to 1 min: API latencies under load, with room for timeouts. */
export const DEFAULT_LATENCY_BUCKETS_SEC = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;

/** One endpoint's figures since the exporter was made: they only grow. */
interface EndpointTally {
  readonly labels: { method: string; name: string };
  requests: number;
  failures: number;
  sumSec: number;
  /** Requests per bucket, not cumulative: [i] counts those in (bound[i - 1], bound[i]]. */
  readonly inBucket: number[];
}

/** One named check on one endpoint: passes and fails since the exporter was made. */
interface CheckTally {
  readonly labels: { method: string; name: string; check: string };
  passes: number;
  fails: number;
}

/**
 * Live metrics for Prometheus on http://HOST:PORT/metrics, in a private registry:
 * - volley_requests_total, volley_request_failures_total {method, name}: counters;
 * - volley_request_duration_seconds {method, name}: histogram;
 * - volley_checks_total {method, name, check, result="pass"|"fail"}: named checks' outcomes;
 * - volley_users: gauge; volley_dropped_arrivals_total: counter (open model; 0 otherwise);
 * - volley_exceptions_total, volley_run_elapsed_seconds, volley_run_info {scenario, host}.
 *
 * Pass it to the run both as a reporter (gauges, the endpoint's life) and in `sampleSinks` (the counters
 * and the histogram). One process feeds it every sample (`request`); a multi-process coordinator feeds it
 * each worker's statistics delta (`merge`), whose latencies are HDR histograms: their buckets are exact
 * to HDR's resolution (0.1%), where a sample's are exact.
 *
 * Counters and histograms count from the exporter's creation and only grow: in the web UI a stats reset
 * or a new run does not zero them, as Prometheus counters must not go back (rate() would misread a
 * reset that happens between two scrapes). Per-run figures are increase()/rate() over the run's span;
 * volley_run_elapsed_seconds restarts at each run. (k6's counters also only grow, living as long as its
 * one-run process; Locust's usual exporter mirrors its table as gauges, which drop on a reset.)
 */
export class PrometheusExporter implements Reporter, SampleSink {
  readonly name = 'prometheus';
  readonly registry = new Registry();
  readonly #host: string;
  readonly #port: number;
  readonly #serveAcrossRuns: boolean;
  #server: Server | null = null;
  #url: string | null = null;
  readonly #bucketsSec: readonly number[];
  readonly #bucketsMicros: readonly number[];
  /** method → name → tally: the hot path looks up by the caller's own strings. */
  readonly #tallies = new Map<string, Map<string, EndpointTally>>();
  /** "method\0name\0check" → tally. */
  readonly #checks = new Map<string, CheckTally>();
  readonly #users: Gauge;
  readonly #dropped: Counter;
  readonly #exceptions: Counter;
  readonly #elapsed: Gauge;
  readonly #info: Gauge<'scenario' | 'host'>;
  /** The run's dropped arrivals already counted (the engine's figure restarts with a stats reset or run). */
  #droppedSeen = 0;

  constructor(options: PrometheusExporterOptions) {
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port;
    this.#serveAcrossRuns = options.serveAcrossRuns ?? false;
    this.#bucketsSec = [...(options.buckets ?? DEFAULT_LATENCY_BUCKETS_SEC)];
    this.#bucketsMicros = this.#bucketsSec.map((sec) => Math.round(sec * 1e6));
    const registers = [this.registry];
    const labelNames = ['method', 'name'] as const;
    const tallies = () => this.#allTallies();
    // Counters are set from the tallies when scraped: one sample costs no label hashing.
    new Counter({
      name: 'volley_requests_total',
      help: 'Requests completed, per endpoint (failed ones included).',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const tally of tallies()) this.inc(tally.labels, tally.requests);
      },
    });
    new Counter({
      name: 'volley_request_failures_total',
      help: 'Requests that failed (status, network error or check), per endpoint.',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const tally of tallies()) this.inc(tally.labels, tally.failures);
      },
    });
    const checks = this.#checks;
    new Counter({
      name: 'volley_checks_total',
      help: 'Named checks run, per endpoint and check, by result (pass or fail).',
      labelNames: ['method', 'name', 'check', 'result'] as const,
      registers,
      collect() {
        this.reset();
        for (const tally of checks.values()) {
          this.inc({ ...tally.labels, result: 'pass' }, tally.passes);
          this.inc({ ...tally.labels, result: 'fail' }, tally.fails);
        }
      },
    });
    this.registry.registerMetric(
      new LatencyHistogramMetric(
        'volley_request_duration_seconds',
        'Response time per endpoint, in seconds.',
        this.#bucketsSec,
        tallies,
      ) as unknown as Metric,
    );
    this.#users = new Gauge({ name: 'volley_users', help: 'Virtual users running.', registers });
    this.#dropped = new Counter({
      name: 'volley_dropped_arrivals_total',
      help: 'Arrivals the open model could not start (no free user); 0 in the closed model.',
      registers,
    });
    this.#exceptions = new Counter({
      name: 'volley_exceptions_total',
      help: 'Exceptions thrown by tasks.',
      registers,
    });
    this.#elapsed = new Gauge({
      name: 'volley_run_elapsed_seconds',
      help: 'Seconds since the run started.',
      registers,
    });
    this.#info = new Gauge({
      name: 'volley_run_info',
      help: 'The run in progress (always 1).',
      labelNames: ['scenario', 'host'] as const,
      registers,
    });
  }

  /** http://HOST:PORT/metrics once listening. */
  get url(): string | null {
    return this.#url;
  }

  /** Starts the endpoint (idempotent). Throws PrometheusListenError when the port is taken. */
  async listen(): Promise<string> {
    if (this.#url) return this.#url;
    const loopbackOnly = isLoopbackHost(this.#host);
    const server = createServer((req, res) => {
      // On loopback the endpoint is this machine's only: refuse a page that rebinds its DNS name to it.
      if (loopbackOnly && !isLoopbackHostHeader(req.headers.host)) {
        res
          .writeHead(403, { 'content-type': 'text/plain' })
          .end('volley: use http://127.0.0.1 or localhost\n');
        return;
      }
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('volley: metrics are at /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new PrometheusListenError(this.#host, this.#port, error)));
      server.listen(this.#port, this.#host, () => resolve());
    });
    // A scraper's keep-alive connection must not hold the process open after the run.
    server.unref();
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    this.#url = `http://${host}:${port}/metrics`;
    return this.#url;
  }

  /** Stops the endpoint (idempotent). */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async onStart(info: RunStartInfo): Promise<void> {
    await this.listen();
    // A new run (the web UI's next one may target another host) replaces the last one's labels.
    this.#info.reset();
    this.#info.set({ scenario: info.scenario, host: info.host }, 1);
    this.#users.set(0);
    this.#elapsed.set(0);
    this.#droppedSeen = 0;
  }

  onSnapshot(snapshot: StatsSnapshot): void {
    this.#users.set(snapshot.users);
    this.#elapsed.set(snapshot.elapsedSec);
    // Open model: dropped since the run's start or its last stats reset, after which it counts from 0.
    const dropped = snapshot.arrivals?.dropped;
    if (dropped !== undefined) {
      if (dropped < this.#droppedSeen) this.#droppedSeen = 0;
      if (dropped > this.#droppedSeen) this.#dropped.inc(dropped - this.#droppedSeen);
      this.#droppedSeen = dropped;
    }
  }

  /** Without `serveAcrossRuns`, the endpoint closes. */
  async onEnd(summary: RunSummary): Promise<void> {
    this.#users.set(0);
    this.#elapsed.set(summary.meta.durationSec);
    if (!this.#serveAcrossRuns) await this.close();
  }

  request(method: string, name: string, responseTimeMs: number, _bytes: number, error: string | null): void {
    const tally = this.#tally(method, name);
    const sec = responseTimeMs >= 0 ? responseTimeMs / 1000 : 0;
    tally.requests++;
    if (error !== null) tally.failures++;
    tally.sumSec += sec;
    const bounds = this.#bucketsSec;
    for (let i = 0; i < bounds.length; i++) {
      if (sec <= (bounds[i] as number)) {
        tally.inBucket[i] = (tally.inBucket[i] as number) + 1;
        break;
      }
    }
  }

  check(method: string, name: string, check: string, passed: boolean): void {
    const tally = this.#checkTally(method, name, check);
    if (passed) tally.passes++;
    else tally.fails++;
  }

  exception(): void {
    this.#exceptions.inc();
  }

  /** A multi-process run: what one worker recorded since its previous report. */
  merge(stats: SerializedRunStats): void {
    for (const endpoint of stats.endpoints) {
      if (endpoint[ENDPOINT.requests] === 0) continue;
      const tally = this.#tally(endpoint[ENDPOINT.method], endpoint[ENDPOINT.name]);
      tally.requests += endpoint[ENDPOINT.requests];
      tally.failures += endpoint[ENDPOINT.failures];
      tally.sumSec += endpoint[ENDPOINT.sumMicros] / 1e6;
      addEncodedToBuckets(endpoint[ENDPOINT.histogram], this.#bucketsMicros, tally.inBucket);
    }
    for (const check of stats.checks) {
      const tally = this.#checkTally(check.method, check.endpoint, check.name);
      tally.passes += check.passes;
      tally.fails += check.fails;
    }
    const thrown = stats.exceptions.reduce((sum, exception) => sum + exception.count, 0);
    if (thrown > 0) this.#exceptions.inc(thrown);
  }

  #checkTally(method: string, name: string, check: string): CheckTally {
    const key = `${method}\0${name}\0${check}`;
    let tally = this.#checks.get(key);
    if (!tally) {
      tally = { labels: { method, name, check }, passes: 0, fails: 0 };
      this.#checks.set(key, tally);
    }
    return tally;
  }

  #tally(method: string, name: string): EndpointTally {
    let byName = this.#tallies.get(method);
    if (!byName) {
      byName = new Map();
      this.#tallies.set(method, byName);
    }
    let tally = byName.get(name);
    if (!tally) {
      tally = {
        labels: { method, name },
        requests: 0,
        failures: 0,
        sumSec: 0,
        inBucket: this.#bucketsSec.map(() => 0),
      };
      byName.set(name, tally);
    }
    return tally;
  }

  *#allTallies(): Iterable<EndpointTally> {
    for (const byName of this.#tallies.values()) yield* byName.values();
  }
}

/**
 * volley_request_duration_seconds, built from the tallies when scraped. prom-client's Histogram takes one
 * observation at a time, and a multi-process run has bucket counts, not observations; so this is a metric
 * of its own that prom-client's registry renders (and escapes) like any other, through the `get()` every
 * metric has. prom-client types registered metrics as its own four classes only, hence the cast above.
 */
class LatencyHistogramMetric {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly #bucketsSec: readonly number[];
  readonly #tallies: () => Iterable<EndpointTally>;

  constructor(
    name: string,
    help: string,
    bucketsSec: readonly number[],
    tallies: () => Iterable<EndpointTally>,
  ) {
    this.name = name;
    this.help = help;
    this.#bucketsSec = bucketsSec;
    this.#tallies = tallies;
  }

  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, requests, sumSec, inBucket } of this.#tallies()) {
      let cumulative = 0;
      this.#bucketsSec.forEach((le, i) => {
        cumulative += inBucket[i] as number;
        values.push({ metricName: bucket, labels: { le, ...labels }, value: cumulative });
      });
      values.push({ metricName: bucket, labels: { le: '+Inf', ...labels }, value: requests });
      values.push({ metricName: `${this.name}_sum`, labels, value: sumSec });
      values.push({ metricName: `${this.name}_count`, labels, value: requests });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Registry.resetMetrics(): the figures are the tallies', which only grow. */
  reset(): void {}
}
