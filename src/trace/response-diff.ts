import { bodyDiff } from '../record/divergence.ts';
import { type PathStep, parseJsonPath, setAtPath } from '../record/json-path.ts';
import { TraceError } from './trace-error.ts';
import { bodyBytes, type InboundResponse } from './trace-format.ts';

/** Headers that say how a response travelled, not what it is: never compared (nor recorded). */
export const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** Fields declared free to differ (`--noise header:x-request-id`, `--noise json:$.at`). */
export interface Noise {
  headers: ReadonlySet<string>;
  jsonPaths: readonly PathStep[][];
}

export function parseNoise(specs: readonly string[]): Noise {
  const headers = new Set<string>();
  const jsonPaths: PathStep[][] = [];
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const kind = spec.slice(0, colon);
    const what = spec.slice(colon + 1);
    if (colon > 0 && kind === 'header' && what !== '') headers.add(what.toLowerCase());
    else if (colon > 0 && kind === 'json' && what.startsWith('$')) jsonPaths.push(parseJsonPath(what));
    else {
      throw new TraceError(`--noise "${spec}": expected header:NAME or json:$.path (e.g. json:$.createdAt)`);
    }
  }
  return { headers, jsonPaths };
}

export interface LiveResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

export interface ResponseDifference {
  status?: { recorded: number; replayed: number };
  headers: { name: string; recorded: string | null; replayed: string | null }[];
  /** `$.path: recorded → replayed` lines, or where two non-JSON bodies first differ. */
  body: string[];
}

function headerMap(headers: readonly [string, string][], noise: Noise): Map<string, string> {
  const map = new Map<string, string>();
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    if (TRANSPORT_HEADERS.has(name) || noise.headers.has(name)) continue;
    map.set(name, map.has(name) ? `${map.get(name)}, ${value}` : value);
  }
  return map;
}

function withoutNoise(text: string, noise: Noise): string {
  if (noise.jsonPaths.length === 0) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  for (const steps of noise.jsonPaths) setAtPath(value, steps, '<noise>');
  return JSON.stringify(value);
}

/** How a replayed response differs from the recorded one; null when it is the same. */
export function compareResponses(
  recorded: InboundResponse,
  replayed: LiveResponse,
  noise: Noise,
): ResponseDifference | null {
  const difference: ResponseDifference = { headers: [], body: [] };
  if (recorded.status !== replayed.status) {
    difference.status = { recorded: recorded.status, replayed: replayed.status };
  }
  const before = headerMap(recorded.headers, noise);
  const after = headerMap(replayed.headers, noise);
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(name) ?? null;
    const b = after.get(name) ?? null;
    if (a !== b) difference.headers.push({ name, recorded: a, replayed: b });
  }
  const recordedBody = bodyBytes(recorded.body);
  if (!recordedBody.equals(replayed.body)) {
    const a = withoutNoise(recordedBody.toString('utf8'), noise);
    const b = withoutNoise(replayed.body.toString('utf8'), noise);
    if (a !== b) difference.body = bodyDiff(a, b);
  }
  const same =
    difference.status === undefined && difference.headers.length === 0 && difference.body.length === 0;
  return same ? null : difference;
}
