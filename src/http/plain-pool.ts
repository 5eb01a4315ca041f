/**
 * volley's own HTTP/1.1 client for plain `http:` origins: the fast path of HttpTransport.
 *
 * Why: a load generator spends most of its CPU per request in the HTTP client, and undici's general
 * machinery (request validation, streams, WebAssembly llhttp with JS callbacks, per-request objects)
 * costs more than the rest of volley together. This pool writes each request head as one string,
 * reads with one shared buffer (`onread`, no per-read allocation and no stream buffering) and parses
 * responses with ResponseParser. It speaks to handlers exactly as undici does (the DispatchHandler
 * interface), so Exchange works unchanged over either. HttpTransport sends everything this does not
 * cover (TLS, FormData bodies, unusual headers) through undici.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { type OpenedConnection, startingOnNewConnection } from './connection-timing.ts';
import { type ResponseEvents, ResponseParser } from './response-parser.ts';

/** What the plain pool sends; ExchangeRequest satisfies it. */
export interface PlainRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | null;
}

export interface PlainPoolOptions {
  /** Most connections open at once; requests beyond wait for a free one. */
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** The server closed the connection before the response was complete (undici's SocketError, same code). */
export class SocketClosedError extends Error {
  override readonly name = 'SocketError';
  readonly code = 'UND_ERR_SOCKET';
  readonly socket: { remoteAddress: string | undefined; remotePort: number | undefined };

  constructor(remoteAddress: string | undefined, remotePort: number | undefined) {
    super('other side closed');
    this.socket = { remoteAddress, remotePort };
  }
}

/** No connection within the connect timeout (undici's ConnectTimeoutError, same code and message). */
export class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError';
  readonly code = 'UND_ERR_CONNECT_TIMEOUT';

  constructor(address: string, timeoutMs: number) {
    super(`Connect Timeout Error (attempted address: ${address}, timeout: ${timeoutMs}ms)`);
  }
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

/** Whether the request line is valid; checked by HttpTransport before choosing the plain pool. */
export function isPlainRequestLine(method: string, path: string): boolean {
  return METHOD.test(method) && REQUEST_PATH.test(path) && method !== 'CONNECT';
}

/** One read buffer for every connection: data is parsed as soon as it is read, and body slices are copied. */
const READ_BUFFER_BYTES = 64 * 1024;

interface Queued {
  request: PlainRequest;
  handler: Dispatcher.DispatchHandler;
}

/** The connections to one `http://host:port` origin. */
export class PlainPool {
  readonly #host: string;
  readonly #port: number;
  /** `Host:` header line and the fixed tail of every request head. */
  readonly #hostLine: string;
  readonly #options: PlainPoolOptions;
  readonly #readBuffer: Buffer;
  readonly #idle: PlainConnection[] = [];
  readonly #queue: Queued[] = [];
  /** Every connection open or opening. */
  readonly #all = new Set<PlainConnection>();
  #open = 0;
  #closed = false;
  #whenDrained: (() => void) | null = null;
  #busy = 0;
  /** Updated by each sweep: when connections went idle, to the second. */
  #clockMs = performance.now();

  constructor(origin: string, options: PlainPoolOptions, readBuffer: Buffer) {
    const url = new URL(origin);
    this.#host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.#port = url.port === '' ? 80 : Number(url.port);
    this.#hostLine = `host: ${url.host}\r\nconnection: keep-alive\r\n`;
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
    const connection = this.#idle.pop();
    if (connection !== undefined) {
      this.#busy++;
      connection.send(request, handler);
      return;
    }
    this.#queue.push({ request, handler });
    if (this.#open < this.#options.connections) this.#openConnection();
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
    if (this.#busy === 0 && this.#queue.length === 0) {
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
    for (const { handler } of this.#queue.splice(0)) handler.onResponseError?.(IDLE_CONTROLLER, error);
    this.#closeIdle();
    for (const connection of [...this.#all]) connection.terminate(error);
  }

  #closeIdle(): void {
    for (const connection of this.#idle.splice(0)) connection.destroy();
  }

  #openConnection(): void {
    this.#open++;
    const connection = new PlainConnection(this, this.#hostLine, this.#readBuffer);
    this.#all.add(connection);
    connection.connect(this.#host, this.#port, this.#options.connectTimeoutMs);
  }

  /** A new connection is ready: it takes the oldest waiting request, or waits itself. */
  connected(connection: PlainConnection, opened: OpenedConnection): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.released(connection, false);
      return;
    }
    this.#busy++;
    startingOnNewConnection(opened, () => connection.send(next.request, next.handler));
  }

  /** A request is done with `connection`; it serves the next waiting request, or goes idle. */
  released(connection: PlainConnection, wasBusy = true): void {
    if (wasBusy) this.#busy--;
    // Requests already queued are served even while closing: close() waits for them.
    const next = this.#queue.shift();
    if (next !== undefined) {
      this.#busy++;
      connection.send(next.request, next.handler);
      return;
    }
    if (this.#closed) connection.destroy();
    else {
      // The sweep's clock (a second's precision) rather than a clock read per request.
      connection.idleSince = this.#clockMs;
      this.#idle.push(connection);
    }
    this.#drained();
  }

  /** `connection` is gone (closed, failed, destroyed). */
  removed(connection: PlainConnection, wasBusy: boolean): void {
    if (!this.#all.delete(connection)) return;
    this.#open--;
    if (wasBusy) this.#busy--;
    const idleAt = this.#idle.indexOf(connection);
    if (idleAt !== -1) this.#idle.splice(idleAt, 1);
    // Waiting requests need a connection of their own now.
    if (this.#queue.length > 0 && this.#open < this.#options.connections) this.#openConnection();
    this.#drained();
  }

  /** The connection could not be opened: the oldest waiting request fails with the reason. */
  failedToConnect(connection: PlainConnection, error: Error): void {
    this.#all.delete(connection);
    this.#open--;
    const next = this.#queue.shift();
    next?.handler.onResponseError?.(IDLE_CONTROLLER, error);
    if (this.#queue.length > 0 && this.#open < this.#options.connections) this.#openConnection();
    this.#drained();
  }

  #drained(): void {
    if (this.#whenDrained !== null && this.#busy === 0 && this.#queue.length === 0) {
      const done = this.#whenDrained;
      this.#whenDrained = null;
      done();
    }
  }

  get keepAliveTimeoutMs(): number {
    return this.#options.keepAliveTimeoutMs;
  }
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

const NO_TRAILERS: IncomingHttpHeaders = Object.freeze({});

/** One keep-alive connection: one request at a time. Is the handlers' controller while it serves them. */
class PlainConnection implements Dispatcher.DispatchController, ResponseEvents {
  idleSince = 0;
  keepAliveMs: number;
  readonly #pool: PlainPool;
  readonly #hostLine: string;
  readonly #readBuffer: Buffer;
  readonly #parser = new ResponseParser();
  #socket: Socket | null = null;
  #handler: Dispatcher.DispatchHandler | null = null;
  #aborted = false;
  #reason: Error | null = null;
  /** Set by the parser's onEnd, acted on once the read that ended the response is parsed. */
  #ended = false;
  #reusable = false;
  #error: Error | null = null;
  #gone = false;
  #connected = false;
  #remoteAddress: string | undefined = undefined;
  #remotePort: number | undefined = undefined;

  constructor(pool: PlainPool, hostLine: string, readBuffer: Buffer) {
    this.#pool = pool;
    this.#hostLine = hostLine;
    this.#readBuffer = readBuffer;
    this.keepAliveMs = pool.keepAliveTimeoutMs;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return false;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  pause(): void {}

  resume(): void {}

  connect(host: string, port: number, timeoutMs: number): void {
    const startedAt = performance.now();
    const socket = connect({
      host,
      port,
      noDelay: true,
      onread: { buffer: this.#readBuffer, callback: (length: number) => this.#onRead(length) },
    });
    this.#socket = socket;
    const timer = setTimeout(() => {
      socket.destroy(new ConnectTimeoutError(`${host}:${port}`, timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      this.#connected = true;
      // Kept now: a closed socket no longer knows its peer, and errors name it.
      this.#remoteAddress = socket.remoteAddress;
      this.#remotePort = socket.remotePort;
      const readyAt = performance.now();
      this.#pool.connected(this, { startedAt, tcpAt: readyAt, readyAt });
    });
    socket.on('error', (error: Error) => {
      this.#error ??= error;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      this.#onClose(!this.#connected);
    });
  }

  send(request: PlainRequest, handler: Dispatcher.DispatchHandler): void {
    const socket = this.#socket as Socket;
    this.#handler = handler;
    this.#aborted = false;
    this.#reason = null;
    this.#ended = false;
    handler.onRequestStart?.(this, null);
    if (this.#aborted) {
      // Given up while waiting for a connection (our timeout): nothing was sent, the connection is fine.
      this.#handler = null;
      this.#pool.released(this);
      return;
    }
    const { method, path, headers, body } = request;
    let head = `${method} ${path} HTTP/1.1\r\n${this.#hostLine}`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    this.#parser.expect(this, method === 'HEAD');
    if (body === null || body === undefined) {
      head +=
        method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'content-length: 0\r\n\r\n' : '\r\n';
      socket.write(head, 'latin1');
    } else if (typeof body === 'string') {
      head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body, 'utf8');
      socket.uncork();
    } else {
      head += `content-length: ${body.byteLength}\r\n\r\n`;
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
  }

  /** Aborts the request being served: the connection is closed and the handler told. */
  abort(reason: Error): void {
    const handler = this.#handler;
    if (handler === null || this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    // Still inside onRequestStart: `send` sees the flag and sends nothing.
    if (!this.#parser.idle) {
      this.#handler = null;
      this.#goneWith(true);
      handler.onResponseError?.(this, reason);
    }
  }

  /** Closes the connection now; a request it serves fails with `reason`. */
  terminate(reason: Error): void {
    if (this.#handler !== null) this.abort(reason);
    else this.destroy();
  }

  /** Closes the connection (idle, or abandoning its request without telling the handler). */
  destroy(): void {
    this.#handler = null;
    this.#goneWith(false);
  }

  #goneWith(wasBusy: boolean): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#socket?.destroy();
    this.#pool.removed(this, wasBusy);
  }

  onHead(status: number, headers: IncomingHttpHeaders): void {
    const hint = headers['keep-alive'];
    if (typeof hint === 'string') this.#applyKeepAliveHint(hint);
    this.#handler?.onResponseStart?.(this, status, headers);
  }

  onBody(chunk: Buffer): void {
    // The read buffer is reused for the next read: keep a copy.
    this.#handler?.onResponseData?.(this, Buffer.from(chunk));
  }

  onEnd(reusable: boolean): void {
    this.#ended = true;
    this.#reusable = reusable;
    const handler = this.#handler;
    this.#handler = null;
    handler?.onResponseEnd?.(this, NO_TRAILERS);
  }

  #onRead(length: number): boolean {
    const data = this.#readBuffer.subarray(0, length);
    if (this.#handler === null) {
      // Bytes nobody asked for on an idle connection: it can no longer be trusted.
      this.#goneWith(false);
      return false;
    }
    let consumed: number;
    try {
      consumed = this.#parser.execute(data);
    } catch (error) {
      this.#fail(error as Error);
      return false;
    }
    if (this.#ended) {
      this.#ended = false;
      if (consumed === length && this.#reusable && !this.#gone) this.#pool.released(this);
      else this.#goneWith(true);
    }
    return true;
  }

  #fail(error: Error): void {
    const handler = this.#handler;
    this.#handler = null;
    this.#goneWith(handler !== null);
    handler?.onResponseError?.(this, error);
  }

  #onClose(beforeConnect: boolean): void {
    if (this.#gone) return;
    if (beforeConnect) {
      this.#gone = true;
      this.#pool.failedToConnect(this, this.#error ?? new Error('connection failed'));
      return;
    }
    const handler = this.#handler;
    if (handler === null) {
      this.#goneWith(false);
      return;
    }
    if (this.#parser.endsWithClose) {
      this.#parser.finishAtClose();
      this.#goneWith(true);
      return;
    }
    this.#fail(this.#error ?? new SocketClosedError(this.#remoteAddress, this.#remotePort));
  }

  #applyKeepAliveHint(hint: string): void {
    const match = /timeout=(\d+)/i.exec(hint);
    if (match === null) return;
    // As undici: a second less than the server says, so that we never send on a closing connection.
    const serverMs = Number(match[1]) * 1000 - 1000;
    this.keepAliveMs = Math.max(0, Math.min(this.#pool.keepAliveTimeoutMs, serverMs));
  }
}
