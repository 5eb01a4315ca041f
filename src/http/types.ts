import type { IncomingHttpHeaders } from 'node:http';

/** A file part of a multipart body: a path on disk, or bytes with a file name. */
export type FilePart =
  | string
  | { path: string; filename?: string; contentType?: string }
  | { data: Uint8Array | string; filename: string; contentType?: string };

/** What a check returns: true/undefined passes; false or a string (the failure message) fails. */
// biome-ignore lint/suspicious/noConfusingVoidType: a check written as a block that returns nothing passes
export type CheckResult = boolean | string | undefined | void;

/** A check of a response: see `CheckResult`. */
export type Check = (res: VolleyResponse) => CheckResult;

/**
 * Checks by name (k6's `check(res, { … })`): every one runs, on every response, and is counted under its
 * name and the request's endpoint in the run's statistics.
 */
export type NamedChecks = Readonly<Record<string, Check>>;

export interface RequestOptions {
  /** Groups samples in the statistics; default: the path without its query string. */
  name?: string;
  headers?: Record<string, string>;
  /** Query parameters appended to the URL. */
  query?: Record<string, string | number | boolean>;
  /** JSON body (sets content-type: application/json). */
  json?: unknown;
  /** URL-encoded form body. */
  form?: Record<string, string | number | boolean>;
  /** Multipart form: plain fields beside `files`. */
  fields?: Record<string, string | number | boolean>;
  /** Multipart files by field name (sets a multipart/form-data body). */
  files?: Record<string, FilePart>;
  /** Raw body bytes or text. */
  body?: Uint8Array | string;
  /** Bearer token for this request (see `bearer()` for a client default). */
  bearer?: string;
  /** Milliseconds for the whole exchange; default: the client's timeout (60 s). */
  timeout?: number;
  /** Statuses that count as success; default: anything below 400. */
  expect?: number | readonly number[] | ((status: number) => boolean);
  /**
   * Runs before the sample is recorded; false or a string fails the request (Locust's catch_response).
   * A function runs only on a response that has not failed already. A record of named checks runs
   * every check on every response, counting each pass and fail under its name; the request fails when
   * any fails, with the first failing check's message.
   */
  check?: Check | NamedChecks;
  /** Follow redirects (default true, at most 10). */
  redirect?: boolean;
  /** Read and drop the body without keeping it: faster; text()/json()/bytes() then throw. */
  discardBody?: boolean;
  /** Throw a `RequestFailedError` when the request fails, instead of returning the response. */
  throwOnFailure?: boolean;
}

/** Milliseconds spent in each phase; connect/tls are 0 when a pooled connection was reused. */
export interface Timings {
  /** Queued waiting for a free connection plus connection set-up. */
  connect: number;
  tls: number;
  /** Request sent to first response byte (time to first byte after connect). */
  wait: number;
  /** First byte to last byte of the body. */
  receive: number;
  total: number;
}

export interface VolleyResponse {
  /** 0 when no response was received (network error). */
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly url: string;
  readonly ok: boolean;
  /** The failure message when the request failed, else null. */
  readonly error: string | null;
  readonly timings: Timings;
  text(): string;
  json<T = unknown>(): T;
  bytes(): Uint8Array;
}

export interface HttpClient {
  /** Base URL requests are resolved against (the run's --host). */
  readonly baseUrl: string;
  /** Headers sent with every request of this client. */
  readonly headers: Record<string, string>;
  get(url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  head(url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  delete(url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  post(url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  put(url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  patch(url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  request(method: string, url: string, opts?: RequestOptions): Promise<VolleyResponse>;
  /** Sets the default bearer token (Authorization header) for later requests; null clears it. */
  bearer(token: string | null): void;
  /** Cookies currently held for the base URL, name → value. */
  cookies(): Record<string, string>;
  clearCookies(): void;
}
