import { AsyncLocalStorage } from 'node:async_hooks';
import { bodyRecord } from '../trace-format.ts';
import { insideInterceptedCall, runInside } from '../trace-scope.ts';
import type { Tracer } from '../tracer.ts';
import { type Encoded, type EncodedError, encode } from '../typed-json.ts';
import type { LibraryPatch } from './library-patch.ts';
import { type OutboundResponse, outboundRequest, toBuffer } from './outbound-exchange.ts';
import { answerHandler, type Handler } from './undici-replay.ts';

/**
 * npm `undici` (6–8): `request`, `fetch`, `stream`, `Client`, `Pool`, `Agent` and composed dispatchers all
 * end in the `dispatch` that Client, Pool and Agent share, so that one method is traced, once per HTTP
 * exchange (an Agent handing the request to its Pool and Client is the inside of the same call; a
 * redirect or retry interceptor dispatching again is another exchange). Recording, the handler is tapped;
 * replaying, no socket is made: the handler is answered with the recorded response through the handler
 * protocol it speaks (onRequestStart/onResponseStart/… or the older onConnect/onHeaders/onData/onComplete).
 */

const KIND = 'undici.dispatch';
type Snapshot = <R>(fn: () => R) => R;
type Dispatch = (this: object, opts: DispatchOptions, handler: Handler) => boolean;

interface DispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  headers?: unknown;
  body?: unknown;
  query?: Record<string, unknown>;
  upgrade?: unknown;
}

type Outcome = { result: Encoded } | { error: unknown };

/** Headers in any form undici takes: an object, a flat or paired array, or an iterable (Headers, Map). */
function headerEntries(headers: unknown): [string, unknown][] {
  if (headers === null || headers === undefined) return [];
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) return headers as [string, unknown][];
    const out: [string, unknown][] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) out.push([String(headers[i]), headers[i + 1]]);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function')
    return [...(headers as Iterable<[string, unknown]>)];
  return Object.entries(headers as Record<string, unknown>);
}

/** The body as bytes at once when it is already bytes or text; null when it must be read. */
function syncBody(body: unknown): Buffer | null {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer)
    return toBuffer(body);
  return null;
}

async function readBody(body: unknown): Promise<Buffer> {
  if (typeof (body as Blob).arrayBuffer === 'function')
    return Buffer.from(await (body as Blob).arrayBuffer());
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<unknown>) chunks.push(toBuffer(chunk));
  return Buffer.concat(chunks);
}

/** A Client's or Pool's own origin (requests to them name only a path). */
function ownOrigin(dispatcher: object): string | undefined {
  for (const symbol of Object.getOwnPropertySymbols(dispatcher)) {
    if (symbol.description !== 'url') continue;
    const url = (dispatcher as Record<symbol, unknown>)[symbol];
    if (url instanceof URL) return url.origin;
  }
  return undefined;
}

function targetUrl(dispatcher: object, opts: DispatchOptions): string {
  const origin = opts.origin ?? ownOrigin(dispatcher) ?? 'http://localhost';
  const url = new URL(opts.path, origin);
  if (opts.query !== undefined && opts.query !== null)
    for (const [name, value] of Object.entries(opts.query)) url.searchParams.append(name, String(value));
  return url.href;
}

function latin1(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
}

function rawPairs(raw: unknown, parsed: unknown): [string, string][] {
  if (Array.isArray(raw)) {
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push([latin1(raw[i]), latin1(raw[i + 1])]);
    return out;
  }
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries((parsed as Record<string, unknown>) ?? {}))
    for (const item of Array.isArray(value) ? value : [value]) out.push([name, latin1(item)]);
  return out;
}

/** Taps a handler's response callbacks (both protocols) and runs every callback in the caller's context. */
function tappedHandler(handler: Handler, snapshot: Snapshot, settle: (outcome: Outcome) => void): Handler {
  let status = 0;
  let statusText = '';
  let headers: [string, string][] = [];
  const chunks: Buffer[] = [];
  const complete = (): void =>
    settle({
      result: {
        status,
        statusText,
        headers,
        body: bodyRecord(Buffer.concat(chunks)),
      } satisfies OutboundResponse,
    });
  const taps: Record<string, (...args: unknown[]) => void> = {
    onResponseStart(controller, code, parsed, message) {
      status = Number(code);
      statusText = typeof message === 'string' ? message : '';
      headers = rawPairs((controller as { rawHeaders?: unknown } | null)?.rawHeaders, parsed);
    },
    onHeaders(code, raw, _resume, message) {
      status = Number(code);
      statusText = typeof message === 'string' ? message : '';
      headers = rawPairs(raw, null);
    },
    onResponseData(_controller, chunk) {
      chunks.push(toBuffer(chunk));
    },
    onData(chunk) {
      chunks.push(toBuffer(chunk));
    },
    onResponseEnd: complete,
    onComplete: complete,
    onResponseError(_controller, error) {
      settle({ error });
    },
    onError(error) {
      settle({ error });
    },
  };
  return new Proxy(handler, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const tap = typeof key === 'string' ? taps[key] : undefined;
      return (...args: unknown[]) =>
        snapshot(() => {
          tap?.(...args);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        });
    },
  });
}

function traceDispatch(tracer: Tracer, real: Dispatch, ours: WeakSet<object>): Dispatch {
  return function dispatch(this: object, opts: DispatchOptions, handler: Handler): boolean {
    if (insideInterceptedCall() || ours.has(handler) || opts === null || typeof opts !== 'object')
      return real.call(this, opts, handler);
    const snapshot = AsyncLocalStorage.snapshot() as Snapshot;
    if (opts.upgrade) {
      // CONNECT and upgrades (WebSocket) hand over a raw socket: not recorded, and refused on replay.
      if (!tracer.replaying) return real.call(this, opts, handler);
      const error = tracer.escaped('undici.upgrade', { url: targetUrl(this, opts) });
      queueMicrotask(() => answerHandler(handler, { error }));
      return true;
    }
    const url = targetUrl(this, opts);
    const args = (body: Buffer): Encoded =>
      encode(
        outboundRequest(
          opts.method ?? 'GET',
          url,
          headerEntries(opts.headers).map(([n, v]) => [n, v]),
          body,
        ),
      );
    const run = (body: Buffer, bodyWasRead: boolean): boolean => {
      if (tracer.replaying) {
        let outcome: { result: Encoded } | { error: Error };
        try {
          outcome = snapshot(() => tracer.recorded(KIND, args(body)));
        } catch (divergence) {
          outcome = { error: divergence as Error };
        }
        process.nextTick(() => snapshot(() => answerHandler(handler, outcome)));
        return true;
      }
      const finish = snapshot(() => tracer.begin(KIND, args(body)));
      let settled = false;
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        finish(outcome);
      };
      const tapped = tappedHandler(handler, snapshot, settle);
      ours.add(tapped);
      const sent = bodyWasRead ? { ...opts, body } : opts;
      try {
        return runInside(() => real.call(this, sent, tapped));
      } catch (error) {
        settle({ error });
        throw error;
      }
    };
    const body = syncBody(opts.body);
    if (body !== null) return run(body, false);
    readBody(opts.body).then(
      (read) => run(read, true),
      (error: unknown) => answerHandler(handler, { error: error as Error }),
    );
    return true;
  };
}

/** The prototype in an object's chain that defines `dispatch` (DispatcherBase in undici 6–8). */
function dispatchOwner(object: object): object | null {
  let proto: object | null = object;
  while (proto !== null && proto !== Object.prototype) {
    if (Object.hasOwn(proto, 'dispatch')) return proto;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return null;
}

const patchedOwners = new WeakSet<object>();
// Handlers already traced: a Pool queueing one hands it to a Client later, from another context.
const tracedHandlers = new WeakSet<object>();

/** Traces the `dispatch` of a dispatcher's class (and every dispatcher sharing it). */
function patchDispatcherOf(tracer: Tracer, dispatcher: unknown): void {
  if (dispatcher === null || typeof dispatcher !== 'object') return;
  const owner = dispatchOwner(dispatcher);
  if (owner === null || patchedOwners.has(owner)) return;
  patchedOwners.add(owner);
  const real = (owner as { dispatch: Dispatch }).dispatch;
  (owner as { dispatch: Dispatch }).dispatch = traceDispatch(tracer, real, tracedHandlers);
}

/** Recorded undici errors come back as undici's own classes (SocketError, HeadersTimeoutError…), by name. */
function errorFactory(errors: unknown): (record: EncodedError) => Error {
  const classes = (errors ?? {}) as Record<string, unknown>;
  return ({ name, message, props }) => {
    const Class = classes[name];
    let error: Error;
    if (typeof Class === 'function' && Class.prototype instanceof Error)
      error = new (Class as new (message: string) => Error)(message);
    else {
      error = new Error(message);
      Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
    }
    return Object.assign(error, props);
  };
}

export const undiciPatch: LibraryPatch = {
  name: 'undici',
  entry: '/node_modules/undici/index.js',
  install(tracer: Tracer, exports: object): undefined {
    const lib = exports as Record<string, unknown>;
    tracer.setErrorFactory(KIND, errorFactory(lib.errors));
    for (const name of ['Client', 'Pool', 'Agent', 'BalancedPool', 'RoundRobinPool']) {
      const ctor = lib[name];
      if (typeof ctor === 'function') patchDispatcherOf(tracer, (ctor as { prototype: object }).prototype);
    }
    // The global dispatcher may come from another copy of undici (Node's own, made before this one loaded).
    const getGlobal = lib.getGlobalDispatcher;
    if (typeof getGlobal === 'function') patchDispatcherOf(tracer, getGlobal());
    const setGlobal = lib.setGlobalDispatcher;
    if (typeof setGlobal === 'function') {
      lib.setGlobalDispatcher = function setGlobalDispatcher(agent: unknown): unknown {
        patchDispatcherOf(tracer, agent);
        return (setGlobal as (a: unknown) => unknown)(agent);
      };
    }
    return undefined;
  },
};
