import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TraceEventSink } from '../event-sink.ts';
import { TRANSPORT_HEADERS } from '../response-diff.ts';
import { type BodyRecord, bodyRecord } from '../trace-format.ts';
import { markListening, type TraceScope, traceScope } from '../trace-scope.ts';
import type { Tracer } from '../tracer.ts';

/** The header the replay driver names each request's recorded stream with; the hook removes it. */
export const TRACE_ID_HEADER = 'x-volley-trace-id';
/** A request with this header is answered by the hook, never by the application. */
export const TRACE_CONTROL_HEADER = 'x-volley-trace-control';

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/** Runs every event of an emitter inside a scope: body-parser's `end` handler then still serves its request. */
function scopeEmitter(emitter: { emit: Emit }, scope: TraceScope): void {
  const emit = emitter.emit;
  emitter.emit = function scopedEmit(this: unknown, ...args: [string | symbol, ...unknown[]]) {
    return traceScope.run(scope, () => emit.apply(this, args));
  } as Emit;
}

function tapRequestBody(req: http.IncomingMessage, chunks: Buffer[]): void {
  const push = req.push;
  req.push = function tappedPush(this: http.IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk !== null && chunk !== undefined) {
      chunks.push(
        typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array),
      );
    }
    return push.call(this, chunk, encoding);
  };
}

/** A chunk as kept: UTF-8 text stays text (most responses are a string the application wrote). */
function kept(chunk: unknown, encoding: unknown): string | Buffer {
  if (typeof chunk === 'string') {
    const utf8 = typeof encoding !== 'string' || /^utf-?8$/i.test(encoding);
    return utf8 ? chunk : Buffer.from(chunk, encoding as BufferEncoding);
  }
  return Buffer.from(chunk as Uint8Array);
}

/** The body of the chunks kept: text without a round trip through bytes when every chunk was text. */
function keptBody(chunks: readonly (string | Buffer)[]): BodyRecord {
  if (chunks.every((chunk) => typeof chunk === 'string')) {
    const text = chunks.join('');
    return text === '' ? null : { text };
  }
  return bodyRecord(
    Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))),
  );
}

/**
 * Keeps the response body's chunks as the application writes them, and calls `ended` once it has ended
 * the response — before any byte of it can reach the client, so a recording stopped right after a client
 * saw its answer still has that exchange.
 */
function tapResponseBody(res: http.ServerResponse, chunks: (string | Buffer)[], ended: () => void): void {
  const write = res.write;
  const end = res.end;
  let done = false;
  res.write = function tappedWrite(this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && chunk !== null) chunks.push(kept(chunk, rest[0]));
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function tappedEnd(this: http.ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
      chunks.push(kept(chunk, rest[0]));
    const result = (end as (...a: unknown[]) => http.ServerResponse).call(this, chunk, ...rest);
    if (!done) {
      done = true;
      ended();
    }
    return result;
  } as typeof res.end;
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

/** The response head as sent: status and header lines, from the head Node wrote. */
function sentHead(res: http.ServerResponse): { status: number; headers: [string, string][] } {
  const head = (res as unknown as { _header?: unknown })._header;
  if (typeof head !== 'string') {
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(res.getHeaders())) {
      for (const item of Array.isArray(value) ? value : [value]) headers.push([name, String(item)]);
    }
    return { status: res.statusCode, headers };
  }
  const lines = head.split('\r\n').slice(1);
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    // How it travelled (date, keep-alive…) is never compared: not worth recording on every line.
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { status: res.statusCode, headers };
}

function removeHeader(req: http.IncomingMessage, name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if ((req.rawHeaders[i] as string).toLowerCase() === name) {
      value = req.rawHeaders[i + 1];
      req.rawHeaders.splice(i, 2);
      i -= 2;
    }
  }
  delete req.headers[name];
  return value;
}

export interface InboundHooks {
  /** A control request of the replay driver (`report`): answered by the hook. */
  control(command: string, res: http.ServerResponse): void;
}

/**
 * Inbound HTTP through `node:http` and `node:https` servers (express, fastify, koa and hono's Node adapter
 * all sit on them): every request runs in its own stream, and while recording its request and response
 * are written when the response finishes. Also reports the port the process listens on.
 */
export function installInboundHttp(tracer: Tracer, events: TraceEventSink, hooks?: InboundHooks): void {
  let requests = 0;
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as { emit: Emit }[]) {
    const emit = proto.emit;
    proto.emit = function tracedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === 'listening') onListening(this);
      if (event !== 'request') return emit.call(this, event, ...args);
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      let stream: string;
      if (tracer.replaying) {
        const command = removeHeader(req, TRACE_CONTROL_HEADER);
        if (command !== undefined) {
          if (hooks) hooks.control(command, res);
          else res.writeHead(400).end();
          return true;
        }
        stream = removeHeader(req, TRACE_ID_HEADER) ?? `unrecorded-${++requests}`;
      } else {
        stream = `r${++requests}`;
        record(stream, req, res);
      }
      const scope: TraceScope = { stream, inside: false };
      scopeEmitter(req as unknown as { emit: Emit }, scope);
      scopeEmitter(res as unknown as { emit: Emit }, scope);
      return traceScope.run(scope, () => emit.call(this, event, ...args));
    } as Emit;
  }

  function record(stream: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = performance.now();
    const requestBody: Buffer[] = [];
    const responseBody: (string | Buffer)[] = [];
    tapRequestBody(req, requestBody);
    let answered = false;
    res.once('close', () => {
      if (!answered) tracer.endStream(stream);
    });
    tapResponseBody(res, responseBody, () => {
      answered = true;
      const head = sentHead(res);
      const bodiless = req.method === 'HEAD' || head.status === 204 || head.status === 304;
      tracer.inbound({
        s: stream,
        at: Math.round(performance.timeOrigin + started),
        ms: Math.round((performance.now() - started) * 1000) / 1000,
        req: {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: pairs(req.rawHeaders),
          body: bodyRecord(Buffer.concat(requestBody)),
        },
        res: { ...head, body: bodiless ? null : keptBody(responseBody) },
      });
    });
  }

  function onListening(server: http.Server): void {
    const address = server.address() as AddressInfo | string | null;
    if (address === null || typeof address === 'string') return;
    markListening();
    const line = { t: 'listen' as const, p: tracer.process, port: address.port, address: address.address };
    tracer.write(line);
    events.emit(line);
  }
}
