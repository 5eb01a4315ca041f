import { describeCall } from './replay-report.ts';
import { TraceError } from './trace-error.ts';
import {
  type BodyRecord,
  bodyBytes,
  type CallLine,
  type InboundLine,
  inboundInOrder,
  type TraceRecording,
} from './trace-format.ts';
import { type Encoded, isRowSet } from './typed-json.ts';

const BODY_PREVIEW = 2000;

function count<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function listCounts(counts: Map<string, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function preview(body: BodyRecord): string {
  if (body === null) return '(empty)';
  if ('base64' in body) return `(${bodyBytes(body).length} bytes of binary)`;
  return body.text.length > BODY_PREVIEW
    ? `${body.text.slice(0, BODY_PREVIEW)}… (${body.text.length} characters)`
    : body.text;
}

function outcome(call: CallLine): string {
  if (call.e !== undefined) return `error ${call.e.name}: ${call.e.message}`;
  const r = call.r as Encoded | undefined;
  if (Array.isArray(r)) return `${r.length} row${r.length === 1 ? '' : 's'}`;
  if (isRowSet(r)) return `${(r.v as Encoded[]).length} rows`;
  if (r !== null && typeof r === 'object' && Array.isArray((r as Record<string, Encoded>).rows)) {
    const rows = (r as { rows: Encoded[] }).rows;
    return `${rows.length} row${rows.length === 1 ? '' : 's'}`;
  }
  if (r !== null && typeof r === 'object' && typeof (r as Record<string, Encoded>).status === 'number') {
    return `HTTP ${(r as { status: number }).status}`;
  }
  const text = JSON.stringify(r ?? null);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function callsByStream(recording: TraceRecording): Map<string, CallLine[]> {
  const byStream = new Map<string, CallLine[]>();
  for (const call of recording.calls) {
    const key = `${call.p}\u0000${call.s}`;
    const list = byStream.get(key);
    if (list) list.push(call);
    else byStream.set(key, [call]);
  }
  for (const list of byStream.values()) list.sort((a, b) => a.n - b.n);
  return byStream;
}

/** What a recording holds: where it came from, then one line per inbound request with its calls. */
export function inspectRecording(recording: TraceRecording): string {
  const h = recording.header;
  const end = recording.end;
  const byStream = callsByStream(recording);
  const out = [
    `${recording.path}: ${h.format}, recorded by volley ${h.volley} on Node ${h.node} (${h.platform})`,
    `command: ${h.command.join(' ')}`,
    `started ${h.startedAt}${end ? `, ended ${end.endedAt} (${end.signal ? `stopped by ${end.signal}` : `exit code ${end.code}`})` : ', not finished (the recorder was cut off)'}${recording.truncated ? '; its last line was cut off and skipped' : ''}`,
  ];
  for (const p of recording.processes) out.push(`process ${p.p}: ${p.key} (Node ${p.node})`);
  if (recording.libraries.length > 0) {
    out.push(`libraries: ${recording.libraries.map((l) => `${l.name} ${l.version}`).join(', ')}`);
  }
  for (const l of recording.listens) out.push(`listened on ${l.address}:${l.port}`);
  out.push(
    `requests: ${recording.inbound.length} · calls: ${recording.calls.length}${recording.calls.length > 0 ? ` (${listCounts(count(recording.calls, (c) => c.k))})` : ''}`,
  );
  for (const stream of ['startup', 'background']) {
    const calls = recording.calls.filter((c) => c.s === stream);
    if (calls.length > 0)
      out.push(`${stream}: ${calls.length} calls (${listCounts(count(calls, (c) => c.k))})`);
  }
  const inbound = inboundInOrder(recording);
  if (inbound.length > 0) {
    out.push('', `${pad('request', 8)}${pad('method', 8)}${pad('status', 8)}${pad('calls', 7)}url`);
    for (const line of inbound) {
      const calls = byStream.get(`${line.p}\u0000${line.s}`) ?? [];
      out.push(
        `${pad(line.s, 8)}${pad(line.req.method, 8)}${pad(String(line.res.status), 8)}${pad(String(calls.length), 7)}${line.req.url}`,
      );
    }
    out.push('', 'volley trace inspect FILE --request r1 shows one request with its calls.');
  }
  return `${out.join('\n')}\n`;
}

/** One request of a recording: its request and response, and every call it made, in order. */
export function inspectRequest(recording: TraceRecording, key: string): string {
  const stream = /^\d+$/.test(key) ? `r${key}` : key;
  const line: InboundLine | undefined = recording.inbound.find((l) => l.s === stream);
  const calls = recording.calls.filter((c) => c.s === stream && (line === undefined || c.p === line.p));
  if (line === undefined && calls.length === 0) {
    throw new TraceError(
      `--request ${key}: no such request in ${recording.path} (requests are r1…r${recording.inbound.length}; also startup, background)`,
    );
  }
  const out: string[] = [];
  if (line !== undefined) {
    out.push(
      `${stream} ${line.req.method} ${line.req.url} → ${line.res.status} in ${line.ms} ms (at ${new Date(line.at).toISOString()})`,
    );
    out.push('request headers:', ...line.req.headers.map(([n, v]) => `  ${n}: ${v}`));
    out.push(`request body: ${preview(line.req.body)}`);
    out.push('response headers:', ...line.res.headers.map(([n, v]) => `  ${n}: ${v}`));
    out.push(`response body: ${preview(line.res.body)}`);
  } else {
    out.push(stream);
  }
  out.push(`calls (${calls.length}):`);
  for (const call of [...calls].sort((a, b) => a.n - b.n)) {
    const args = describeCall(call.a);
    out.push(`  ${pad(String(call.n), 4)}${call.k}${args === 'null' ? '' : ` ${args}`} → ${outcome(call)}`);
  }
  return `${out.join('\n')}\n`;
}
