import type { SampleSink } from '../metrics/sink.ts';
import { UserCookies } from './cookies.ts';
import { describeNetworkError, messageOf, RequestFailedError } from './errors.ts';
import { Exchange, type ExchangeRequest, urlOf } from './exchange.ts';
import { findHeader, mergeHeaders, removeHeader, setHeader } from './headers.ts';
import { multipartBody } from './multipart.ts';
import { outcomeOf } from './outcome.ts';
import { isRedirect, MAX_REDIRECTS, type RedirectChain, redirectedRequest } from './redirect.ts';
import { encodeBody } from './request-body.ts';
import { HttpResponse } from './response.ts';
import type { HttpTransport } from './transport.ts';
import type { Check, HttpClient, NamedChecks, RequestOptions, VolleyResponse } from './types.ts';
import {
  type BaseUrl,
  defaultSampleName,
  parseBaseUrl,
  resolveTarget,
  type Target,
  withQuery,
} from './url.ts';

export interface HttpClientOptions {
  /** The run's --host; relative request URLs are appended to it (see url.ts). */
  baseUrl: string;
  transport: HttpTransport;
  /** Receives exactly one sample per request. */
  sink: SampleSink;
  /** Default whole-exchange timeout in ms (60 000); 0 or Infinity for none. */
  timeoutMs?: number;
  /** Headers sent with every request (copied). */
  headers?: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const NO_OPTIONS: RequestOptions = {};

/** A client for one virtual user: its own cookies and default headers over the run's shared transport. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new UserHttpClient(options);
}

class UserHttpClient implements HttpClient {
  readonly baseUrl: string;
  readonly headers: Record<string, string>;
  readonly #base: BaseUrl;
  readonly #transport: HttpTransport;
  readonly #sink: SampleSink;
  readonly #timeoutMs: number;
  readonly #cookies = new UserCookies();
  /** The URL of the last request and where it went (resolveTarget's answer depends on nothing else). */
  #lastUrl: string | null = null;
  #lastTarget: Target | null = null;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl;
    this.#base = parseBaseUrl(options.baseUrl);
    this.headers = { ...options.headers };
    this.#transport = options.transport;
    this.#sink = options.sink;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get(url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request('GET', url, opts ?? NO_OPTIONS);
  }

  head(url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request('HEAD', url, opts ?? NO_OPTIONS);
  }

  delete(url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request('DELETE', url, opts ?? NO_OPTIONS);
  }

  post(url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request('POST', url, opts ?? NO_OPTIONS);
  }

  put(url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request('PUT', url, opts ?? NO_OPTIONS);
  }

  patch(url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request('PATCH', url, opts ?? NO_OPTIONS);
  }

  request(method: string, url: string, opts?: RequestOptions): Promise<VolleyResponse> {
    return this.#request(method.toUpperCase(), url, opts ?? NO_OPTIONS);
  }

  bearer(token: string | null): void {
    if (token === null) removeHeader(this.headers, 'authorization');
    else setHeader(this.headers, 'authorization', `Bearer ${token}`);
  }

  cookies(): Record<string, string> {
    return this.#cookies.toRecord(this.baseUrl);
  }

  clearCookies(): void {
    this.#cookies.clear();
  }

  /**
   * Sends (following redirects), checks, records exactly one sample, and throws if asked to.
   * One async function for the whole exchange: every extra async layer costs each request a promise.
   */
  async #request(method: string, url: string, opts: RequestOptions): Promise<VolleyResponse> {
    const name = opts.name ?? defaultSampleName(url);
    const keepBody = opts.discardBody !== true;
    let response: HttpResponse;
    try {
      const multipart =
        opts.files !== undefined || opts.fields !== undefined
          ? await multipartBody(opts.fields, opts.files)
          : null;
      const request = this.#firstRequest(method, url, opts, multipart);
      const timeoutMs = opts.timeout ?? this.#timeoutMs;
      const limitMs = timeoutMs > 0 ? timeoutMs : Number.POSITIVE_INFINITY;
      const hop = await this.#send(request, keepBody, limitMs, limitMs);
      this.#keepCookies(hop, request);
      if (opts.redirect === false || hop.error !== null || !isRedirect(hop.status)) {
        response = outcomeOf(hop, urlOf(request), null, false, keepBody, opts.expect);
      } else {
        const chain = await this.#followRedirects(request, hop, keepBody, limitMs);
        response = outcomeOf(chain.final, chain.url, chain, chain.tooMany, keepBody, opts.expect);
      }
    } catch (thrown) {
      // Failed before anything was sent: an invalid URL, an unreadable file to upload…
      const cause = thrown instanceof Error ? thrown : new Error(String(thrown));
      response = new HttpResponse(url, Exchange.failed(cause), null, true, null);
      response.fail(describeNetworkError(cause));
    }
    const check = opts.check;
    if (typeof check === 'function') {
      if (response.error === null) {
        const failure = runCheck(check, response);
        if (failure !== null) response.fail(failure);
      }
    } else if (check !== undefined) {
      // Named checks run on failed responses too, so their pass ratio counts them (a 500 fails "status is 201").
      const failure = runNamedChecks(check, response, this.#sink, method, name);
      if (failure !== null && response.error === null) response.fail(failure);
    }
    this.#sink.request(method, name, response.totalMs, response.contentBytes, response.error);
    if (response.error !== null && opts.throwOnFailure === true) {
      throw new RequestFailedError(method, name, response);
    }
    return response;
  }

  #firstRequest(
    method: string,
    url: string,
    opts: RequestOptions,
    multipart: ExchangeRequest['body'],
  ): ExchangeRequest {
    // The same URL as this user's last request (the common case): no new target.
    if (url !== this.#lastUrl) {
      this.#lastTarget = resolveTarget(this.#base, url);
      this.#lastUrl = url;
    }
    const { origin, path } = this.#lastTarget as Target;
    const encoded = encodeBody(opts);
    // The client's own headers object is sent as is unless this request adds to it.
    let headers = this.headers;
    const contentType = encoded === null ? null : encoded.contentType;
    if (opts.headers !== undefined || contentType !== null || opts.bearer !== undefined) {
      headers = opts.headers === undefined ? { ...headers } : mergeHeaders(headers, opts.headers);
      if (contentType !== null && findHeader(headers, 'content-type') === undefined) {
        headers['content-type'] = contentType;
      }
      if (opts.bearer !== undefined) setHeader(headers, 'authorization', `Bearer ${opts.bearer}`);
    }
    return {
      method,
      origin,
      path: opts.query === undefined ? path : withQuery(path, opts.query),
      headers,
      body: encoded === null ? multipart : encoded.body,
    };
  }

  async #followRedirects(
    request: ExchangeRequest,
    first: Exchange,
    keepBody: boolean,
    limitMs: number,
  ): Promise<RedirectChain> {
    const chain: RedirectChain = {
      startedAt: first.startedAt,
      connectMs: 0,
      tlsMs: 0,
      final: first,
      url: urlOf(request),
      tooMany: false,
    };
    for (let redirects = 0; ; redirects++) {
      const hop = chain.final;
      chain.connectMs += hop.connectMs;
      chain.tlsMs += hop.tlsMs;
      const location = hop.headers.location;
      if (hop.error !== null || !isRedirect(hop.status) || typeof location !== 'string') return chain;
      if (redirects === MAX_REDIRECTS) {
        chain.tooMany = true;
        return chain;
      }
      request = redirectedRequest(request, chain.url, hop.status, location);
      chain.url = urlOf(request);
      const remainingMs = limitMs - (performance.now() - chain.startedAt);
      chain.final = await this.#send(request, keepBody, limitMs, remainingMs);
      this.#keepCookies(chain.final, request);
    }
  }

  /** One hop, with this user's cookies for its URL (no cookie work until a response sets one). */
  #send(
    request: ExchangeRequest,
    keepBody: boolean,
    timeoutMs: number,
    remainingMs: number,
  ): Promise<Exchange> {
    if (!this.#cookies.isEmpty) {
      const cookie = this.#cookies.headerFor(urlOf(request));
      request = { ...request, headers: withCookies(request.headers, cookie) };
    }
    return Exchange.send(this.#transport, request, keepBody, timeoutMs, remainingMs);
  }

  /** Keeps the cookies a hop's response sets, redirects included, as browsers do. */
  #keepCookies(hop: Exchange, request: ExchangeRequest): void {
    const setCookie = hop.headers['set-cookie'];
    if (setCookie !== undefined) this.#cookies.store(setCookie, urlOf(request));
  }
}

/** Adds the jar's cookies to a Cookie header the request may set itself. */
function withCookies(headers: Record<string, string>, cookies: string): Record<string, string> {
  if (cookies === '') return headers;
  const key = findHeader(headers, 'cookie');
  const own = key === undefined ? undefined : headers[key];
  return { ...headers, [key ?? 'cookie']: own === undefined ? cookies : `${own}; ${cookies}` };
}

/** How a check ended: null when it passed, else the message it returned or threw (null for plain false). */
type CheckFailure = { message: string | null } | { promise: true };

function judge(check: Check, response: VolleyResponse): CheckFailure | null {
  try {
    const verdict: unknown = check(response);
    if (verdict === false) return { message: null };
    if (typeof verdict === 'string') return { message: verdict };
    // A script in plain JS may pass an async function: its promise would always "pass".
    if (verdict instanceof Promise) {
      verdict.catch(() => {}); // its rejection is this failure, not an unhandled one
      return { promise: true };
    }
    return null;
  } catch (thrown) {
    return { message: messageOf(thrown) };
  }
}

const MUST_BE_SYNCHRONOUS = 'returned a promise: checks must be synchronous';

/** The check's verdict as a failure message, or null when it passes. */
function runCheck(check: Check, response: VolleyResponse): string | null {
  const failure = judge(check, response);
  if (failure === null) return null;
  if ('promise' in failure) return `check ${MUST_BE_SYNCHRONOUS}`;
  return failure.message ?? 'check failed';
}

/**
 * Runs every named check (none short-circuits the others), counts each in the sink, and returns the
 * first failure's message naming its check, or null when all passed.
 */
function runNamedChecks(
  checks: NamedChecks,
  response: VolleyResponse,
  sink: SampleSink,
  method: string,
  name: string,
): string | null {
  let first: string | null = null;
  for (const checkName in checks) {
    if (!Object.hasOwn(checks, checkName)) continue;
    const check: unknown = checks[checkName];
    // A plain-JS scenario may put something else in the record: that check fails, it does not throw.
    const failure =
      typeof check === 'function' ? judge(check as Check, response) : { message: 'not a function' };
    sink.check?.(method, name, checkName, failure === null);
    if (failure === null || first !== null) continue;
    const label = `check ${JSON.stringify(checkName)}`;
    if ('promise' in failure) first = `${label} ${MUST_BE_SYNCHRONOUS}`;
    else first = failure.message === null ? `${label} failed` : `${label}: ${failure.message}`;
  }
  return first;
}
