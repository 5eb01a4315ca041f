import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HarEntry } from './har.ts';
import { findValue, headerList, queryList, requestCookies, responseCookies } from './headers.ts';
import { describeBody, utf8Text } from './request-body.ts';

// Captured at load: scenario-facing clocks may be patched during the run (clock-random-capture.ts).
const realNow = Date.now;
const realPerformanceNow = performance.now.bind(performance);

/** The absolute URL of dispatch options. */
export function urlOfDispatch(options: Dispatcher.DispatchOptions): string {
  return `${String(options.origin ?? '').replace(/\/$/, '')}${options.path}`;
}

/** Request headers as a flat record (the HTTP client always passes a record). */
export function requestHeaders(options: Dispatcher.DispatchOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const given = options.headers;
  if (given !== null && given !== undefined && !Array.isArray(given) && typeof given === 'object') {
    for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  return headers;
}

/**
 * Passes every callback on to the HTTP client's handler and keeps a copy of the exchange; `entry`
 * resolves to its HAR entry once the response ended or failed.
 */
export class RecordingHandler implements Dispatcher.DispatchHandler {
  readonly entry: Promise<HarEntry>;
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #options: Dispatcher.DispatchOptions;
  readonly #userId: number;
  readonly #seq: number;
  readonly #startedAt = realNow();
  readonly #t0 = realPerformanceNow();
  #headersAt = 0;
  #status = 0;
  #statusText = '';
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #resolve: (entry: Promise<HarEntry>) => void = () => {};

  constructor(
    inner: Dispatcher.DispatchHandler,
    options: Dispatcher.DispatchOptions,
    userId: number,
    seq: number,
  ) {
    this.#inner = inner;
    this.#options = options;
    this.#userId = userId;
    this.#seq = seq;
    this.entry = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#inner.onRequestStart?.(controller, context);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#headersAt = realPerformanceNow();
    this.#status = statusCode;
    this.#statusText = statusMessage ?? STATUS_CODES[statusCode] ?? '';
    this.#headers = { ...headers };
    this.#chunks = [];
    this.#inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(Buffer.from(chunk));
    this.#inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.#finish(null);
    this.#inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#finish(error);
    this.#inner.onResponseError?.(controller as Dispatcher.DispatchController, error);
  }

  #finish(error: Error | null): void {
    const endedAt = realPerformanceNow();
    const resolve = this.#resolve;
    this.#resolve = () => {};
    resolve(this.#build(error, endedAt));
  }

  async #build(error: Error | null, endedAt: number): Promise<HarEntry> {
    const url = urlOfDispatch(this.#options);
    const headers = requestHeaders(this.#options);
    const requestList = headerList(headers);
    const body = await describeBody(this.#options.body, findValue(requestList, 'content-type'));
    const responseList = headerList(this.#headers);
    const bytes = Buffer.concat(this.#chunks);
    const mimeType = findValue(responseList, 'content-type') ?? 'x-unknown';
    const encoded = findValue(responseList, 'content-encoding') !== undefined;
    const text = encoded ? null : utf8Text(bytes);
    const headersAt = this.#headersAt || endedAt;
    const wait = Math.max(0, headersAt - this.#t0);
    const receive = Math.max(0, endedAt - headersAt);
    const failed = error !== null || this.#status === 0;
    return {
      startedDateTime: new Date(this.#startedAt).toISOString(),
      time: wait + receive,
      request: {
        method: this.#options.method,
        url,
        httpVersion: 'HTTP/1.1',
        cookies: requestCookies(requestList),
        headers: requestList,
        queryString: queryList(url),
        ...(body !== null ? { postData: body.postData } : {}),
        headersSize: -1,
        bodySize: body?.size ?? 0,
      },
      response: {
        status: failed ? 0 : this.#status,
        statusText: failed ? '' : this.#statusText,
        httpVersion: failed ? '' : 'HTTP/1.1',
        cookies: responseCookies(responseList),
        headers: failed ? [] : responseList,
        content: {
          size: bytes.byteLength,
          mimeType,
          ...(text !== null ? { text } : { text: bytes.toString('base64'), encoding: 'base64' as const }),
        },
        redirectURL: findValue(responseList, 'location') ?? '',
        headersSize: -1,
        bodySize: bytes.byteLength,
        ...(failed ? { _error: error?.message ?? 'no response' } : {}),
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive },
      _userId: this.#userId,
      _seq: this.#seq,
    };
  }
}
