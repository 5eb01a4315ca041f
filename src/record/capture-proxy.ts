/**
 * `volley capture`'s reverse proxy: forwards every request to the upstream, streaming both ways
 * (keep-alive, chunked, uploads of any size, HTTPS upstreams, WebSocket upgrades passed through), and
 * hands each finished exchange over as a HAR entry with its real timings, the client's connection and how
 * many requests were in flight when it arrived. Bodies are kept up to a cap for the entry, never buffered
 * for forwarding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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

/** Connection-level headers: they describe one hop, not the request (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
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
  const agentOptions = { keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' as const };
  const agent = secure
    ? new HttpsAgent({ ...agentOptions, rejectUnauthorized: options.insecure !== true })
    : new HttpAgent(agentOptions);
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
  const forwardHeaders = (req: IncomingMessage, keepUpgrade: boolean): OutgoingHttpHeaders => {
    const headers: OutgoingHttpHeaders = {};
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
      headers[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [String(had)]), value];
    }
    headers.host = upstream.host;
    const client = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = forwardedFor === '' ? client : `${forwardedFor}, ${client}`;
    headers['x-forwarded-host'] ??= host;
    headers['x-forwarded-proto'] ??= 'http';
    return headers;
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Bearer', 'content-type': 'text/plain' });
      res.end('volley capture: send the token as Proxy-Authorization: Bearer TOKEN or X-Volley-Token\n');
      return;
    }
    inFlight += 1;
    const exchange = new Exchange(
      req,
      res,
      maxBody,
      recording(),
      inFlight,
      connectionIds.get(req.socket) ?? 0,
    );
    const send = secure ? httpsRequest : httpRequest;
    const out = send({
      agent,
      host: upstream.hostname,
      port: upstreamPort,
      servername: upstream.hostname,
      method: req.method,
      path: `${prefix}${req.url ?? '/'}`,
      headers: forwardHeaders(req, false),
    });
    exchange.watchUpstream(out);
    req.on('data', (chunk: Buffer) => exchange.requestChunk(chunk));
    req.pipe(out);
    out.on('response', (up) => {
      exchange.responseStart(up);
      const headers: string[] = [];
      for (let i = 0; i < up.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has((up.rawHeaders[i] as string).toLowerCase()))
          headers.push(up.rawHeaders[i] as string, up.rawHeaders[i + 1] as string);
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
      up.on('data', (chunk: Buffer) => exchange.responseChunk(chunk));
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    out.on('error', (error: NodeJS.ErrnoException) => {
      exchange.fail(error);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`volley capture: upstream ${upstream.origin}: ${error.code ?? error.message}\n`);
      } else res.destroy();
    });
    // Done when the response is out and the request in (an upstream may answer before an upload ends);
    // an upload the client gave up on ends with its connection.
    let responseDone = false;
    let requestDone = false;
    const done = (side: 'request' | 'response') => {
      if (side === 'request') {
        if (requestDone) return;
        requestDone = true;
      } else responseDone = true;
      if (!requestDone || !responseDone) return;
      // The connection outlives the exchange (keep-alive): a listener left on it would keep every
      // exchange it carried alive, and grow its list, until it closes.
      req.socket.off('close', socketClosed);
      inFlight -= 1;
      const entry = exchange.finish(upstream, prefix);
      if (entry !== null) options.onEntry(entry);
      if (inFlight === 0) settled?.();
    };
    req.on('end', () => {
      exchange.requestEnded();
      done('request');
    });
    req.on('close', () => done('request'));
    const socketClosed = () => done('request');
    req.socket.once('close', socketClosed);
    // The client went away mid-exchange: so does the upstream request.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
      // An upload the upstream (or a 502) did not wait for: read to its end, so the connection goes on.
      if (!req.complete) {
        req.unpipe(out);
        req.resume();
      }
      done('response');
    });
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
            servername: upstream.hostname,
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
      agent.destroy();
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** One request through the proxy: its timestamps and the first bytes of its bodies. */
class Exchange {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #maxBody: number;
  readonly #recording: boolean;
  readonly #inFlight: number;
  readonly #connection: number;
  readonly #startedAt = Date.now();
  readonly #t0 = performance.now();
  #socketAt = -1;
  #connectAt = -1;
  #secureAt = -1;
  #sentAt = -1;
  #endedAt = -1;
  #headersAt = -1;
  #requestBytes = 0;
  readonly #requestChunks: Buffer[] = [];
  #responseBytes = 0;
  readonly #responseChunks: Buffer[] = [];
  #upstream: IncomingMessage | null = null;
  #error: NodeJS.ErrnoException | null = null;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    maxBody: number,
    recording: boolean,
    inFlight: number,
    connection: number,
  ) {
    this.#req = req;
    this.#res = res;
    this.#maxBody = maxBody;
    this.#recording = recording;
    this.#inFlight = inFlight;
    this.#connection = connection;
  }

  watchUpstream(out: import('node:http').ClientRequest): void {
    if (!this.#recording) return;
    out.on('socket', (socket: Socket) => {
      this.#socketAt = performance.now();
      if (socket.connecting) {
        socket.once('connect', () => {
          this.#connectAt = performance.now();
        });
        socket.once('secureConnect', () => {
          this.#secureAt = performance.now();
        });
      }
    });
    out.on('finish', () => {
      this.#sentAt = performance.now();
    });
  }

  /**
   * The client's request ended, and with it what it hands the upstream request: sent then, or on
   * connecting. Earlier than the upstream request's 'finish', which waits for a write callback and so
   * comes late when the event loop is busy (a `wait` measured from it came out short).
   */
  requestEnded(): void {
    if (this.#recording && this.#endedAt < 0) this.#endedAt = performance.now();
  }

  requestChunk(chunk: Buffer): void {
    this.#requestBytes += chunk.byteLength;
    if (this.#recording)
      keep(this.#requestChunks, chunk, this.#requestBytes - chunk.byteLength, this.#maxBody);
  }

  responseStart(up: IncomingMessage): void {
    this.#headersAt = performance.now();
    this.#upstream = up;
  }

  responseChunk(chunk: Buffer): void {
    this.#responseBytes += chunk.byteLength;
    if (this.#recording)
      keep(this.#responseChunks, chunk, this.#responseBytes - chunk.byteLength, this.#maxBody);
  }

  fail(error: NodeJS.ErrnoException): void {
    this.#error = error;
  }

  /** The HAR entry (null when not recording). */
  finish(upstream: URL, prefix: string): HarEntry | null {
    if (!this.#recording) return null;
    const endAt = performance.now();
    const req = this.#req;
    const up = this.#upstream;
    const url = `${upstream.origin}${prefix}${req.url ?? '/'}`;
    const requestHeaders = pairs(req.rawHeaders, PROXY_ONLY);
    const responseHeaders = up ? pairs(up.rawHeaders) : [];
    // Phases in order; a phase that did not happen (a reused connection has no connect) is -1 in HAR.
    const socketAt = this.#socketAt >= 0 ? this.#socketAt : this.#t0;
    const connected =
      this.#secureAt >= 0 ? this.#secureAt : this.#connectAt >= 0 ? this.#connectAt : socketAt;
    const handedOver = this.#endedAt >= 0 ? this.#endedAt : this.#sentAt;
    const sentAt = Math.max(connected, handedOver >= 0 ? handedOver : connected);
    const headersAt = this.#headersAt >= 0 ? Math.max(this.#headersAt, sentAt) : endAt;
    const blocked = socketAt - this.#t0;
    const connect = this.#connectAt >= 0 ? this.#connectAt - socketAt : -1;
    const ssl = this.#secureAt >= 0 && this.#connectAt >= 0 ? this.#secureAt - this.#connectAt : -1;
    const send = sentAt - connected;
    const wait = Math.max(0, headersAt - sentAt);
    const receive = Math.max(0, endAt - headersAt);
    const status = up?.statusCode ?? 0;
    const requestBody = joined(this.#requestChunks);
    const responseBody = joined(this.#responseChunks);
    const mimeType = findValue(responseHeaders, 'content-type') ?? 'x-unknown';
    const encoded = findValue(responseHeaders, 'content-encoding') !== undefined;
    const responseText = encoded ? null : utf8Text(responseBody);
    const requestText = this.#requestBytes > 0 ? utf8Text(requestBody) : null;
    const truncated = (bytes: number) => bytes > this.#maxBody;
    const clientGone = !this.#res.writableFinished && up !== null;
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
        status,
        statusText: up?.statusMessage ?? '',
        httpVersion: up ? `HTTP/${up.httpVersion}` : '',
        cookies: responseCookies(responseHeaders),
        headers: responseHeaders,
        content: {
          size: this.#responseBytes,
          mimeType,
          ...(responseText !== null
            ? { text: responseText }
            : { text: responseBody.toString('base64'), encoding: 'base64' as const }),
          ...(truncated(this.#responseBytes)
            ? { comment: `first ${this.#maxBody} bytes of ${this.#responseBytes}` }
            : {}),
        },
        redirectURL: findValue(responseHeaders, 'location') ?? '',
        headersSize: -1,
        bodySize: this.#responseBytes,
        ...(this.#error !== null
          ? { _error: `upstream: ${this.#error.code ?? this.#error.message}` }
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
      connection: String(this.#connection),
      _inFlight: this.#inFlight,
    };
  }
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
