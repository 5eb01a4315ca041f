/**
 * One keep-alive connection of the plain HTTP/1.1 client (see plain-pool.ts), over TCP or TLS: it writes request heads,
 * feeds what it reads to a ResponseParser and tells the handler, as undici's DispatchHandler expects.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { OpenedConnection } from './connection-timing.ts';
import { ConnectTimeoutError, SocketClosedError } from './errors.ts';
import { type ResponseEvents, ResponseParser } from './response-parser.ts';
import { openTunnel } from './tunnel.ts';

/** What the plain pool sends; ExchangeRequest satisfies it. */
export interface PlainRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | null;
}

/** Where and how a connection is opened. */
export interface Dial {
  /** The server, or the proxy when there is one. */
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  /** tls.connect's options for an `https:` origin; null for `http:`. */
  readonly tls: ConnectionOptions | null;
  /** For an `https:` origin through a proxy: the CONNECT tunnel to ask for. */
  readonly tunnel: { authority: string; authorization: string | null } | null;
}

/** What a connection tells the pool that owns it. */
export interface ConnectionOwner {
  readonly keepAliveTimeoutMs: number;
  connected(connection: PlainConnection, opened: OpenedConnection): void;
  released(connection: PlainConnection): void;
  removed(connection: PlainConnection, wasBusy: boolean): void;
  failedToConnect(connection: PlainConnection, error: Error): void;
  /** A TLS session to resume on the next new connection (a TLS 1.3 ticket, or a 1.2 session). */
  newSession(session: Buffer): void;
  /** `request` failed on a reused connection before any response byte: send it once more. */
  retry(request: PlainRequest, handler: Dispatcher.DispatchHandler): void;
}

/** Methods that may be sent again after a failure (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

const NO_TRAILERS: IncomingHttpHeaders = Object.freeze({});

/** Bytes `start` to `end` of `data` in a buffer of their own. */
function copyOf(data: Buffer, start: number, end: number): Buffer {
  // No slice to copy from (Buffer.from(data.subarray(…))): a typed array less per response.
  const copy = Buffer.allocUnsafe(end - start);
  data.copy(copy, 0, start, end);
  return copy;
}

/** Whether a headers record has any field (as `for…in` sees them: what `send` writes). */
function hasKeys(headers: Record<string, string>): boolean {
  for (const _ in headers) return true;
  return false;
}

/** One keep-alive connection: one request at a time. Is the handlers' controller while it serves them. */
export class PlainConnection implements Dispatcher.DispatchController, ResponseEvents {
  idleSince = 0;
  keepAliveMs: number;
  /** The server said how long it keeps the connection (Keep-Alive: timeout=N): checked before each reuse. */
  timedByServer = false;
  readonly #pool: ConnectionOwner;
  readonly #hostLine: string;
  /** Before each path: the origin, for a plain request through a proxy (absolute form); else ''. */
  readonly #target: string;
  readonly #readBuffer: Buffer;
  readonly #parser = new ResponseParser();
  #socket: Socket | null = null;
  #handler: Dispatcher.DispatchHandler | null = null;
  #request: PlainRequest | null = null;
  /** The request may be sent again should the connection fail before it hears anything. */
  #retriable = false;
  /** Bytes were read since the request was sent. */
  #heard = false;
  /** Responses completed on this connection: more than none, and a failure may be a stale connection. */
  #responses = 0;
  /** The server has ended its side (FIN): the connection takes no more requests. */
  #peerEnded = false;
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
  /** The head of the last request sent without body or headers of its own, and its method and path. */
  #lastHead = '';
  #lastMethod: string | null = null;
  #lastPath: string | null = null;

  constructor(pool: ConnectionOwner, hostLine: string, readBuffer: Buffer, target = '') {
    this.#pool = pool;
    this.#hostLine = hostLine;
    this.#target = target;
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

  /** Opens the connection: TCP to the server or its proxy, then a CONNECT tunnel and TLS as `dial` says. */
  connect(dial: Dial): void {
    const startedAt = performance.now();
    const { host, port, timeoutMs, tls, tunnel } = dial;
    const timer = setTimeout(() => {
      this.#socket?.destroy(new ConnectTimeoutError(`${host}:${port}`, timeoutMs));
    }, timeoutMs);
    if (tunnel === null) {
      const onread = this.#onread;
      const socket =
        tls === null
          ? connect({ host, port, noDelay: true, onread })
          : // tls.connect passes net.connect's options on (onread included); its type does not list them.
            connectTls({ ...tls, host, port, noDelay: true, onread } as ConnectionOptions);
      this.#attach(socket, timer, startedAt, tls !== null, 0);
      return;
    }
    // Through a proxy: the tunnel first, on a socket of its own until TLS takes it over.
    const raw = connect({ host, port, noDelay: true });
    this.#socket = raw;
    const failed = () => {
      clearTimeout(timer);
      this.#onClose(true);
    };
    raw.on('error', (error: Error) => {
      this.#error ??= error;
    });
    raw.once('close', failed);
    raw.once('connect', () => {
      openTunnel(raw, tunnel.authority, tunnel.authorization, (error) => {
        if (error !== null) {
          raw.destroy(error);
          return;
        }
        raw.removeListener('close', failed);
        const socket = connectTls({ ...tls, socket: raw });
        // tls.connect ignores onread over an existing socket: data events instead.
        socket.on('data', (data: Buffer) => this.#onBytes(data, data.length));
        this.#attach(socket, timer, startedAt, true, performance.now());
      });
    });
  }

  get #onread() {
    return { buffer: this.#readBuffer, callback: (length: number) => this.#onRead(length) };
  }

  /** Listens to the socket requests go over; `tcpAt` is known already for a tunnel. */
  #attach(socket: Socket, timer: NodeJS.Timeout, startedAt: number, secure: boolean, tcpAt: number): void {
    this.#socket = socket;
    const ready = () => {
      clearTimeout(timer);
      this.#connected = true;
      // Kept now: a closed socket no longer knows its peer, and errors name it.
      this.#remoteAddress = socket.remoteAddress;
      this.#remotePort = socket.remotePort;
      const readyAt = performance.now();
      this.#pool.connected(this, { startedAt, tcpAt: tcpAt === 0 ? readyAt : tcpAt, readyAt });
    };
    if (!secure) socket.once('connect', ready);
    else {
      if (tcpAt === 0) {
        socket.once('connect', () => {
          tcpAt = performance.now();
        });
      }
      socket.once('secureConnect', ready);
      socket.on('session', (session: Buffer) => this.#pool.newSession(session));
    }
    socket.on('error', (error: Error) => {
      this.#error ??= error;
    });
    socket.on('end', () => {
      this.#peerEnded = true;
      if (this.#handler === null && this.#connected) this.#goneWith(false);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      this.#onClose(!this.#connected);
    });
  }

  /**
   * Sends the request; false when its handler gave up while it waited for a connection (our timeout):
   * nothing was sent and the connection is free again. The pool then serves the next one itself, in a
   * loop: calling back into the pool from here would recurse once per request given up.
   */
  send(request: PlainRequest, handler: Dispatcher.DispatchHandler, retried = false): boolean {
    const socket = this.#socket as Socket;
    this.#handler = handler;
    this.#request = request;
    this.#heard = false;
    // A server may close a kept-alive connection just as we send on it (RFC 9112 §9.3.1).
    this.#retriable = !retried && this.#responses > 0 && IDEMPOTENT.has(request.method);
    this.#aborted = false;
    this.#reason = null;
    this.#ended = false;
    handler.onRequestStart?.(this, null);
    if (this.#aborted) {
      this.#handler = null;
      return false;
    }
    const { method, path, headers, body } = request;
    this.#parser.expect(this, method === 'HEAD');
    if ((body === null || body === undefined) && !hasKeys(headers)) {
      // No body and no header of its own (the common GET): the same head as the last such request on
      // this connection is not built again, and is written flat.
      if (path !== this.#lastPath || method !== this.#lastMethod) {
        this.#lastHead = `${method} ${this.#target}${path} HTTP/1.1\r\n${this.#hostLine}${
          method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'content-length: 0\r\n\r\n' : '\r\n'
        }`;
        this.#lastMethod = method;
        this.#lastPath = path;
      }
      socket.write(this.#lastHead, 'latin1');
      return true;
    }
    let head = `${method} ${this.#target}${path} HTTP/1.1\r\n${this.#hostLine}`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
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
    return true;
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

  onBody(data: Buffer, start: number, end: number): void {
    // The read buffer is reused for the next read: keep a copy.
    this.#handler?.onResponseData?.(this, copyOf(data, start, end));
  }

  onEnd(reusable: boolean): void {
    this.#ended = true;
    this.#responses++;
    this.#reusable = reusable;
    const handler = this.#handler;
    this.#handler = null;
    handler?.onResponseEnd?.(this, NO_TRAILERS);
  }

  #onRead(length: number): boolean {
    return this.#onBytes(this.#readBuffer, length);
  }

  /** Bytes read: `data` up to `length`. */
  #onBytes(data: Buffer, length: number): boolean {
    this.#heard = true;
    if (this.#handler === null) {
      // Bytes nobody asked for on an idle connection: it can no longer be trusted.
      this.#goneWith(false);
      return false;
    }
    let consumed: number;
    try {
      consumed = this.#parser.execute(data, length);
    } catch (error) {
      this.#fail(error as Error);
      return false;
    }
    if (this.#ended) {
      this.#ended = false;
      if (consumed === length && this.#reusable && !this.#gone && !this.#peerEnded && this.keepAliveMs > 0) {
        this.#pool.released(this);
      } else this.#goneWith(true);
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
    // A reset is not the end of a body delimited by the end of the connection: it was cut short.
    if (this.#parser.endsWithClose && this.#error === null) {
      this.#parser.finishAtClose();
      this.#goneWith(true);
      return;
    }
    if (this.#retriable && !this.#heard) {
      const request = this.#request as PlainRequest;
      this.#handler = null;
      // Queued before this connection is gone, so that the pool is not seen as drained in between.
      this.#pool.retry(request, handler);
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
    this.timedByServer = true;
  }
}
