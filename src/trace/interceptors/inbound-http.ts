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
type Method = (this: unknown, ...args: unknown[]) => unknown;

/** What the hook keeps on a request and its response (one symbol-keyed field, the same on every one). */
interface InboundState {
  readonly scope: TraceScope;
  /** Recording only: the request body's chunks, the response body's, and whether it was answered. */
  readonly recording: { requestBody: Buffer[]; responseBody: (string | Buffer)[]; answered: boolean } | null;
  /** Recording only: called once the application has ended the response. */
  readonly ended: (() => void) | null;
  /** Recording only: the connection closed before an answer. */
  readonly closed: (() => void) | null;
}

const STATE = Symbol('volley.trace.inbound');

function stateOf(target: unknown): InboundState | undefined {
  return (target as { [STATE]?: InboundState })[STATE];
}

function applyMethod(method: Method, self: unknown, args: unknown[]): unknown {
  return method.apply(self, args);
}

/** Whether an emitter has a listener for the event: EventEmitter keeps them in `_events`. */
function hasListener(emitter: unknown, event: unknown): boolean {
  const events = (emitter as { _events?: Record<string | symbol, unknown> })._events;
  return events === undefined || event === 'error' || events[event as string | symbol] !== undefined;
}

function scopeEvents(proto: { emit: Emit }, watchClose: boolean): void {
  const emit = proto.emit as unknown as Method;
  proto.emit = function scopedEmit(this: unknown, ...args: unknown[]) {
    const state = stateOf(this);
    if (state === undefined) return emit.apply(this, args);
    if (watchClose && args[0] === 'close' && state.closed !== null) state.closed();
    // No listener, nothing runs: no scope to enter (most of a request's events). 'error' is emitted in
    // scope all the same: with no listener it throws, and the application may catch it.
    if (!hasListener(this, args[0])) return emit.apply(this, args);
    if (traceScope.getStore() === state.scope) return emit.apply(this, args);
    return traceScope.run(state.scope, applyMethod, emit, this, args);
  } as Emit;
}

/**
 * Patches the prototypes of requests and responses once: each event of a traced request runs in its
 * request's scope (body-parser's `end` handler then still serves its request), and while recording its
 * body chunks are kept. Requests and responses that are not a traced server's (an http client's) pass
 * straight through. Patching per request instead would cost a closure per method per request.
 */
function patchMessages(): void {
  scopeEvents(http.IncomingMessage.prototype as unknown as { emit: Emit }, false);
  // The response's 'close' before its end: the connection closed before the application answered.
  scopeEvents(http.ServerResponse.prototype as unknown as { emit: Emit }, true);
  const request = http.IncomingMessage.prototype as unknown as { push: Method };
  const push = request.push;
  request.push = function tappedPush(this: unknown, ...args: unknown[]) {
    const kept = stateOf(this)?.recording?.requestBody;
    const [chunk, encoding] = args;
    if (kept !== undefined && chunk !== null && chunk !== undefined) {
      kept.push(
        typeof chunk === 'string'
          ? Buffer.from(chunk, encoding as BufferEncoding)
          : Buffer.from(chunk as Uint8Array),
      );
    }
    return push.apply(this, args);
  };
  const response = http.ServerResponse.prototype as unknown as { write: Method; end: Method };
  const write = response.write;
  const end = response.end;
  response.write = function tappedWrite(this: unknown, ...args: unknown[]) {
    const kept = stateOf(this)?.recording?.responseBody;
    const [chunk, encoding] = args;
    if (kept !== undefined && chunk !== undefined && chunk !== null) kept.push(keptChunk(chunk, encoding));
    return write.apply(this, args);
  };
  response.end = function tappedEnd(this: unknown, ...args: unknown[]) {
    const state = stateOf(this);
    const recording = state?.recording;
    const [chunk, encoding] = args;
    if (recording && chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      recording.responseBody.push(keptChunk(chunk, encoding));
    }
    const result = end.apply(this, args);
    if (recording && !recording.answered) {
      recording.answered = true;
      state?.ended?.();
    }
    return result;
  };
}

/** A chunk as kept: UTF-8 text stays text (most responses are a string the application wrote). */
function keptChunk(chunk: unknown, encoding: unknown): string | Buffer {
  if (typeof chunk === 'string') {
    const utf8 = typeof encoding !== 'string' || encoding === 'utf8' || /^utf-?8$/i.test(encoding);
    return utf8 ? chunk : Buffer.from(chunk, encoding as BufferEncoding);
  }
  return Buffer.from(chunk as Uint8Array);
}

/** The body of the chunks kept: text without a round trip through bytes when every chunk was text. */
function keptBody(chunks: readonly (string | Buffer)[]): BodyRecord {
  if (chunks.every((chunk) => typeof chunk === 'string')) {
    const text = chunks.length === 1 ? (chunks[0] as string) : chunks.join('');
    return text === '' ? null : { text };
  }
  return bodyRecord(
    Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))),
  );
}

const TRANSPORT_NAME_LENGTHS = new Set([...TRANSPORT_HEADERS].map((name) => name.length));

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

/** The response head as sent: status and header lines, from the head Node wrote. */
function sentHead(res: http.ServerResponse): { status: number; headers: [string, string][] } {
  const head = (res as unknown as { _header?: unknown })._header;
  const headers: [string, string][] = [];
  if (typeof head !== 'string') {
    for (const [name, value] of Object.entries(res.getHeaders())) {
      for (const item of Array.isArray(value) ? value : [value]) headers.push([name, String(item)]);
    }
    return { status: res.statusCode, headers };
  }
  let at = head.indexOf('\r\n') + 2;
  while (at > 1 && at < head.length) {
    let next = head.indexOf('\r\n', at);
    if (next < 0) next = head.length;
    const colon = head.indexOf(':', at);
    if (colon > at && colon < next) {
      const name = head.slice(at, colon);
      // How it travelled (date, keep-alive…) is never compared: not worth recording on every line.
      // Only names of those lengths are lowered to look.
      if (!(TRANSPORT_NAME_LENGTHS.has(name.length) && TRANSPORT_HEADERS.has(name.toLowerCase()))) {
        // Node writes `name: value`: the value is sliced as it is unless it has blanks around it.
        const start = head.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
        const value = head.slice(start, next);
        const blank =
          value.length > 0 && (value.charCodeAt(0) <= 0x20 || value.charCodeAt(value.length - 1) <= 0x20);
        headers.push([name, blank ? value.trim() : value]);
      }
    }
    at = next + 2;
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
  patchMessages();
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as { emit: Emit }[]) {
    const emit = proto.emit;
    proto.emit = function tracedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === 'listening') onListening(this);
      if (event !== 'request') return emit.call(this, event, ...args);
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      let state: InboundState;
      if (tracer.replaying) {
        const command = removeHeader(req, TRACE_CONTROL_HEADER);
        if (command !== undefined) {
          if (hooks) hooks.control(command, res);
          else res.writeHead(400).end();
          return true;
        }
        const stream = removeHeader(req, TRACE_ID_HEADER) ?? `unrecorded-${++requests}`;
        state = { scope: { stream, inside: false, calls: 0 }, recording: null, ended: null, closed: null };
      } else {
        state = recordingState(`r${++requests}`, req, res);
      }
      (req as unknown as { [STATE]: InboundState })[STATE] = state;
      (res as unknown as { [STATE]: InboundState })[STATE] = state;
      return traceScope.run(state.scope, () => emit.call(this, event, ...args));
    } as Emit;
  }

  function recordingState(stream: string, req: http.IncomingMessage, res: http.ServerResponse): InboundState {
    const started = performance.now();
    tracer.beginStream(stream);
    const recording = {
      requestBody: [] as Buffer[],
      responseBody: [] as (string | Buffer)[],
      answered: false,
    };
    return {
      scope: { stream, inside: false, calls: 0 },
      recording,
      closed: () => {
        if (!recording.answered) tracer.endStream(stream);
      },
      ended: () => {
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
            body:
              recording.requestBody.length === 0 ? null : bodyRecord(Buffer.concat(recording.requestBody)),
          },
          res: { ...head, body: bodiless ? null : keptBody(recording.responseBody) },
        });
      },
    };
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
