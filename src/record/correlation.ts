import type { HarEntry } from './har.ts';
import { type Expr, expr, quote } from './js-literal.ts';

/**
 * Auto-correlation for har2ts: values a later request sends that an earlier response handed out (ids,
 * tokens, CSRF values, in JSON bodies, headers or cookies) become per-user state taken from that response;
 * e-mails and unique names a request made up become fresh `unique` values, so runs do not collide.
 */

/** Keys whose values are identifiers worth correlating, whatever they look like. */
const ID_KEY =
  /^(?:id|ID|uuid|guid)$|_(?:id|ID)$|[a-z0-9](?:Id|ID|Uuid)$|[tT]oken|[cC]srf|CSRF|[xX]srf|XSRF|[sS]ession|[nN]once|[kK]ey$|^code$/;
const EMAIL = /^([^@\s]+)@([^@\s]+\.[^@\s]+)$/;
const UNIQUE_NAME = /^([A-Za-z][A-Za-z_]*)-[a-z0-9]{6}(?:p\d+)?-\d+$/;
const IGNORED_HEADERS = new Set([
  'date',
  'content-type',
  'content-length',
  'connection',
  'keep-alive',
  'server',
  'vary',
  'etag',
  'cache-control',
  'expires',
  'last-modified',
  'set-cookie',
  'transfer-encoding',
  'content-encoding',
  'x-powered-by',
  'location',
  'age',
  'via',
  'alt-svc',
  'strict-transport-security',
]);

interface Candidate {
  step: number;
  key: string;
  /** Code that reads it, `r` standing for the response variable. */
  read: (response: string) => string;
  /** The source request's path, for naming ids. */
  path: string;
}

/** Opaque, token-looking text: long, letters and digits, no spaces. */
function looksOpaque(value: string): boolean {
  return value.length >= 12 && /\d/.test(value) && /[A-Za-z]/.test(value) && !/\s/.test(value);
}

function camel(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words
    .map((w, i) =>
      i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1),
    )
    .join('');
  return /^[A-Za-z_$]/.test(joined) ? joined : `v${joined}`;
}

export class Correlator {
  readonly #candidates = new Map<string, Candidate>();
  readonly #vars = new Map<string, string>();
  /** State fields, in the order they appear. */
  readonly fields: string[] = [];
  /** Lines to run right after a step's response, by step. */
  readonly after = new Map<number, string[]>();
  /** Lines to run right before a step's request, by step. */
  readonly before = new Map<number, string[]>();

  #field(base: string): string {
    let name = camel(base) || 'value';
    if (name === 'id') name = 'itemId';
    for (let n = 2; this.fields.includes(name); n++) name = `${camel(base)}${n}`;
    this.fields.push(name);
    return name;
  }

  #add(map: Map<number, string[]>, step: number, line: string): void {
    const lines = map.get(step);
    if (lines === undefined) map.set(step, [line]);
    else lines.push(line);
  }

  /** Learns what a step's response handed out (first appearance wins: that is where a value was born). */
  learn(step: number, entry: HarEntry): void {
    const path = safePath(entry.request.url);
    const offer = (value: string, candidate: Omit<Candidate, 'step' | 'path'>) => {
      if (value === '' || this.#candidates.has(value) || this.#vars.has(value)) return;
      this.#candidates.set(value, { ...candidate, step, path });
    };
    const content = entry.response.content;
    if (content.text !== undefined && content.encoding === undefined && /json/i.test(content.mimeType)) {
      let body: unknown;
      try {
        body = JSON.parse(content.text);
      } catch {
        body = undefined;
      }
      walk(body, [], (keys, value) => {
        const key = String(keys.at(-1) ?? '');
        const args = keys.map((k) => (typeof k === 'number' ? String(k) : quote(k))).join(', ');
        const read = (r: string) => `pick(${r}${args === '' ? '' : `, ${args}`})`;
        if (typeof value === 'string' && (ID_KEY.test(key) || looksOpaque(value)))
          offer(value, { key, read });
        if (typeof value === 'number' && Number.isInteger(value) && value > 0 && ID_KEY.test(key)) {
          offer(String(value), { key, read });
        }
      });
    }
    for (const h of entry.response.headers) {
      const name = h.name.toLowerCase();
      if (IGNORED_HEADERS.has(name) || name.startsWith('access-control-') || h.value.length < 8) continue;
      offer(h.value, { key: name, read: (r) => `String(${r}.headers[${quote(name)}] ?? '')` });
    }
    for (const c of entry.response.cookies) {
      if (c.value.length < 8) continue;
      offer(c.value, { key: c.name, read: () => `vu.http.cookies()[${quote(c.name)}] ?? ''` });
    }
  }

  /**
   * The expression to send instead of a literal a step's request holds, or null to keep the literal.
   * `strict`: only correlate when the value is distinctive (JSON fields whose key is not an id).
   */
  use(step: number, value: string, key: string | null): Expr | null {
    const known = this.#vars.get(value);
    if (known !== undefined) return expr(`vu.state.${known}`);
    const candidate = this.#candidates.get(value);
    if (candidate !== undefined && candidate.step < step) {
      if (key !== null && !ID_KEY.test(key) && value.length < 6) return null;
      const base =
        candidate.key === 'id' || candidate.key === 'ID' ? `${singular(candidate.path)} id` : candidate.key;
      const field = this.#field(base);
      this.#vars.set(value, field);
      this.#add(this.after, candidate.step, `vu.state.${field} = ${candidate.read(`r${candidate.step}`)};`);
      return expr(`vu.state.${field}`);
    }
    const email = EMAIL.exec(value);
    const name = UNIQUE_NAME.exec(value);
    if (email !== null || name !== null) {
      const field = this.#field(email !== null ? 'email' : `${name?.[1] ?? 'unique'} name`);
      this.#vars.set(value, field);
      const prefix = (email?.[1] ?? '').split(/[-_.\d]/)[0] || 'user';
      const make =
        email !== null
          ? `unique.email(${quote(prefix)}, ${quote(email[2] as string)})`
          : `unique.name(${quote(name?.[1] ?? 'name')})`;
      this.#add(this.before, step, `vu.state.${field} = ${make};`);
      return expr(`vu.state.${field}`);
    }
    return null;
  }

  /** Steps whose response is read later (they need a variable). */
  needsResponse(step: number): boolean {
    return (this.after.get(step) ?? []).some((line) => line.includes(`r${step}`));
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/** `/api/users` → `user`: names an id by the collection it came from. */
function singular(path: string): string {
  const segment = path
    .split('/')
    .filter((s) => s !== '' && !/^\d+$/.test(s) && !/^(?:api|v\d+)$/.test(s))
    .at(-1);
  if (segment === undefined) return 'item';
  return segment.endsWith('ies') ? `${segment.slice(0, -3)}y` : segment.replace(/s$/, '');
}

/** Calls `visit` for every leaf of a JSON value with its path. */
export function walk(
  value: unknown,
  keys: (string | number)[],
  visit: (keys: (string | number)[], leaf: unknown) => void,
): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], [...keys, i], visit);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) walk(v, [...keys, k], visit);
  } else visit(keys, value);
}
