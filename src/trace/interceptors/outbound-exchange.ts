import { type BodyRecord, bodyBytes, bodyRecord } from '../trace-format.ts';
import type { Encoded } from '../typed-json.ts';

/**
 * What decides an outbound HTTP call, recorded as its arguments: a changed method, URL, header or body is
 * a divergence that shows both values.
 */
export interface OutboundRequest {
  [field: string]: Encoded;
  method: string;
  url: string;
  /** Lowercased names; several values of one name joined with ", ". */
  headers: Record<string, string>;
  body: BodyRecord;
}

/** An outbound call's recorded response: status, headers as received (raw names, in order) and body. */
export interface OutboundResponse {
  [field: string]: Encoded;
  status: number;
  statusText: string;
  headers: [string, string][];
  body: BodyRecord;
}

/** Headers that change from run to run without changing what the call asks for. */
const VOLATILE_HEADERS = new Set(['date']);

export function requestHeaders(pairs: Iterable<readonly [string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, rawValue] of pairs) {
    const name = rawName.toLowerCase();
    if (VOLATILE_HEADERS.has(name) || rawValue === undefined) continue;
    const value = Array.isArray(rawValue) ? rawValue.map(String).join(', ') : String(rawValue);
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

export function outboundRequest(
  method: string,
  url: string,
  headers: Iterable<readonly [string, unknown]>,
  body: Buffer,
): OutboundRequest {
  return { method: method.toUpperCase(), url, headers: requestHeaders(headers), body: bodyRecord(body) };
}

/** `[name, value, name, value…]` (as Node and undici give raw headers) as pairs. */
export function headerPairs(raw: readonly (string | Buffer)[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([String(raw[i]), String(raw[i + 1])]);
  return out;
}

export function responseBody(response: OutboundResponse): Buffer {
  return bodyBytes(response.body);
}

/** Whether a recorded value is an outbound response (and not, say, a foreign line). */
export function asOutboundResponse(value: Encoded): OutboundResponse {
  const response = value as OutboundResponse | null;
  if (response === null || typeof response !== 'object' || typeof response.status !== 'number')
    throw new Error('volley trace: the recorded outbound response is malformed');
  return response;
}

export function toBuffer(chunk: unknown, encoding?: unknown): Buffer {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk);
  return Buffer.from(String(chunk));
}
