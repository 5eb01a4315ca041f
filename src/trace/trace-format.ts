import { readFileSync } from 'node:fs';
import { restoreSecrets } from './secrets-file.ts';
import { TraceError } from './trace-error.ts';
import type { Encoded, EncodedError } from './typed-json.ts';

/**
 * A trace recording (`.vtrace`) is JSON Lines, appended while the program runs: a header written by
 * `volley trace record`, then lines from the traced processes as things happen, then an end line when the
 * command exited. A crash loses at most the lines of the last event-loop turn, and a cut-off last line is
 * skipped when reading. docs/trace.md describes every line.
 */
export const TRACE_FORMAT = 'volley.trace.v1';

export interface TraceHeader {
  t: 'header';
  format: typeof TRACE_FORMAT;
  volley: string;
  node: string;
  platform: string;
  command: string[];
  startedAt: string;
}

/** A traced Node process: `p` (its id in this recording) keys its lines; `key` is what it runs. */
export interface ProcessLine {
  t: 'process';
  p: string;
  /** The script and arguments, relative to the working directory: how a replayed process finds its lines. */
  key: string;
  pid: number;
  node: string;
  argv: string[];
}

/** An intercepted library the process loaded, with its version. */
export interface LibraryLine {
  t: 'lib';
  p: string;
  name: string;
  version: string;
}

export interface ListenLine {
  t: 'listen';
  p: string;
  port: number;
  address: string;
}

/** One intercepted call: its kind, arguments and outcome, in the stream of the inbound request that caused it. */
export interface CallLine {
  t: 'call';
  p: string;
  /** Stream: `r<N>` for the N-th inbound request, `startup` before the process listened, `background` after. */
  s: string;
  /** Position in the stream, given when the call started (an async call's line is written when it ends). */
  n: number;
  k: string;
  a: Encoded;
  r?: Encoded;
  e?: EncodedError;
}

/** A body: UTF-8 text when it is valid UTF-8, base64 otherwise; absent when empty. */
export type BodyRecord = { text: string } | { base64: string } | null;

export interface InboundRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: BodyRecord;
}

export interface InboundResponse {
  status: number;
  headers: [string, string][];
  body: BodyRecord;
}

/** An inbound HTTP exchange, written when the program ended the response. */
export interface InboundLine {
  t: 'in';
  p: string;
  s: string;
  /** When the request arrived (ms since the epoch) and how long until its response finished (ms). */
  at: number;
  ms: number;
  req: InboundRequest;
  res: InboundResponse;
}

export interface EndLine {
  t: 'end';
  code: number | null;
  signal: string | null;
  /** What the command printed on standard output (compared when a client program is replayed). */
  stdout: string;
  endedAt: string;
}

export type TraceLine = ProcessLine | LibraryLine | ListenLine | CallLine | InboundLine;

export interface TraceRecording {
  path: string;
  header: TraceHeader;
  processes: ProcessLine[];
  libraries: LibraryLine[];
  listens: ListenLine[];
  calls: CallLine[];
  inbound: InboundLine[];
  end: EndLine | null;
  /** The last line was cut off (the recorder was killed mid-write); it was skipped. */
  truncated: boolean;
}

export function bodyRecord(bytes: Buffer): BodyRecord {
  if (bytes.length === 0) return null;
  const text = bytes.toString('utf8');
  return Buffer.byteLength(text) === bytes.length && !text.includes('\uFFFD')
    ? { text }
    : { base64: bytes.toString('base64') };
}

export function bodyBytes(body: BodyRecord): Buffer {
  if (body === null) return Buffer.alloc(0);
  return 'text' in body ? Buffer.from(body.text, 'utf8') : Buffer.from(body.base64, 'base64');
}

function notARecording(path: string): string {
  return `${path}: not a volley trace recording (record one with volley trace record --out FILE -- COMMAND)`;
}

export function parseTrace(text: string, path: string): TraceRecording {
  const lines = text.split('\n');
  const recording: TraceRecording = {
    path,
    header: undefined as unknown as TraceHeader,
    processes: [],
    libraries: [],
    listens: [],
    calls: [],
    inbound: [],
    end: null,
    truncated: false,
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw === '') continue;
    let line: { t?: unknown; format?: unknown };
    try {
      line = JSON.parse(raw);
    } catch {
      // A recording starts with its header line: a file whose first line is not JSON is something else.
      if (recording.header === undefined) throw new TraceError(notARecording(path));
      // Only the last line can be cut off by a crash; anything earlier is damage.
      if (i >= lines.length - 2) {
        recording.truncated = true;
        continue;
      }
      throw new TraceError(`${path}:${i + 1}: not a volley trace line; the recording is damaged`);
    }
    if (i === 0) {
      if (line.t !== 'header' || line.format !== TRACE_FORMAT) {
        throw new TraceError(
          line.t === 'header'
            ? `${path}: recording format ${String(line.format)} is not ${TRACE_FORMAT}; record it again with this volley`
            : notARecording(path),
        );
      }
      recording.header = line as TraceHeader;
      continue;
    }
    switch (line.t) {
      case 'process':
        recording.processes.push(line as ProcessLine);
        break;
      case 'lib':
        recording.libraries.push(line as LibraryLine);
        break;
      case 'listen':
        recording.listens.push(line as ListenLine);
        break;
      case 'call':
        recording.calls.push(line as CallLine);
        break;
      case 'in':
        recording.inbound.push(line as InboundLine);
        break;
      case 'end':
        recording.end = line as EndLine;
        break;
      default:
        throw new TraceError(`${path}:${i + 1}: unknown line type ${JSON.stringify(line.t)}`);
    }
  }
  if (recording.header === undefined)
    throw new TraceError(`${path}: empty file, not a volley trace recording`);
  return recording;
}

/**
 * Reads a recording. `restore` (for replaying): its secrets come back from FILE.secrets when that file is
 * there; otherwise (inspect, export) the placeholders stay.
 */
export function readTrace(path: string, options: { restore?: boolean } = {}): TraceRecording {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TraceError(
      code === 'ENOENT'
        ? `${path}: no such recording`
        : `${path}: cannot read the recording (${code ?? error})`,
    );
  }
  return parseTrace(options.restore ? restoreSecrets(text, path) : text, path);
}

/** Inbound exchanges in the order they were recorded: by request number. */
export function inboundInOrder(recording: TraceRecording): InboundLine[] {
  return [...recording.inbound].sort((a, b) => streamNumber(a.s) - streamNumber(b.s));
}

export function streamNumber(stream: string): number {
  return stream.startsWith('r') ? Number(stream.slice(1)) : 0;
}
