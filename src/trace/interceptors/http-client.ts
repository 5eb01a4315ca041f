import { AsyncLocalStorage } from 'node:async_hooks';
import http, { type ClientRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { urlToHttpOptions } from 'node:url';
import { bodyRecord } from '../trace-format.ts';
import { insideInterceptedCall } from '../trace-scope.ts';
import type { Tracer } from '../tracer.ts';
import { type Encoded, encode } from '../typed-json.ts';
import { FakeSocket } from './fake-socket.ts';
import {
  asOutboundResponse,
  headerPairs,
  type OutboundResponse,
  outboundRequest,
  responseBody,
  toBuffer,
} from './outbound-exchange.ts';

/**
 * Outbound HTTP through `node:http`/`node:https` (`request` and `get`: what axios, got and node-fetch use).
 * The call is known when the application ends the request (method, URL, headers, body): recording, the
 * real request runs and its response (or error) is written when it has fully arrived; replaying, the
 * request gets a socket that never connects, and the recorded response is pushed into it as HTTP/1.1
 * bytes, so Node's own parser gives the application a real IncomingMessage. Every event the application
 * sees runs in its caller's async context (a reused keep-alive socket belongs to another request).
 */

const KIND = 'http.request';

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
type RequestFn = (...args: unknown[]) => ClientRequest;
type Snapshot = <R>(fn: () => R) => R;

/** A request closed before any response or error (the application aborted it silently). */
const CLOSED_CODE = 'ERR_VOLLEY_TRACE_CLOSED';

interface Target {
  options: http.RequestOptions & { href?: string };
  callback: ((res: IncomingMessage) => void) | undefined;
}

/** Node's own argument rules: (url[, options][, callback]) or (options[, callback]). */
function parseArgs(args: unknown[]): Target {
  let [input, options, callback] = args as [unknown, unknown, unknown];
  let base: http.RequestOptions | null = null;
  if (typeof input === 'string') base = urlToHttpOptions(new URL(input));
  else if (input instanceof URL) base = urlToHttpOptions(input);
  else {
    callback = options;
    options = input;
  }
  let merged: http.RequestOptions;
  if (typeof options === 'function') {
    callback = options;
    merged = { ...(base ?? {}) };
  } else merged = { ...(base ?? {}), ...((options as http.RequestOptions | undefined) ?? {}) };
  return {
    options: merged,
    callback: typeof callback === 'function' ? (callback as Target['callback']) : undefined,
  };
}

function targetUrl(
  options: http.RequestOptions,
  secure: boolean,
): { url: string; host: string; port: number } {
  const protocol = options.protocol ?? (secure ? 'https:' : 'http:');
  const defaultPort = Number(options.defaultPort ?? (protocol === 'https:' ? 443 : 80));
  const port = Number(options.port ?? defaultPort) || defaultPort;
  const host = (options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
  const authority = host.includes(':') ? `[${host}]` : host;
  const path = options.path ?? '/';
  let url: string;
  try {
    url = new URL(`${protocol}//${authority}:${port}${path}`).href;
  } catch {
    url = `${protocol}//${authority}:${port}${path}`;
  }
  return { url, host, port };
}

/** The recorded response as the bytes a server would have sent. */
function responseBytes(response: OutboundResponse, method: string): Buffer {
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || STATUS_CODES[response.status] || ''}`];
  let chunked = false;
  for (const [name, value] of response.headers) {
    if (name.toLowerCase() === 'transfer-encoding' && /chunked/i.test(value)) chunked = true;
    lines.push(`${name}: ${value}`);
  }
  const body = method === 'HEAD' ? Buffer.alloc(0) : responseBody(response);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!chunked) return Buffer.concat([head, body]);
  const chunk =
    body.length > 0
      ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]
      : [Buffer.alloc(0)];
  return Buffer.concat([head, ...chunk, Buffer.from('0\r\n\r\n')]);
}

/** Runs every event of an emitter in the caller's async context. */
function bindEmit(
  emitter: { emit: Emit },
  snapshot: Snapshot,
  tap?: (event: string | symbol, args: unknown[]) => void,
): void {
  const emit = emitter.emit;
  emitter.emit = function boundEmit(this: unknown, event: string | symbol, ...args: unknown[]) {
    tap?.(event, args);
    return snapshot(() => emit.call(this, event, ...args));
  } as Emit;
}

/** Collects what the application writes as the request body, and calls `onEnd` when it ends the request. */
function tapBody(req: ClientRequest, chunks: Buffer[], onEnd: () => void): void {
  const write = req.write;
  const end = req.end;
  req.write = function tappedWrite(this: ClientRequest, chunk: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, rest[0]));
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof req.write;
  let ended = false;
  req.end = function tappedEnd(this: ClientRequest, chunk?: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
      chunks.push(toBuffer(chunk, rest[0]));
    const result = (end as (...a: unknown[]) => ClientRequest).call(this, chunk, ...rest);
    if (!ended) {
      ended = true;
      onEnd();
    }
    return result;
  } as typeof req.end;
}

function callArgs(req: ClientRequest, url: string, body: Buffer[]): Encoded {
  return encode(outboundRequest(req.method, url, Object.entries(req.getHeaders()), Buffer.concat(body)));
}

function recordRequest(tracer: Tracer, req: ClientRequest, url: string, snapshot: Snapshot): void {
  const body: Buffer[] = [];
  let finish: ((outcome: { result: Encoded } | { error: unknown }) => void) | null = null;
  let settled = false;
  const settle = (outcome: { result: Encoded } | { error: unknown }): void => {
    if (settled || finish === null) return;
    settled = true;
    finish(outcome);
  };
  tapBody(req, body, () => {
    finish = snapshot(() => tracer.begin(KIND, callArgs(req, url, body)));
  });
  bindEmit(req as unknown as { emit: Emit }, snapshot, (event, args) => {
    if (event === 'response') {
      const res = args[0] as IncomingMessage;
      const chunks: Buffer[] = [];
      const complete = (): void =>
        settle({
          result: {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: headerPairs(res.rawHeaders),
            body: bodyRecord(Buffer.concat(chunks)),
          } satisfies OutboundResponse,
        });
      const push = res.push;
      res.push = function tappedPush(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
        if (chunk === null) complete();
        else if (chunk !== undefined) chunks.push(toBuffer(chunk, encoding));
        return push.call(this, chunk, encoding);
      };
      bindEmit(res as unknown as { emit: Emit }, snapshot, (resEvent, resArgs) => {
        if (resEvent === 'error') settle({ error: resArgs[0] });
        else if (resEvent === 'close') complete();
      });
    } else if (event === 'error') settle({ error: args[0] });
    else if (event === 'close') {
      const closed = Object.assign(new Error('the request was closed before a response'), {
        code: CLOSED_CODE,
      });
      settle({ error: closed });
    }
  });
}

function replayRequest(
  tracer: Tracer,
  req: ClientRequest,
  url: string,
  socket: FakeSocket,
  snapshot: Snapshot,
): void {
  const body: Buffer[] = [];
  tapBody(req, body, () => {
    let outcome: { result: Encoded } | { error: Error };
    try {
      outcome = snapshot(() => tracer.recorded(KIND, callArgs(req, url, body)));
    } catch (divergence) {
      outcome = { error: divergence as Error };
    }
    if ('error' in outcome) {
      const error = outcome.error as NodeJS.ErrnoException;
      process.nextTick(() => (error.code === CLOSED_CODE ? req.destroy() : req.destroy(error)));
      return;
    }
    socket.respond(responseBytes(asOutboundResponse(outcome.result), req.method));
  });
  bindEmit(req as unknown as { emit: Emit }, snapshot, (event, args) => {
    if (event === 'response') bindEmit(args[0] as { emit: Emit }, snapshot);
  });
}

function traced(tracer: Tracer, original: RequestFn, secure: boolean): RequestFn {
  return function request(this: unknown, ...args: unknown[]): ClientRequest {
    if (insideInterceptedCall()) return original.apply(this, args);
    const target = parseArgs(args);
    const { url, host, port } = targetUrl(target.options, secure);
    const snapshot = AsyncLocalStorage.snapshot() as Snapshot;
    if (!tracer.replaying) {
      const req = original.apply(this, args);
      recordRequest(tracer, req, url, snapshot);
      return req;
    }
    const socket = new FakeSocket({ host, port });
    // No agent: the request uses the socket it is handed and never opens one.
    const options = {
      ...target.options,
      agent: undefined,
      defaultPort: target.options.defaultPort ?? (secure ? 443 : 80),
      createConnection: () => socket,
    };
    const req = target.callback ? original(options, target.callback) : original(options);
    replayRequest(tracer, req, url, socket, snapshot);
    return req;
  };
}

export function installHttpClient(tracer: Tracer): void {
  for (const [module, secure] of [
    [http, false],
    [https, true],
  ] as const) {
    const request = traced(tracer, module.request as unknown as RequestFn, secure);
    const get = function get(this: unknown, ...args: unknown[]): ClientRequest {
      const req = request.apply(this, args);
      req.end();
      return req;
    };
    module.request = request as unknown as typeof module.request;
    module.get = get as unknown as typeof module.get;
  }
  syncBuiltinESMExports();
}
