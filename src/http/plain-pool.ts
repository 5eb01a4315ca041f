/**
 * volley's own HTTP/1.1 client for `http:` and `https:` origins: the fast path of HttpTransport.
 *
 * Why: a load generator spends most of its CPU per request in the HTTP client, and undici's general
 * machinery (request validation, streams, WebAssembly llhttp with JS callbacks, per-request objects)
 * costs more than the rest of volley together. This pool writes each request head as one string,
 * reads with one shared buffer (`onread`, no per-read allocation and no stream buffering) and parses
 * responses with ResponseParser. It speaks to handlers exactly as undici does (the DispatchHandler
 * interface), so Exchange works unchanged over either. HttpTransport sends everything this does not
 * cover (FormData bodies, unusual headers, interceptors, proxies) through undici.
 */
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import type { ConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import { type OpenedConnection, startingOnNewConnection } from './connection-timing.ts';
import { type ConnectionOwner, type Dial, PlainConnection, type PlainRequest } from './plain-connection.ts';
import { proxyAuthorization } from './proxy.ts';

export interface PlainPoolOptions {
  /** Most connections open at once; requests beyond wait for a free one. */
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** For `https:` origins: verification, client certificate, CA (tls.connect's options). */
  tls: PoolTlsOptions;
}

/** What an `https:` pool passes to tls.connect besides host, port and session. */
export interface PoolTlsOptions {
  rejectUnauthorized: boolean;
  ca?: string | Buffer | undefined;
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
}

/** Whether a request can go through the plain pool; anything else goes to undici (which also rejects what is invalid). */
export function isPlainRequest(body: unknown, headers: Record<string, string>): boolean {
  if (body !== null && body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    return false;
  }
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string' || !TOKEN.test(name) || !HEADER_VALUE.test(value)) return false;
    if (SPECIAL_HEADERS.has(name.toLowerCase())) return false;
  }
  return true;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers undici treats specially (framing, connection management): left to undici. */
const SPECIAL_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
]);
const REQUEST_PATH = /^[\x21-\x7e\x80-\xff]+$/;
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The last request line found valid: a scenario sends the same few again and again. */
let validMethod: string | null = null;
let validPath: string | null = null;

/** Whether the request line is valid; checked by HttpTransport before choosing the plain pool. */
export function isPlainRequestLine(method: string, path: string): boolean {
  // Comparing with the last valid line costs less than the two patterns (they showed in the profiles).
  if (path === validPath && method === validMethod) return true;
  if (!METHOD.test(method) || !REQUEST_PATH.test(path) || method === 'CONNECT') return false;
  validMethod = method;
  validPath = path;
  return true;
}

/** One read buffer for every connection: data is parsed as soon as it is read, and body slices are copied. */
const READ_BUFFER_BYTES = 64 * 1024;

interface Queued {
  request: PlainRequest;
  handler: Dispatcher.DispatchHandler;
  /** Sent once already, on a connection that failed: not to be retried again. */
  retried: boolean;
}

/** The connections to one `http://host:port` or `https://host:port` origin. */
export class PlainPool implements ConnectionOwner {
  /** `Host:` header line and the fixed tail of every request head. */
  readonly #hostLine: string;
  /** Before each path: the origin for a plain request through a proxy (absolute form), else ''. */
  readonly #target: string;
  /** How connections are opened, but for the TLS session to resume. */
  readonly #dial: Dial;
  readonly #options: PlainPoolOptions;
  readonly #readBuffer: Buffer;
  readonly #idle: PlainConnection[] = [];
  readonly #queue: Queued[] = [];
  /** Requests to send again (see retry): each waits for a new connection, not one already open. */
  readonly #retries: Queued[] = [];
  /** Every connection open or opening. */
  readonly #all = new Set<PlainConnection>();
  #open = 0;
  #closed = false;
  #whenDrained: (() => void) | null = null;
  #busy = 0;
  /** Updated by each sweep: when connections went idle, to the second. */
  #clockMs = performance.now();
  /** The latest TLS session the server gave: new connections resume it (an abbreviated handshake). */
  #session: Buffer | undefined = undefined;

  /** `proxy`: the HTTP proxy to send through (absolute form for `http:`, a CONNECT tunnel for `https:`), or null. */
  constructor(origin: string, options: PlainPoolOptions, readBuffer: Buffer, proxy: URL | null = null) {
    const url = new URL(origin);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const secure = url.protocol === 'https:';
    const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    const tls: ConnectionOptions | null = secure
      ? {
          ...options.tls,
          // HTTP/1.1 only; SNI names a host, never an address (RFC 6066 §3).
          ALPNProtocols: ['http/1.1'],
          ...(isIP(host) === 0 ? { servername: host } : {}),
        }
      : null;
    const authorization = proxy === null ? null : proxyAuthorization(proxy);
    this.#hostLine = `host: ${url.host}\r\nconnection: keep-alive\r\n`;
    this.#target = '';
    if (proxy === null) {
      this.#dial = { host, port, timeoutMs: options.connectTimeoutMs, tls, tunnel: null };
    } else {
      const proxyHost = proxy.hostname.startsWith('[') ? proxy.hostname.slice(1, -1) : proxy.hostname;
      const proxyPort = proxy.port === '' ? 80 : Number(proxy.port);
      const tunnel = secure ? { authority: `${url.hostname}:${port}`, authorization } : null;
      this.#dial = { host: proxyHost, port: proxyPort, timeoutMs: options.connectTimeoutMs, tls, tunnel };
      if (!secure) {
        this.#target = `http://${url.host}`;
        if (authorization !== null) this.#hostLine += `proxy-authorization: ${authorization}\r\n`;
      }
    }
    this.#options = options;
    this.#readBuffer = readBuffer;
  }

  static readBuffer(): Buffer {
    return Buffer.allocUnsafe(READ_BUFFER_BYTES);
  }

  dispatch(request: PlainRequest, handler: Dispatcher.DispatchHandler): void {
    if (this.#closed) {
      handler.onResponseError?.(IDLE_CONTROLLER, new Error('the HTTP transport is closed'));
      return;
    }
    const connection = this.#takeIdle();
    if (connection !== undefined) {
      this.#busy++;
      if (!connection.send(request, handler)) this.released(connection);
      return;
    }
    this.#queue.push({ request, handler, retried: false });
    if (this.#open < this.#options.connections) this.#openConnection();
  }

  /** The idle connection used last, skipping those past the keep-alive timeout their server stated. */
  #takeIdle(): PlainConnection | undefined {
    let connection = this.#idle.pop();
    while (
      connection?.timedByServer === true &&
      performance.now() - connection.idleSince > connection.keepAliveMs
    ) {
      connection.destroy();
      connection = this.#idle.pop();
    }
    return connection;
  }

  /** Closes idle connections unused for longer than the keep-alive timeout (called about once a second). */
  sweep(nowMs: number): void {
    this.#clockMs = nowMs;
    const idle = this.#idle;
    for (let i = idle.length - 1; i >= 0; i--) {
      const connection = idle[i] as PlainConnection;
      if (nowMs - connection.idleSince > connection.keepAliveMs) {
        idle.splice(i, 1);
        connection.destroy();
      }
    }
  }

  /** Waits for requests in flight or queued, then closes every connection. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#busy === 0 && this.#queue.length === 0 && this.#retries.length === 0) {
      this.#closeIdle();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#whenDrained = () => {
        this.#closeIdle();
        resolve();
      };
    });
  }

  /** Closes every connection now; requests in flight or queued fail. */
  destroy(): void {
    this.#closed = true;
    const error = new Error('the HTTP transport was destroyed');
    for (const { handler } of [...this.#retries.splice(0), ...this.#queue.splice(0)]) {
      handler.onResponseError?.(IDLE_CONTROLLER, error);
    }
    this.#closeIdle();
    for (const connection of [...this.#all]) connection.terminate(error);
  }

  #closeIdle(): void {
    for (const connection of this.#idle.splice(0)) connection.destroy();
  }

  #openConnection(): void {
    this.#open++;
    const connection = new PlainConnection(this, this.#hostLine, this.#readBuffer, this.#target);
    this.#all.add(connection);
    const dial = this.#dial;
    connection.connect(
      dial.tls === null || this.#session === undefined
        ? dial
        : { ...dial, tls: { ...dial.tls, session: this.#session } },
    );
  }

  /** A new connection is ready: it takes the oldest waiting request, or waits itself. */
  connected(connection: PlainConnection, opened: OpenedConnection): void {
    const next = this.#retries.shift() ?? this.#queue.shift();
    if (next === undefined) {
      this.released(connection, false);
      return;
    }
    this.#busy++;
    let sent = false;
    startingOnNewConnection(opened, () => {
      sent = connection.send(next.request, next.handler, next.retried);
    });
    if (!sent) this.released(connection);
  }

  /** A request is done with `connection`; it serves the next waiting request, or goes idle. */
  released(connection: PlainConnection, wasBusy = true): void {
    if (wasBusy) this.#busy--;
    // Requests already queued are served even while closing: close() waits for them. Those given up
    // while queued (timed out) are skipped here, in a loop.
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      this.#busy++;
      if (connection.send(next.request, next.handler, next.retried)) return;
      this.#busy--;
    }
    if (this.#closed) connection.destroy();
    else {
      // The sweep's clock (a second's precision) rather than a clock read per request, unless the
      // server said when it closes the connection.
      connection.idleSince = connection.timedByServer ? performance.now() : this.#clockMs;
      this.#idle.push(connection);
    }
    this.#drained();
  }

  /**
   * Sends a request that failed on a stale connection once more, on a new connection: the others open
   * may be as stale (a server closing all its idle connections, or each after one response). The
   * failed connection's removal, which follows, opens it.
   */
  retry(request: PlainRequest, handler: Dispatcher.DispatchHandler): void {
    // Until a connection takes it, aborting the request (our timeout) fails it from here.
    handler.onRequestStart?.(new WaitingController(handler), null);
    this.#retries.push({ request, handler, retried: true });
  }

  /** `connection` is gone (closed, failed, destroyed). */
  removed(connection: PlainConnection, wasBusy: boolean): void {
    if (!this.#all.delete(connection)) return;
    this.#open--;
    if (wasBusy) this.#busy--;
    const idleAt = this.#idle.indexOf(connection);
    if (idleAt !== -1) this.#idle.splice(idleAt, 1);
    // Waiting requests need a connection of their own now.
    if (this.#waiting() && this.#open < this.#options.connections) this.#openConnection();
    this.#drained();
  }

  /** The connection could not be opened: the oldest waiting request fails with the reason. */
  failedToConnect(connection: PlainConnection, error: Error): void {
    this.#all.delete(connection);
    this.#open--;
    const next = this.#retries.shift() ?? this.#queue.shift();
    next?.handler.onResponseError?.(IDLE_CONTROLLER, error);
    if (this.#waiting() && this.#open < this.#options.connections) this.#openConnection();
    this.#drained();
  }

  newSession(session: Buffer): void {
    this.#session = session;
  }

  #drained(): void {
    if (this.#whenDrained !== null && this.#busy === 0 && !this.#waiting()) {
      const done = this.#whenDrained;
      this.#whenDrained = null;
      done();
    }
  }

  #waiting(): boolean {
    return this.#queue.length > 0 || this.#retries.length > 0;
  }

  get keepAliveTimeoutMs(): number {
    return this.#options.keepAliveTimeoutMs;
  }
}

/** The controller of a request waiting to be sent again: aborting it fails the request at once. */
class WaitingController implements Dispatcher.DispatchController {
  readonly #handler: Dispatcher.DispatchHandler;
  #reason: Error | null = null;

  constructor(handler: Dispatcher.DispatchHandler) {
    this.#handler = handler;
  }

  get aborted(): boolean {
    return this.#reason !== null;
  }

  get paused(): boolean {
    return false;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason: Error): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#handler.onResponseError?.(this, reason);
  }

  pause(): void {}

  resume(): void {}
}

/** A controller for failures reported before a request had a connection. */
const IDLE_CONTROLLER: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
};
