import { ProcessCalls, type RecordedCall, SETUP_STREAM } from './call-matcher.ts';
import type { TraceEventSink } from './event-sink.ts';
import { appLocation } from './location.ts';
import type { CallLine, InboundLine, TraceLine } from './trace-format.ts';
import { currentStream, insideInterceptedCall, runInside, runInsideSync, traceScope } from './trace-scope.ts';
import {
  decode,
  decodeError,
  type Encoded,
  type EncodedError,
  type ErrorFactory,
  encode,
  encodeError,
} from './typed-json.ts';

export type TraceMode = 'record' | 'replay';

/** How an interceptor turns its call's result into recorded JSON and back. */
export interface ResultCodec<T> {
  encode(result: T): Encoded;
  decode(recorded: Encoded): T;
}

const plainCodec: ResultCodec<unknown> = {
  encode: (value) => encode(value),
  decode: (value) => decode(value),
};

/** Where recorded lines go while recording (the recording file, in the traced process). */
export interface LineWriter {
  write(line: TraceLine): void;
  /** A request started: its calls are written after its exchange. */
  beginStream(stream: string): void;
  /** A request ended without an exchange line (its connection closed first). */
  endStream(stream: string): void;
}

/** Thrown into the application when replay meets a call the recording cannot answer. */
export class TraceDivergenceError extends Error {
  override readonly name = 'TraceDivergenceError';
  readonly code = 'VOLLEY_TRACE_DIVERGENCE';
}

/** What a divergence event tells the replay driver. */
export interface DivergenceEvent {
  [field: string]: unknown;
  t: 'divergence';
  p: string;
  s: string;
  type: 'not-recorded' | 'args-differ' | 'unused' | 'escaped';
  kind: string;
  live?: Encoded;
  recorded?: Encoded;
  /** The application's source location (file:line:column) that made the call. */
  at?: string;
  /** The recorded call's position in its stream (unused and args-differ). */
  n?: number;
}

interface PendingCall {
  s: string;
  n: number;
  k: string;
  a: Encoded;
}

/**
 * The one interface every interceptor goes through. Recording, it runs the real call and writes its
 * kind, arguments and outcome to the stream of the inbound request it serves; replaying, it never runs
 * the call: it answers from the recorded call with the same kind and arguments in that stream, or reports
 * a divergence and throws — it never hands out another call's answer.
 */
export class Tracer {
  readonly mode: TraceMode;
  /** This process's key in the recording. */
  readonly process: string;
  readonly #writer: LineWriter | null;
  readonly #calls: ProcessCalls | null;
  readonly #events: TraceEventSink;
  /** Calls so far in the streams outside any request (startup, background, setup). */
  readonly #positions = new Map<string, number>();
  readonly #errorFactories = new Map<string, ErrorFactory>();

  constructor(options: {
    mode: TraceMode;
    process: string;
    writer?: LineWriter;
    recorded?: readonly CallLine[];
    events: TraceEventSink;
  }) {
    this.mode = options.mode;
    this.process = options.process;
    this.#writer = options.writer ?? null;
    this.#calls = options.mode === 'replay' ? new ProcessCalls(options.recorded ?? []) : null;
    this.#events = options.events;
  }

  /** Rebuilds recorded errors of a kind prefix (`pg.`) with the library's own error class. */
  setErrorFactory(kindPrefix: string, factory: ErrorFactory): void {
    this.#errorFactories.set(kindPrefix, factory);
  }

  get replaying(): boolean {
    return this.mode === 'replay';
  }

  /** A synchronous call (node:sqlite, better-sqlite3). */
  sync<T>(
    kind: string,
    args: unknown,
    perform: () => T,
    codec: ResultCodec<T> = plainCodec as ResultCodec<T>,
  ): T {
    if (insideInterceptedCall()) return perform();
    if (this.mode === 'replay') return this.#answer(kind, encode(args), codec);
    const call = this.#start(kind, encode(args));
    let result: T;
    try {
      result = runInsideSync(perform);
    } catch (error) {
      this.#finish(call, undefined, encodeError(error));
      throw error;
    }
    this.#finish(call, codec.encode(result));
    return result;
  }

  /** An asynchronous call (pg, fetch, undici): `perform` starts it and returns its promise. */
  async<T>(
    kind: string,
    args: unknown,
    perform: () => Promise<T>,
    codec: ResultCodec<T> = plainCodec as ResultCodec<T>,
  ): Promise<T> {
    if (insideInterceptedCall()) return perform();
    if (this.mode === 'replay') {
      try {
        return Promise.resolve(this.#answer(kind, encode(args), codec));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const call = this.#start(kind, encode(args));
    return runInside(perform).then(
      async (result) => {
        this.#finish(call, await codec.encode(result));
        return result;
      },
      (error: unknown) => {
        this.#finish(call, undefined, encodeError(error));
        throw error;
      },
    );
  }

  /**
   * For event-style APIs (node:http's client): `begin` when the call starts, and `end` with its outcome
   * when it is known. Recording only.
   */
  begin(kind: string, args: Encoded): (outcome: { result: Encoded } | { error: unknown }) => void {
    const call = this.#start(kind, args);
    return (outcome) => {
      if ('result' in outcome) this.#finish(call, outcome.result);
      else this.#finish(call, undefined, encodeError(outcome.error));
    };
  }

  /**
   * Replay: the recorded outcome of the call with this kind and these (encoded) arguments in the current
   * stream; a divergence is reported and thrown.
   */
  recorded(kind: string, args: Encoded): { result: Encoded } | { error: Error } {
    const calls = this.#calls as ProcessCalls;
    const stream = currentStream();
    const match = calls.stream(stream).take(kind, args);
    if (match.type === 'match') {
      const { r, e } = match.call.line;
      if (e !== undefined) return { error: decodeError(e, this.#errorFactory(kind)) };
      return { result: r === undefined ? null : r };
    }
    const event: DivergenceEvent = {
      t: 'divergence',
      p: this.process,
      s: stream,
      type: match.type,
      kind,
      live: args,
      at: appLocation(),
    };
    if (match.type === 'args-differ') {
      event.recorded = match.recorded.line.a;
      event.n = match.recorded.line.n;
    }
    this.#events.emit(event);
    throw new TraceDivergenceError(
      match.type === 'args-differ'
        ? `volley trace: ${kind} differs from the recording of ${stream} (see the replay report)`
        : `volley trace: ${kind} is not in the recording of ${stream} (see the replay report)`,
    );
  }

  /**
   * A set-up call (open a database, prepare a statement): it belongs to no request, because a cache makes
   * it on whichever request comes first. Only a failure is recorded; a replay gives the recorded failure of
   * the same call again, and otherwise succeeds without performing it (returning undefined: the caller
   * makes its stand-in). The calls that use what it set up are what is matched.
   */
  setup<T>(kind: string, args: unknown, perform: () => T): T | undefined {
    if (insideInterceptedCall()) return perform();
    if (this.mode === 'replay') {
      const failure = (this.#calls as ProcessCalls).setupFailure(kind, encode(args));
      if (failure?.e !== undefined) throw decodeError(failure.e, this.#errorFactory(kind));
      return undefined;
    }
    try {
      return runInsideSync(perform);
    } catch (error) {
      const n = (this.#positions.get(SETUP_STREAM) ?? 0) + 1;
      this.#positions.set(SETUP_STREAM, n);
      this.#writer?.write({
        t: 'call',
        p: this.process,
        s: SETUP_STREAM,
        n,
        k: kind,
        a: encode(args),
        e: encodeError(error),
      });
      throw error;
    }
  }

  /** Replay: a value (time, randomness) read by the application, in recorded order within its stream. */
  value<T>(kind: string, real: () => T, codec: ResultCodec<T> = plainCodec as ResultCodec<T>): T {
    if (insideInterceptedCall()) return real();
    if (this.mode === 'replay') return this.#answer(kind, null, codec);
    const value = real();
    this.#finish(this.#start(kind, null), codec.encode(value));
    return value;
  }

  /**
   * I/O that nothing intercepts (a socket to a database volley does not know) during replay: reported with
   * its source location; the returned error is what the application gets instead.
   */
  escaped(kind: string, detail: Encoded): Error {
    this.#events.emit({
      t: 'divergence',
      p: this.process,
      s: currentStream(),
      type: 'escaped',
      kind,
      live: detail,
      at: appLocation(),
    });
    const error = new Error(
      `volley trace: ${kind} ${JSON.stringify(detail)} escaped the recording; replay makes no real I/O`,
    ) as NodeJS.ErrnoException;
    error.code = 'ECONNREFUSED';
    return error;
  }

  inbound(line: Omit<InboundLine, 't' | 'p'>): void {
    this.#writer?.write({ t: 'in', p: this.process, ...line });
  }

  write(line: TraceLine): void {
    this.#writer?.write(line);
  }

  beginStream(stream: string): void {
    this.#writer?.beginStream(stream);
  }

  endStream(stream: string): void {
    this.#writer?.endStream(stream);
  }

  /** Replay: reports every recorded call that was never made, per stream. */
  reportUnused(streams?: ReadonlySet<string>): void {
    if (this.#calls === null) return;
    for (const { stream, calls } of this.#calls.unused()) {
      if (streams !== undefined && !streams.has(stream)) continue;
      for (const call of calls) this.#events.emit(unusedEvent(this.process, stream, call));
    }
  }

  #answer<T>(kind: string, args: Encoded, codec: ResultCodec<T>): T {
    const outcome = this.recorded(kind, args);
    if ('error' in outcome) throw outcome.error;
    return codec.decode(outcome.result);
  }

  #errorFactory(kind: string): ErrorFactory | undefined {
    for (const [prefix, factory] of this.#errorFactories) if (kind.startsWith(prefix)) return factory;
    return undefined;
  }

  #start(kind: string, args: Encoded): PendingCall {
    const scope = traceScope.getStore();
    if (scope !== undefined) return { s: scope.stream, n: ++scope.calls, k: kind, a: args };
    // Outside any request: startup or background, a handful of streams for the whole process.
    const stream = currentStream();
    const n = (this.#positions.get(stream) ?? 0) + 1;
    this.#positions.set(stream, n);
    return { s: stream, n, k: kind, a: args };
  }

  #finish(call: PendingCall, result?: Encoded, error?: EncodedError): void {
    const line: CallLine = { t: 'call', p: this.process, s: call.s, n: call.n, k: call.k, a: call.a };
    if (error !== undefined) line.e = error;
    else if (result !== undefined) line.r = result;
    this.#writer?.write(line);
  }
}

function unusedEvent(process: string, stream: string, call: RecordedCall): DivergenceEvent {
  return {
    t: 'divergence',
    p: process,
    s: stream,
    type: 'unused',
    kind: call.line.k,
    recorded: call.line.a,
    n: call.line.n,
  };
}
