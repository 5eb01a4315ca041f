import { createRequire } from 'node:module';
import type { Agent, Dispatcher } from 'undici';
import { timedConnector } from './connection-timing.ts';
import {
  isPlainRequest,
  isPlainRequestLine,
  PlainPool,
  type PlainPoolOptions,
  type PoolTlsOptions,
} from './plain-pool.ts';
import { type ProxySettings, proxyFor, proxySettings, usesProxy } from './proxy.ts';
import { MAX_HEAD_BYTES } from './response-parser.ts';

export interface HttpTransportOptions {
  /**
   * Keep-alive connections per origin. Size it to the number of virtual users: each user has one
   * request in flight, so that many connections means no request waits for a free one.
   * Default: unbounded, a new connection whenever all are busy. Set it: undici reuses a connection
   * one event-loop turn after its response ended, so without a bound a user's next request may
   * open another connection instead of waiting for that turn.
   */
  connections?: number;
  /** Skip TLS certificate verification (self-signed or internal certificates). */
  insecure?: boolean;
  /** PEM: certificate authorities to trust instead of Node's bundle (`--ca`). */
  ca?: string | Buffer;
  /** PEM: a client certificate and its key, for servers that ask for one (mutual TLS; `--cert`, `--key`). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /**
   * An HTTP proxy for every request (`--proxy`), loopback included. Without it, HTTP_PROXY,
   * HTTPS_PROXY and NO_PROXY in `environment` apply (never to loopback). See proxy.ts.
   */
  proxy?: string;
  /**
   * HTTP/2 through undici (`--http2`): ALPN offers h2 then http/1.1 over TLS, prior knowledge (h2c) over
   * cleartext. Every request then goes through undici: the fast path speaks HTTP/1.1 only.
   */
  http2?: boolean;
  /** Where the proxy variables are read; default process.env. */
  environment?: NodeJS.ProcessEnv;
  /** Milliseconds to establish a connection (TCP + TLS); default 10 000. */
  connectTimeoutMs?: number;
  /** Milliseconds an idle connection stays open, unless the server's keep-alive hint says less; default 30 000. */
  keepAliveTimeoutMs?: number;
  /**
   * Send `http:` and `https:` requests through volley's own HTTP/1.1 client (PlainPool), the fast path;
   * default true unless the environment variable VOLLEY_HTTP_CLIENT is `undici`. false: everything
   * through undici.
   */
  fastPath?: boolean;
  /**
   * Wraps every dispatch (record/replay, src/record); it may answer without calling the pool. Every
   * request then goes through undici, so that nothing bypasses it.
   */
  interceptor?: Dispatcher.DispatcherComposeInterceptor;
}

/** TLS options shared by both transports. */
function tlsOptions(options: HttpTransportOptions): PoolTlsOptions {
  return {
    rejectUnauthorized: options.insecure !== true,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.key === undefined ? {} : { key: options.key }),
  };
}

/** How often idle keep-alive connections of the plain pools are checked for expiry. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * The connection pools of one run, shared by all virtual users' clients. The only place that
 * builds undici dispatchers.
 */
export class HttpTransport {
  readonly #options: HttpTransportOptions;
  /** undici, for whatever the plain pools do not take (FormData…): created, and loaded, on first use. */
  #undici: Agent | null = null;
  /** The agent, behind the interceptor when there is one. */
  #dispatcher: Dispatcher | null = null;
  readonly #fastPath: boolean;
  readonly #plainOptions: PlainPoolOptions;
  /** origin → pool, for `http:` and `https:` origins. */
  readonly #plainPools = new Map<string, PlainPool>();
  #readBuffer: Buffer | null = null;
  /** null when no request goes through a proxy (the common case: no look-up per request). */
  readonly #proxies: ProxySettings | null;
  /** undici's dispatcher per origin when proxies are in play: a ProxyAgent per proxy, or the agent. */
  readonly #undiciByOrigin = new Map<string, Dispatcher>();
  readonly #proxyAgents = new Map<string, Dispatcher>();
  /** The ProxyAgents made, closed with the transport. */
  readonly #closers: Dispatcher[] = [];
  #sweepTimer: NodeJS.Timeout | undefined = undefined;

  constructor(options: HttpTransportOptions = {}) {
    // VOLLEY_HTTP_CLIENT=undici: an escape hatch should the fast path misbehave with some server.
    this.#fastPath =
      options.interceptor === undefined &&
      options.http2 !== true &&
      (options.fastPath ?? process.env.VOLLEY_HTTP_CLIENT !== 'undici');
    this.#plainOptions = {
      connections: options.connections ?? Number.POSITIVE_INFINITY,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
      tls: tlsOptions(options),
    };
    this.#options = options;
    const proxies = proxySettings(options.proxy, options.environment ?? process.env);
    this.#proxies = usesProxy(proxies) ? proxies : null;
  }

  /** Sends one request; the handler receives the response. Used by the clients. */
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    const { origin, headers, body } = options;
    if (
      this.#fastPath &&
      typeof origin === 'string' &&
      isPlainRequest(body, headers as Record<string, string>) &&
      isPlainRequestLine(options.method, options.path)
    ) {
      // An origin with a pool was checked when the pool was made: no scheme test per request.
      const pool = this.#plainPools.get(origin);
      if (pool !== undefined) {
        pool.dispatch(options as Parameters<PlainPool['dispatch']>[0], handler);
        return;
      }
      if (origin.startsWith('http://') || origin.startsWith('https://')) {
        this.#plainPool(origin).dispatch(options as Parameters<PlainPool['dispatch']>[0], handler);
        return;
      }
    }
    if (this.#proxies === null || typeof origin !== 'string') {
      this.#undiciDispatcher().dispatch(options, handler);
    } else {
      this.#undiciFor(origin, this.#proxies).dispatch(options, handler);
    }
  }

  /** undici's way to `origin`: through a ProxyAgent (CONNECT for `https:`, absolute form for `http:`) or direct. */
  #undiciFor(origin: string, proxies: ProxySettings): Dispatcher {
    let dispatcher = this.#undiciByOrigin.get(origin);
    if (dispatcher !== undefined) return dispatcher;
    const proxy = proxyFor(proxies, origin);
    if (proxy === null) dispatcher = this.#undiciDispatcher();
    else {
      dispatcher = this.#proxyAgents.get(proxy.href);
      if (dispatcher === undefined) {
        const { ProxyAgent } = createRequire(import.meta.url)('undici') as typeof import('undici');
        const options = this.#options;
        const agent = new ProxyAgent({
          uri: proxy.href,
          proxyTunnel: false,
          requestTls: tlsOptions(options),
          connections: options.connections ?? null,
          pipelining: 1,
          keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
          maxHeaderSize: MAX_HEAD_BYTES,
          connectTimeout: options.connectTimeoutMs ?? 10_000,
        });
        this.#closers.push(agent);
        dispatcher = options.interceptor ? agent.compose(options.interceptor) : agent;
        this.#proxyAgents.set(proxy.href, dispatcher);
      }
    }
    this.#undiciByOrigin.set(origin, dispatcher);
    return dispatcher;
  }

  #undiciDispatcher(): Dispatcher {
    if (this.#dispatcher !== null) return this.#dispatcher;
    const { Agent: UndiciAgent, buildConnector } = createRequire(import.meta.url)(
      'undici',
    ) as typeof import('undici');
    const options = this.#options;
    const http2 = options.http2 === true;
    const connect = buildConnector({
      ...tlsOptions(options),
      timeout: options.connectTimeoutMs ?? 10_000,
      // HTTP/1.1 unless asked: one request per connection, as a user's browser or requests would do.
      allowH2: http2,
      // Prior knowledge over cleartext; undici's connector takes it, its type does not list it.
      ...({ useH2c: http2 } as object),
    });
    this.#undici = new UndiciAgent({
      allowH2: http2,
      connections: options.connections ?? null,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      // The fast path's limit too, rather than Node's 16 KiB: one limit whichever transport.
      maxHeaderSize: MAX_HEAD_BYTES,
      connect: timedConnector(connect),
    });
    this.#dispatcher = options.interceptor ? this.#undici.compose(options.interceptor) : this.#undici;
    return this.#dispatcher;
  }

  #plainPool(origin: string): PlainPool {
    let pool = this.#plainPools.get(origin);
    if (pool === undefined) {
      this.#readBuffer ??= PlainPool.readBuffer();
      const proxy = this.#proxies === null ? null : proxyFor(this.#proxies, origin);
      pool = new PlainPool(origin, this.#plainOptions, this.#readBuffer, proxy);
      this.#plainPools.set(origin, pool);
      if (this.#sweepTimer === undefined) {
        this.#sweepTimer = setInterval(() => {
          const now = performance.now();
          for (const p of this.#plainPools.values()) p.sweep(now);
        }, SWEEP_INTERVAL_MS);
        this.#sweepTimer.unref();
      }
    }
    return pool;
  }

  /** Waits for in-flight requests, then closes every connection. */
  async close(): Promise<void> {
    clearInterval(this.#sweepTimer);
    const pools = [...this.#plainPools.values()].map((pool) => pool.close());
    const agents = this.#undici === null ? this.#closers : [this.#undici, ...this.#closers];
    await Promise.all([...pools, ...agents.map((agent) => agent.close())]);
  }

  /** Closes every connection now; in-flight requests fail. */
  async destroy(): Promise<void> {
    clearInterval(this.#sweepTimer);
    for (const pool of this.#plainPools.values()) pool.destroy();
    await Promise.all([this.#undici?.destroy(), ...this.#closers.map((agent) => agent.destroy())]);
  }
}
