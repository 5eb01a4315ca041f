import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SampleSink } from '../metrics/sink.ts';
import type { EndpointSummary, RunSummary, StatsSnapshot } from '../metrics/summary.ts';
import { PrometheusListenError } from './prometheus-listen-error.ts';
import type { Reporter, RunStartInfo } from './reporter.ts';

export interface PrometheusExporterOptions {
  /** 0 picks a free port (see `url` after `listen()`). */
  port: number;
  /** Default 127.0.0.1: the endpoint is only reachable from this machine unless asked otherwise. */
  host?: string;
  /** Latency histogram buckets in seconds. */
  buckets?: readonly number[];
}

/** From 1 ms to 1 min: API latencies under load, with room for timeouts. */
export const DEFAULT_LATENCY_BUCKETS_SEC = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;

/** Snapshot figures already exported as counters, per endpoint, to add only what is new. */
interface Exported {
  requests: number;
  failures: number;
}

/**
 * Live metrics for Prometheus on http://HOST:PORT/metrics, in a private registry:
 * - volley_requests_total, volley_request_failures_total {method, name}: counters, from the snapshots;
 * - volley_request_duration_seconds {method, name}: histogram, observed per request (a SampleSink);
 * - volley_users: gauge; volley_dropped_arrivals_total: counter (open model; 0 otherwise);
 * - volley_exceptions_total, volley_run_elapsed_seconds, volley_run_info {scenario, host}.
 * Listens from `listen()` (or the run's start) until the run ends. Pass it to the run both as a reporter
 * and in `sampleSinks` (the histograms and the exception counter need every sample).
 */
export class PrometheusExporter implements Reporter, SampleSink {
  readonly name = 'prometheus';
  readonly registry = new Registry();
  readonly #host: string;
  readonly #port: number;
  #server: Server | null = null;
  #url: string | null = null;
  readonly #requests: Counter<'method' | 'name'>;
  readonly #failures: Counter<'method' | 'name'>;
  readonly #latency: Histogram<'method' | 'name'>;
  readonly #users: Gauge;
  readonly #dropped: Counter;
  readonly #exceptions: Counter;
  readonly #elapsed: Gauge;
  readonly #info: Gauge<'scenario' | 'host'>;
  /** method → name → histogram child: label lookups hash strings, so the hot path caches them. */
  readonly #latencyChildren = new Map<string, Map<string, Histogram.Internal<'method' | 'name'>>>();
  readonly #exported = new Map<string, Exported>();
  #droppedExported = 0;

  constructor(options: PrometheusExporterOptions) {
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port;
    const registers = [this.registry];
    const labelNames = ['method', 'name'] as const;
    this.#requests = new Counter({
      name: 'volley_requests_total',
      help: 'Requests completed, per endpoint (failed ones included).',
      labelNames,
      registers,
    });
    this.#failures = new Counter({
      name: 'volley_request_failures_total',
      help: 'Requests that failed (status, network error or check), per endpoint.',
      labelNames,
      registers,
    });
    this.#latency = new Histogram({
      name: 'volley_request_duration_seconds',
      help: 'Response time per endpoint, in seconds.',
      labelNames,
      buckets: [...(options.buckets ?? DEFAULT_LATENCY_BUCKETS_SEC)],
      registers,
    });
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
    const server = createServer((req, res) => {
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
    this.#info.set({ scenario: info.scenario, host: info.host }, 1);
    this.#users.set(0);
  }

  onSnapshot(snapshot: StatsSnapshot): void {
    this.#users.set(snapshot.users);
    this.#elapsed.set(snapshot.elapsedSec);
    for (const endpoint of snapshot.endpoints) this.#exportCounts(endpoint);
    // Open model: dropped since the last stats reset; a reset starts counting again from 0.
    const dropped = snapshot.arrivals?.dropped;
    if (dropped !== undefined) {
      if (dropped < this.#droppedExported) this.#droppedExported = 0;
      if (dropped > this.#droppedExported) this.#dropped.inc(dropped - this.#droppedExported);
      this.#droppedExported = dropped;
    }
  }

  /** The final counts are exported, then the endpoint closes. */
  async onEnd(summary: RunSummary): Promise<void> {
    for (const endpoint of summary.endpoints) this.#exportCounts(endpoint);
    this.#users.set(0);
    this.#elapsed.set(summary.meta.durationSec);
    await this.close();
  }

  request(method: string, name: string, responseTimeMs: number): void {
    let byName = this.#latencyChildren.get(method);
    if (!byName) {
      byName = new Map();
      this.#latencyChildren.set(method, byName);
    }
    let child = byName.get(name);
    if (!child) {
      child = this.#latency.labels(method, name);
      byName.set(name, child);
    }
    child.observe(responseTimeMs >= 0 ? responseTimeMs / 1000 : 0);
  }

  exception(): void {
    this.#exceptions.inc();
  }

  /** Adds what the counters lack; after a stats reset the cumulative figures restart, and so do we. */
  #exportCounts(endpoint: EndpointSummary): void {
    const key = `${endpoint.method} ${endpoint.name}`;
    const seen = this.#exported.get(key) ?? { requests: 0, failures: 0 };
    const labels = { method: endpoint.method, name: endpoint.name };
    const newRequests =
      endpoint.requests >= seen.requests ? endpoint.requests - seen.requests : endpoint.requests;
    const newFailures =
      endpoint.failures >= seen.failures ? endpoint.failures - seen.failures : endpoint.failures;
    this.#requests.inc(labels, newRequests);
    this.#failures.inc(labels, newFailures);
    this.#exported.set(key, { requests: endpoint.requests, failures: endpoint.failures });
  }
}
