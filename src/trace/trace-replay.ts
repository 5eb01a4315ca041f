import { resolve } from 'node:path';
import { Pool } from 'undici';
import { createRandom } from '../engine/rng.ts';
import type { TraceEvent } from './event-sink.ts';
import { TRACE_CONTROL_HEADER, TRACE_ID_HEADER } from './interceptors/inbound-http.ts';
import type { ClientOutcome, ReplayReport, RequestOutcome } from './replay-report.ts';
import { buildReport } from './replay-report.ts';
import { compareResponses, type LiveResponse, type Noise, parseNoise } from './response-diff.ts';
import { TraceError } from './trace-error.ts';
import { bodyBytes, type InboundLine, inboundInOrder, readTrace, streamNumber } from './trace-format.ts';
import { exitCodeOf, TracedCommand } from './traced-command.ts';
import type { DivergenceEvent } from './tracer.ts';

export interface ReplayTraceOptions {
  recording: string;
  command: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `shuffled` (default): a seeded shuffle, so hidden order dependence shows. */
  order?: 'recorded' | 'shuffled';
  /** Requests in flight at once; `all` sends every one at once. Default 8. */
  concurrency?: number | 'all';
  seed?: number;
  noise?: readonly string[];
  /** How long the program may take to listen (or, for a client program, to finish). */
  timeoutMs?: number;
  stdout?: NodeJS.WritableStream | null;
}

/** Headers the replay sends itself (framing) or that only described the recorded connection. */
const NOT_RESENT = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'expect']);

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = createRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function liveHeaders(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.push([name, item]);
  }
  return out;
}

async function send(pool: Pool, exchange: InboundLine): Promise<LiveResponse> {
  const headers: string[] = [];
  for (const [name, value] of exchange.req.headers) {
    if (!NOT_RESENT.has(name.toLowerCase())) headers.push(name, value);
  }
  headers.push(TRACE_ID_HEADER, exchange.s);
  const body = bodyBytes(exchange.req.body);
  const response = await pool.request({
    method: exchange.req.method,
    path: exchange.req.url,
    headers,
    body: body.length > 0 ? body : null,
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: liveHeaders(response.headers), body: bytes };
}

async function sendAll(
  pool: Pool,
  exchanges: readonly InboundLine[],
  concurrency: number,
  noise: Noise,
): Promise<RequestOutcome[]> {
  const outcomes: RequestOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < exchanges.length) {
      const exchange = exchanges[next++] as InboundLine;
      try {
        const live = await send(pool, exchange);
        outcomes.push({ exchange, difference: compareResponses(exchange.res, live, noise), error: null });
      } catch (error) {
        outcomes.push({ exchange, difference: null, error: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, exchanges.length) }, worker));
  return outcomes.sort((a, b) => streamNumber(a.exchange.s) - streamNumber(b.exchange.s));
}

function divergencesOf(events: readonly TraceEvent[]): DivergenceEvent[] {
  return events.filter((event): event is DivergenceEvent => event.t === 'divergence');
}

/** Where to reach a program that listens on `address` (a wildcard address is reached on loopback). */
export function hostFor(address: string): string {
  if (address === '::' || address === '0.0.0.0' || address === '') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Runs the command with the replayer preloaded: no recorded I/O happens, every intercepted call is answered
 * from the recording. A server gets every recorded inbound request again over loopback (shuffled and
 * concurrent by default) and each response is compared with the recorded one; a client program runs to
 * its end and its exit code and output are compared. Divergences come from the traced process.
 */
export async function replayTrace(options: ReplayTraceOptions): Promise<ReplayReport> {
  const path = resolve(options.cwd, options.recording);
  const recording = readTrace(path, { restore: true });
  const noise = parseNoise(options.noise ?? []);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const seed = options.seed ?? 1;
  const started = performance.now();
  const command = TracedCommand.start({
    command: options.command,
    mode: 'replay',
    file: path,
    cwd: options.cwd,
    env: options.env,
    stdout: options.stdout ?? null,
  });
  try {
    let outcomes: RequestOutcome[] = [];
    let client: ClientOutcome | null = null;
    let crashed: number | null = null;
    if (recording.inbound.length > 0) {
      const address = await command.waitForListen(timeoutMs);
      if (address === null) {
        if (command.running) {
          await command.stop('SIGTERM');
          throw new TraceError(
            `the program did not listen within ${timeoutMs / 1000} s of starting; is it the recorded command?`,
          );
        }
        // It exited at start-up: what it diverged on on the way is the report.
        return buildReport({
          recording,
          outcomes: [],
          divergences: divergencesOf(command.events()),
          client: null,
          crashed: exitCodeOf(await command.exited),
          neverListened: true,
          order: options.order ?? 'shuffled',
          seed,
          durationMs: performance.now() - started,
        });
      }
      const recorded = inboundInOrder(recording);
      const order = options.order === 'recorded' ? recorded : shuffled(recorded, seed);
      const concurrency = options.concurrency === 'all' ? recorded.length : (options.concurrency ?? 8);
      const origin = `http://${hostFor(address.address)}:${address.port}`;
      const pool = new Pool(origin, { connections: Math.max(1, concurrency), pipelining: 1 });
      try {
        outcomes = await sendAll(pool, order, Math.max(1, concurrency), noise);
        await pool.request({ method: 'GET', path: '/', headers: { [TRACE_CONTROL_HEADER]: 'report' } }).then(
          (res) => res.body.dump(),
          () => {},
        );
      } finally {
        await pool.close();
      }
      await command.waitForEvent('reported', 5000);
      if (!command.running) crashed = exitCodeOf(await command.exited);
      else await command.stop('SIGTERM');
    } else {
      const exit = await Promise.race([
        command.exited,
        new Promise<null>((done) => setTimeout(() => done(null), timeoutMs).unref()),
      ]);
      if (exit === null) {
        await command.stop('SIGTERM');
        throw new TraceError(`the program did not finish within ${timeoutMs / 1000} s of starting`);
      }
      client = {
        recordedExitCode: recording.end === null ? null : exitCodeOf(recording.end as never),
        exitCode: exitCodeOf(exit),
        recordedStdout: recording.end?.stdout ?? null,
        stdout: command.stdoutText(),
      };
    }
    return buildReport({
      recording,
      outcomes,
      divergences: divergencesOf(command.events()),
      client,
      crashed,
      neverListened: false,
      order: options.order ?? 'shuffled',
      seed,
      durationMs: performance.now() - started,
    });
  } finally {
    if (command.running) await command.stop('SIGKILL');
    command.dispose();
  }
}
