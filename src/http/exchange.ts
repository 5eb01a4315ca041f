import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks'; // not the global, a getter: see metrics/clock.ts
import type { Dispatcher, FormData } from 'undici';
import { openingConnection } from './connection-timing.ts';
import { addDeadline, Deadline } from './deadlines.ts';
import { ResponseTimeoutError } from './errors.ts';
import type { HttpTransport } from './transport.ts';

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

/** What one hop sends. Shaped as undici's dispatch options, so it is passed as is. */
export interface ExchangeRequest {
  readonly method: string;
  /** `http://host:port`, the key of the connection pool. */
  readonly origin: string;
  /** Path and query string. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | FormData | null;
}

/** The absolute URL of a request. */
export function urlOf(request: ExchangeRequest): string {
  return request.origin + request.path;
}

/**
 * One request/response on the wire (one hop of a redirect chain): an undici dispatch handler that
 * buffers the body as received and timestamps the phases. Deliberately flat: no streams, no
 * per-chunk closures.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  status = 0;
  headers: IncomingHttpHeaders = NO_HEADERS;
  /** Set when no complete response arrived (network error, abort, our timeout). */
  error: Error | null = null;
  /** Body bytes received (also counted when the body is dropped). */
  received = 0;
  /** The body: the first chunk, and the others when there are several. Null when dropped. */
  firstChunk: Buffer | null = null;
  moreChunks: Buffer[] | null = null;

  readonly startedAt: number;
  /** Milliseconds from start to TCP connected and TLS done, when this request opened the connection; else 0. */
  connectMs = 0;
  tlsMs = 0;
  headersAt = 0;
  endedAt = 0;

  readonly #keepBody: boolean;
  readonly #timeoutMs: number;
  #timer: Deadline | NodeJS.Timeout | undefined = undefined;
  #controller: Dispatcher.DispatchController | null = null;
  #resolve: ((exchange: Exchange) => void) | null = null;
  #settled = false;

  private constructor(keepBody: boolean, timeoutMs: number, startedAt: number) {
    this.#keepBody = keepBody;
    this.#timeoutMs = timeoutMs;
    this.startedAt = startedAt;
  }

  /**
   * Dispatches a request; resolves (never rejects) once the body has ended or the exchange failed.
   * `remainingMs` arms our deadline (reported as `timeoutMs`); Infinity for none.
   */
  static send(
    transport: HttpTransport,
    request: ExchangeRequest,
    keepBody: boolean,
    timeoutMs: number,
    remainingMs: number,
  ): Promise<Exchange> {
    const exchange = new Exchange(keepBody, timeoutMs, performance.now());
    return new Promise((resolve) => {
      exchange.#resolve = resolve;
      if (remainingMs === timeoutMs && timeoutMs !== Number.POSITIVE_INFINITY) {
        // The common case, a whole timeout ahead: no Node timer of its own (see deadlines.ts).
        exchange.#timer = addDeadline(timeoutMs, Exchange.#expire, exchange, exchange.startedAt);
      } else if (remainingMs !== Number.POSITIVE_INFINITY) {
        exchange.#timer = setTimeout(Exchange.#expire, Math.max(0, remainingMs), exchange);
      }
      transport.dispatch(request, exchange);
    });
  }

  /** An exchange that failed before anything was sent (bad URL, unreadable file…). */
  static failed(error: Error): Exchange {
    const exchange = new Exchange(false, 0, performance.now());
    exchange.#settle(error);
    return exchange;
  }

  static #expire(exchange: Exchange): void {
    if (exchange.#settled) return;
    exchange.#timer = undefined;
    const error = new ResponseTimeoutError(exchange.#timeoutMs);
    // Not started yet (queued or connecting): settle now and abort once undici starts it.
    if (exchange.#controller === null) exchange.#settle(error);
    else exchange.#controller.abort(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#settled) {
      controller.abort(this.error ?? new ResponseTimeoutError(this.#timeoutMs));
      return;
    }
    this.#controller = controller;
    const opened = openingConnection;
    if (opened !== null) {
      // Anything before the TCP handshake ended (queueing included) counts as connect.
      const tcpStart = Math.max(this.startedAt, opened.tcpAt);
      this.connectMs = tcpStart - this.startedAt;
      this.tlsMs = Math.max(0, opened.readyAt - tcpStart);
    }
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // Called for informational responses (103 Early Hints) too: the final one overwrites them.
    this.headersAt = performance.now();
    this.status = statusCode;
    this.headers = headers;
    // undici gives a single Set-Cookie as a string; Node's header type (our contract) says string[].
    const setCookie: unknown = headers['set-cookie'];
    if (typeof setCookie === 'string') headers['set-cookie'] = [setCookie];
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.received += chunk.length;
    if (!this.#keepBody) return;
    if (this.firstChunk === null) this.firstChunk = chunk;
    else if (this.moreChunks === null) this.moreChunks = [chunk];
    else this.moreChunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#settle(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#settle(error);
  }

  #settle(error: Error | null): void {
    if (this.#settled) return;
    this.#settled = true;
    this.endedAt = performance.now();
    this.error = error;
    const timer = this.#timer;
    if (timer instanceof Deadline) timer.cancel();
    else if (timer !== undefined) clearTimeout(timer);
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.(this);
  }
}
