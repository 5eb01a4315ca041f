import { AsyncLocalStorage } from 'node:async_hooks';
import { bodyRecord } from '../trace-format.ts';
import { insideInterceptedCall, runInside } from '../trace-scope.ts';
import type { Tracer } from '../tracer.ts';
import { type Encoded, type EncodedError, encode } from '../typed-json.ts';
import {
  asOutboundResponse,
  type OutboundResponse,
  outboundRequest,
  responseBody,
} from './outbound-exchange.ts';

/**
 * The global `fetch`. Recording, the real fetch runs (marked as the inside of an intercepted call, so the
 * undici dispatcher under it is not recorded again) and its response is handed to the application at
 * once; a copy of the body is read alongside and the call is written when it has arrived. Replaying, the
 * recorded response is a `new Response(...)` and no socket is opened.
 */

const KIND = 'fetch';
type Snapshot = <R>(fn: () => R) => R;
type Fetch = typeof globalThis.fetch;

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The body, read without consuming the request: at once for the usual types, else from a copy. */
function syncBody(init: RequestInit | undefined, input: unknown): Buffer | null {
  if (input instanceof Request && init?.body === undefined)
    return input.body === null ? Buffer.alloc(0) : null;
  const body = init?.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return null;
}

/** The options of the real call that a Request does not carry (Node's `dispatcher`). */
function extraInit(init: RequestInit | undefined): RequestInit | undefined {
  if (init === undefined || !('dispatcher' in init)) return undefined;
  return { dispatcher: (init as { dispatcher: unknown }).dispatcher } as RequestInit;
}

/** fetch's errors keep their `cause` (ECONNREFUSED and the like sit there), which is not enumerable. */
function withCause(error: unknown): unknown {
  if (!(error instanceof Error) || error.cause === undefined) return error;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error);
  Object.defineProperty(copy, 'name', { value: error.name, enumerable: false, configurable: true });
  Object.defineProperty(copy, 'message', { value: error.message, enumerable: false, configurable: true });
  (copy as { cause?: unknown }).cause = error.cause;
  return copy;
}

function rebuildError({ name, message, props }: EncodedError): Error {
  const { cause, ...rest } = props as Record<string, unknown>;
  const options = cause === undefined ? undefined : { cause };
  const error = name === 'TypeError' ? new TypeError(message, options) : new Error(message, options);
  if (error.name !== name)
    Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  return Object.assign(error, rest);
}

function recordedResponse(recorded: OutboundResponse): Response {
  const body = NULL_BODY.has(recorded.status) ? null : responseBody(recorded);
  const response = new Response(body, {
    status: recorded.status,
    statusText: recorded.statusText,
    headers: recorded.headers,
  });
  // As from the network: a constructed Response would say 'default' and have no URL.
  Object.defineProperty(response, 'type', { value: 'basic' });
  const extra = recorded as OutboundResponse & { url?: string; redirected?: boolean };
  if (typeof extra.url === 'string') Object.defineProperty(response, 'url', { value: extra.url });
  if (extra.redirected === true) Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

export function installFetch(tracer: Tracer): void {
  const realFetch = globalThis.fetch;
  if (typeof realFetch !== 'function') return;
  tracer.setErrorFactory(KIND, rebuildError);

  const args = (request: Request, body: Buffer): Encoded =>
    encode(outboundRequest(request.method, request.url, request.headers, body));

  function record(
    request: Request,
    body: Buffer,
    init: RequestInit | undefined,
    snapshot: Snapshot,
  ): Promise<Response> {
    const finish = snapshot(() => tracer.begin(KIND, args(request, body)));
    return runInside(() => realFetch(request, extraInit(init))).then(
      (response) => {
        response
          .clone()
          .arrayBuffer()
          .then(
            (bytes) => {
              const recorded: OutboundResponse & { url: string; redirected: boolean } = {
                status: response.status,
                statusText: response.statusText,
                headers: [...response.headers],
                body: bodyRecord(Buffer.from(bytes)),
                url: response.url,
                redirected: response.redirected,
              };
              finish({ result: recorded });
            },
            (error: unknown) => finish({ error: withCause(error) }),
          );
        return response;
      },
      (error: unknown) => {
        finish({ error: withCause(error) });
        throw error;
      },
    );
  }

  function replay(request: Request, body: Buffer): Response {
    if (request.signal.aborted) throw request.signal.reason;
    const outcome = tracer.recorded(KIND, args(request, body));
    if ('error' in outcome) throw outcome.error;
    return recordedResponse(asOutboundResponse(outcome.result));
  }

  function run(
    request: Request,
    body: Buffer,
    init: RequestInit | undefined,
    snapshot: Snapshot,
  ): Promise<Response> {
    if (!tracer.replaying) return record(request, body, init, snapshot);
    try {
      return Promise.resolve(snapshot(() => replay(request, body)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  const tracedFetch = function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (insideInterceptedCall()) return realFetch(input, init);
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const snapshot = AsyncLocalStorage.snapshot() as Snapshot;
    // Read here when it can be, so a divergence names the application's line that called fetch.
    const body = syncBody(init, input);
    if (body !== null) return run(request, body, init, snapshot);
    return request
      .clone()
      .arrayBuffer()
      .then((bytes) => run(request, Buffer.from(bytes), init, snapshot));
  } as Fetch;
  globalThis.fetch = tracedFetch;
}
