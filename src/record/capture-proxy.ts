/**
 * `volley capture`'s reverse proxy: forwards every request to the upstream, streaming both ways
 * (keep-alive, chunked, uploads of any size, HTTPS upstreams, WebSocket upgrades passed through), and
 * hands each finished exchange over as a HAR entry with its real timings, the client's connection and how
 * many requests were in flight when it arrived. Bodies are kept up to a cap for the entry, never buffered
 * for forwarding.
 *
 * Clients are served by node:http; the upstream is reached through an undici pool (one connection per
 * request in flight, kept alive), driven by its dispatch API: a request costs about a third less CPU than
 * through node:http's client and agent, which was most of what a proxied request cost.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { buildConnector, type Dispatcher, Pool } from 'undici';
import { type OpenedConnection, openingConnection, timedConnector } from '../http/connection-timing.ts';
import type { HarEntry, HarNameValue } from './har.ts';
import { findValue, queryList, requestCookies, responseCookies } from './headers.ts';
import { utf8Text } from './request-body.ts';

export interface CaptureProxyOptions {
  host: string;
  port: number;
  /** Where requests go: `http(s)://host[:port][/prefix]`. */
  upstream: URL;
  /** Required of every client (Proxy-Authorization: Bearer TOKEN, or X-Volley-Token); null: none. */
  token: string | null;
  /** Do not verify the upstream's TLS certificate. */
  insecure?: boolean;
  /** Bytes of each body kept in its entry (the rest is forwarded, not recorded). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Each finished exchange, unredacted. */
  onEntry: (entry: HarEntry) => void;
  /** False: forward without building entries (--max-entries reached). */
  recording?: () => boolean;
}

export interface CaptureProxy {
  /** `http://host:port` it listens on. */
  url: string;
  /** Exchanges still in flight. */
  readonly inFlight: number;
  /** Stops accepting, lets exchanges in flight finish (up to `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Connection-level headers: they describe one hop, not the request (RFC 9110 §7.6.1). Expect too: the
 * client's 100-continue was answered by this proxy, and the body is streamed on.
 */
const HOP_BY_HOP = new Set([
  'expect',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-volley-token',
]);

const DEFAULT_MAX_BODY = 1024 * 1024;

export function generateCaptureToken(): string {
  return randomBytes(16).toString('base64url');
}

export async function startCaptureProxy(options: CaptureProxyOptions): Promise<CaptureProxy> {
  const upstream = options.upstream;
  const secure = upstream.protocol === 'https:';
  const pool = new Pool(upstream.origin, {
    // As many connections as requests in flight, as a browser's or node:http's would be.
    connections: null,
    pipelining: 1,
    // A proxy waits as long as its upstream takes: long polls and slow downloads are traffic too.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: timedConnector(
      buildConnector({
        // SNI is the upstream's host name, never an IP address (undici's connector sees to it).
        rejectUnauthorized: options.insecure !== true,
        timeout: 10_000,
      }),
    ),
  });
  const upstreamPort = Number(upstream.port) || (secure ? 443 : 80);
  const prefix = upstream.pathname.replace(/\/+$/, '');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const recording = options.recording ?? (() => true);
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;
  let inFlight = 0;
  let settled: (() => void) | null = null;

  const authorized = (req: IncomingMessage): boolean => {
    if (options.token === null) return true;
    const bearer = /^bearer\s+(.+)$/i.exec(req.headers['proxy-authorization'] ?? '')?.[1];
    const given = bearer ?? headerValue(req.headers['x-volley-token']);
    return given !== undefined && sameSecret(given, options.token);
  };

  /**
   * The request's headers for the upstream, read from the raw list alone (touching `req.headers` would
   * build a second copy of them): Host set to the upstream, X-Forwarded-For extended, X-Forwarded-Host
   * and -Proto added unless the client sent them, whatever their case.
   */
  const forwardHeaders = (req: IncomingMessage, keepUpgrade: boolean): IncomingHttpHeaders => {
    const headers: IncomingHttpHeaders = {};
    const raw = req.rawHeaders;
    let host = '';
    let forwardedFor = '';
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const value = raw[i + 1] as string;
      const lower = name.toLowerCase();
      if (lower === 'host') {
        host = value;
        continue;
      }
      if (lower === 'x-forwarded-for') {
        forwardedFor = forwardedFor === '' ? value : `${forwardedFor}, ${value}`;
        continue;
      }
      if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade')))
        continue;
      const key = lower === 'x-forwarded-host' || lower === 'x-forwarded-proto' ? lower : name;
      const had = headers[key];
      headers[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
    }
    headers.host = upstream.host;
    const client = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = forwardedFor === '' ? client : `${forwardedFor}, ${client}`;
    headers['x-forwarded-host'] ??= host;
    headers['x-forwarded-proto'] ??= 'http';
    return headers;
  };

  const exchangeEnded = (exchange: Exchange): void => {
    inFlight -= 1;
    const entry = exchange.entry(upstream, prefix);
    if (entry !== null) options.onEntry(entry);
    if (inFlight === 0) settled?.();
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Bearer', 'content-type': 'text/plain' });
      res.end('volley capture: send the token as Proxy-Authorization: Bearer TOKEN or X-Volley-Token\n');
      return;
    }
    inFlight += 1;
    const exchange = new Exchange(req, res, {
      maxBody,
      recording: recording(),
      inFlight,
      connection: connectionIds.get(req.socket) ?? 0,
      upstream: upstream.origin,
      ended: exchangeEnded,
    });
    try {
      pool.dispatch(
        {
          method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
          path: `${prefix}${originForm(req.url ?? '/')}`,
          headers: forwardHeaders(req, false),
          body: exchange.upload(),
        },
        exchange,
      );
    } catch (error) {
      // Refused before it was sent (a header undici will not send): the client gets a 502 that says why.
      exchange.onResponseError(null, error as Error);
    }
  });
  server.on('connection', (socket: Socket) => connectionIds.set(socket, ++connections));
  // WebSocket (and any Upgrade): the handshake and the frames go through untouched and unrecorded.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!authorized(req)) {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const headers = forwardHeaders(req, true);
    const lines = [`${req.method} ${prefix}${req.url ?? '/'} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
    }
    const onConnect = () => {
      target.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) target.write(head);
      target.pipe(socket);
      socket.pipe(target);
    };
    const target = secure
      ? tlsConnect(
          {
            host: upstream.hostname,
            port: upstreamPort,
            // SNI names a host, never an IP address (RFC 6066 §3).
            ...(isIP(upstream.hostname) === 0 ? { servername: upstream.hostname } : {}),
            rejectUnauthorized: options.insecure !== true,
          },
          onConnect,
        )
      : netConnect({ host: upstream.hostname, port: upstreamPort }, onConnect);
    target.on('error', () => socket.destroy());
    socket.on('error', () => target.destroy());
    socket.on('close', () => target.destroy());
    target.on('close', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    get inFlight() {
      return inFlight;
    },
    async close(graceMs = 5000) {
      server.close();
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            settled = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await pool.destroy();
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** An absolute-form request target (`GET http://host/path`) as the path the upstream is sent. */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return `/${target}`;
  }
}

interface ExchangeOptions {
  maxBody: number;
  /** Build an entry (false once --max-entries is reached). */
  recording: boolean;
  /** Requests in flight when it arrived, itself included. */
  inFlight: number;
  /** The client's connection, numbered in the order they came. */
  connection: number;
  /** The upstream's origin, for the 502 a failure gets. */
  upstream: string;
  /** Both sides are done: the response is out (or the client gone) and the request read. */
  ended: (exchange: Exchange) => void;
}

/**
 * One request through the proxy, from the client's request to the upstream's response: the handler undici
 * drives (one object per exchange, no closures), its timestamps, and the first bytes of its bodies.
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #options: ExchangeOptions;
  readonly #startedAt = Date.now();
  readonly #t0 = performance.now();
  /** Handed to a connection, and that connection's set-up when this request opened it. */
  #socketAt = -1;
  #opened: OpenedConnection | null = null;
  #sentAt = -1;
  #headersAt = -1;
  #requestBytes = 0;
  readonly #requestChunks: Buffer[] = [];
  #responseBytes = 0;
  readonly #responseChunks: Buffer[] = [];
  #status = 0;
  #statusText = '';
  #responseHeaders: string[] | null = null;
  #error: Error | null = null;
  #controller: Dispatcher.DispatchController | null = null;
  /** The upstream's part is over: its response ended, or failed. */
  #upstreamDone = false;
  #requestDone = false;
  #responseDone = false;
  #upload: PassThrough | null = null;

  constructor(req: IncomingMessage, res: ServerResponse, options: ExchangeOptions) {
    this.#req = req;
    this.#res = res;
    this.#options = options;
    res.once('close', () => this.#clientResponseClosed());
  }

  /**
   * What undici sends as the body: nothing for a request without one (RFC 9112 §6.3), otherwise a stream
   * of its own fed from the client's. undici may destroy its body (an upstream that answered early); the
   * client's request, and its connection, must outlive that.
   */
  upload(): PassThrough | null {
    const req = this.#req;
    const headers = req.headers;
    const framed =
      headers['transfer-encoding'] !== undefined ||
      (headers['content-length'] !== undefined && headers['content-length'] !== '0');
    if (!framed) {
      this.#requestDone = true;
      return null;
    }
    const upload = new PassThrough();
    // Its failures are undici's to report (onResponseError); destroyed with one, it must not throw.
    upload.on('error', () => {});
    this.#upload = upload;
    req.on('data', (chunk: Buffer) => this.#requestChunk(chunk));
    req.pipe(upload);
    req.once('end', () => this.#requestEnded());
    req.once('close', () => this.#requestEnded());
    return upload;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#responseDone) {
      controller.abort(new Error('the client closed the connection'));
      return;
    }
    if (!this.#options.recording) return;
    this.#socketAt = performance.now();
    this.#opened = openingConnection;
  }

  onRequestSent(): void {
    if (this.#options.recording) this.#sentAt = performance.now();
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    _headers: IncomingHttpHeaders,
    statusText?: string,
  ): void {
    // Informational responses (103 Early Hints) are not forwarded: the final one follows.
    if (statusCode < 200) return;
    this.#headersAt = performance.now();
    this.#status = statusCode;
    this.#statusText = statusText ?? '';
    const raw = (controller.rawHeaders ?? []) as (Buffer | string)[];
    const headers: string[] = [];
    const forwarded: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]?.toString('latin1') ?? '';
      const value = raw[i + 1]?.toString('latin1') ?? '';
      headers.push(name, value);
      if (!HOP_BY_HOP.has(name.toLowerCase())) forwarded.push(name, value);
    }
    this.#responseHeaders = headers;
    if (this.#responseDone) return;
    this.#res.writeHead(statusCode, this.#statusText, forwarded);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#responseBytes += chunk.byteLength;
    if (this.#options.recording)
      keep(this.#responseChunks, chunk, this.#responseBytes - chunk.byteLength, this.#options.maxBody);
    if (this.#responseDone) return;
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.#upstreamDone = true;
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#upstreamDone) return;
    this.#upstreamDone = true;
    this.#error = error;
    const res = this.#res;
    if (this.#responseDone) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`volley capture: upstream ${this.#options.upstream}: ${errorName(error)}\n`);
  }

  #requestChunk(chunk: Buffer): void {
    this.#requestBytes += chunk.byteLength;
    if (this.#options.recording)
      keep(this.#requestChunks, chunk, this.#requestBytes - chunk.byteLength, this.#options.maxBody);
  }

  #requestEnded(): void {
    if (this.#requestDone) return;
    this.#requestDone = true;
    this.#settle();
  }

  /** The response to the client is out, or its connection closed first. */
  #clientResponseClosed(): void {
    this.#responseDone = true;
    // The client went away mid-exchange: so does the upstream request.
    if (!this.#upstreamDone) {
      this.#upstreamDone = true;
      this.#controller?.abort(new Error('the client closed the connection'));
    }
    const req = this.#req;
    // An upload the upstream (or a 502) did not wait for: read to its end, so the connection goes on.
    if (!req.complete && this.#upload !== null) {
      req.unpipe(this.#upload);
      this.#upload.destroy();
      req.resume();
    }
    this.#settle();
  }

  #settle(): void {
    if (this.#requestDone && this.#responseDone) this.#options.ended(this);
  }

  /** The HAR entry (null when not recording). */
  entry(upstream: URL, prefix: string): HarEntry | null {
    if (!this.#options.recording) return null;
    const endAt = performance.now();
    const req = this.#req;
    const maxBody = this.#options.maxBody;
    const url = `${upstream.origin}${prefix}${originForm(req.url ?? '/')}`;
    const requestHeaders = pairs(req.rawHeaders, PROXY_ONLY);
    const responseHeaders = this.#responseHeaders === null ? [] : pairs(this.#responseHeaders);
    const answered = this.#responseHeaders !== null;
    // Phases in order; a phase that did not happen (a reused connection has no connect) is -1 in HAR.
    const opened = this.#opened;
    const socketAt =
      opened !== null
        ? Math.max(this.#t0, opened.startedAt)
        : this.#socketAt >= 0
          ? this.#socketAt
          : this.#t0;
    const connectAt = opened !== null ? Math.max(socketAt, opened.tcpAt) : -1;
    const secureAt =
      opened !== null && upstream.protocol === 'https:' ? Math.max(connectAt, opened.readyAt) : -1;
    const connected = secureAt >= 0 ? secureAt : connectAt >= 0 ? connectAt : socketAt;
    const sentAt = Math.max(connected, this.#sentAt >= 0 ? this.#sentAt : connected);
    const headersAt = this.#headersAt >= 0 ? Math.max(this.#headersAt, sentAt) : endAt;
    const blocked = socketAt - this.#t0;
    const connect = connectAt >= 0 ? connectAt - socketAt : -1;
    const ssl = secureAt >= 0 ? secureAt - connectAt : -1;
    const send = sentAt - connected;
    const wait = Math.max(0, headersAt - sentAt);
    const receive = Math.max(0, endAt - headersAt);
    const requestBody = joined(this.#requestChunks);
    const responseBody = joined(this.#responseChunks);
    const mimeType = findValue(responseHeaders, 'content-type') ?? 'x-unknown';
    const encoded = findValue(responseHeaders, 'content-encoding') !== undefined;
    const responseText = encoded ? null : utf8Text(responseBody);
    const requestText = this.#requestBytes > 0 ? utf8Text(requestBody) : null;
    const truncated = (bytes: number) => bytes > maxBody;
    // Not an upstream failure, and the response never got out whole: the client left first.
    const clientGone = !this.#res.writableFinished && this.#error === null;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      startedDateTime: new Date(this.#startedAt).toISOString(),
      time: round(endAt - this.#t0),
      request: {
        method: req.method ?? 'GET',
        url,
        httpVersion: `HTTP/${req.httpVersion}`,
        cookies: requestCookies(requestHeaders),
        headers: requestHeaders,
        queryString: queryList(url),
        ...(this.#requestBytes > 0
          ? {
              postData: {
                mimeType: findValue(requestHeaders, 'content-type') ?? '',
                text: requestText ?? `base64:${requestBody.toString('base64')}`,
                ...(truncated(this.#requestBytes) ? { _truncated: true } : {}),
              },
            }
          : {}),
        headersSize: -1,
        bodySize: this.#requestBytes,
      },
      response: {
        status: this.#status,
        statusText: this.#statusText,
        // undici speaks HTTP/1.1 to the upstream.
        httpVersion: answered ? 'HTTP/1.1' : '',
        cookies: responseCookies(responseHeaders),
        headers: responseHeaders,
        content: {
          size: this.#responseBytes,
          mimeType,
          ...(responseText !== null
            ? { text: responseText }
            : { text: responseBody.toString('base64'), encoding: 'base64' as const }),
          ...(truncated(this.#responseBytes)
            ? { comment: `first ${maxBody} bytes of ${this.#responseBytes}` }
            : {}),
        },
        redirectURL: findValue(responseHeaders, 'location') ?? '',
        headersSize: -1,
        bodySize: this.#responseBytes,
        ...(this.#error !== null
          ? { _error: `upstream: ${errorName(this.#error)}` }
          : clientGone
            ? { _error: 'the client closed the connection before the response ended' }
            : {}),
      },
      cache: {},
      timings: {
        blocked: round(blocked),
        dns: -1,
        connect: connect >= 0 ? round(connect) : -1,
        ssl: ssl >= 0 ? round(ssl) : -1,
        send: round(send),
        wait: round(wait),
        receive: round(receive),
      },
      connection: String(this.#options.connection),
      _inFlight: this.#options.inFlight,
    };
  }
}

/** An error as a client reads it: its code (ECONNREFUSED, UND_ERR_SOCKET), else its message. */
function errorName(error: Error): string {
  const { code, cause } = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  return cause?.code ?? code ?? error.message;
}

/** Keeps the part of `chunk` (starting at byte `offset` of the body) below `max` bytes. */
function keep(chunks: Buffer[], chunk: Buffer, offset: number, max: number): void {
  if (offset >= max) return;
  chunks.push(offset + chunk.byteLength <= max ? chunk : chunk.subarray(0, max - offset));
}

/** The client's credentials for the proxy itself: never forwarded, never recorded. */
const PROXY_ONLY = new Set(['proxy-authorization', 'x-volley-token']);

function pairs(raw: readonly string[], leaveOut?: ReadonlySet<string>): HarNameValue[] {
  const list: HarNameValue[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (leaveOut?.has(name.toLowerCase()) !== true) list.push({ name, value: raw[i + 1] as string });
  }
  return list;
}

/** A body's chunks as one buffer; most bodies are one chunk, which needs no copy. */
function joined(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}
