import { formFieldOf, type PathStep, parseJsonPath, replaceAtPath } from './json-path.ts';

/** Redacted unless told otherwise: credentials in headers and the usual secret fields of JSON bodies. */
export const DEFAULT_REDACTED_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
];
export const DEFAULT_REDACTED_JSON_PATHS = [
  '$..password',
  '$..token',
  '$..access_token',
  '$..refresh_token',
  '$..id_token',
  '$..client_secret',
];

export interface RedactionRules {
  /** Header names, case-insensitive; `*` matches any run of characters (`x-api-*`). */
  headers: readonly string[];
  jsonPaths: readonly string[];
}

const PLACEHOLDER = /^<redacted(?::\d+)?>$/;
const PLACEHOLDERS = /<redacted:\d+>/g;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('*', '.*')}$`);
}

/**
 * Replaces secrets with placeholders that are stable per distinct value: the token a login response
 * returned and the Authorization header that sends it back become the same `<redacted:1>`, so a replay
 * that hands the placeholder to the scenario sees it come back where the recording had it.
 */
export class Redactor {
  readonly rules: RedactionRules;
  readonly #headers: RegExp[];
  readonly #paths: PathStep[][];
  readonly #formFields: Set<string>;
  readonly #placeholders = new Map<string, string>();
  readonly #wildcard: boolean;
  /** Placeholder numbers already taken (by the recording a record-missing run extends). */
  #offset = 0;

  /** `wildcard`: every secret becomes `<redacted>` — to compare a live request with a redacted recording. */
  constructor(rules: RedactionRules, wildcard = false) {
    this.rules = rules;
    this.#headers = rules.headers.map(globToRegExp);
    this.#paths = rules.jsonPaths.map(parseJsonPath);
    this.#formFields = new Set(this.#paths.map(formFieldOf).filter((f): f is string => f !== null));
    this.#wildcard = wildcard;
  }

  /** The placeholder of a secret value. */
  secret(value: string): string {
    if (this.#wildcard) return '<redacted>';
    if (value === '' || PLACEHOLDER.test(value)) return value;
    let placeholder = this.#placeholders.get(value);
    if (placeholder === undefined) {
      placeholder = `<redacted:${this.#offset + this.#placeholders.size + 1}>`;
      this.#placeholders.set(value, placeholder);
    }
    return placeholder;
  }

  /** Numbers placeholders after the highest one already in `text`. */
  continueAfter(text: string): void {
    for (const m of text.matchAll(PLACEHOLDERS)) {
      this.#offset = Math.max(this.#offset, Number(m[0].slice(10, -1)));
    }
  }

  /** Secret values seen so far (long enough not to match by chance) with their placeholders. */
  knownSecrets(): [string, string][] {
    return [...this.#placeholders].filter(([value]) => value.length >= 8);
  }

  isSecretHeader(name: string): boolean {
    const lower = name.toLowerCase();
    return this.#headers.some((re) => re.test(lower));
  }

  /** A header value with its secret parts replaced (the auth scheme and cookie names stay readable). */
  header(name: string, value: string): string {
    if (!this.isSecretHeader(name)) return value;
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      return value
        .split(/;\s*/)
        .map((pair) => this.#cookiePair(pair))
        .join('; ');
    }
    if (lower === 'set-cookie') {
      const [first = '', ...attributes] = value.split(';');
      return [this.#cookiePair(first), ...attributes].join(';');
    }
    const scheme = /^([A-Za-z][\w-]*) (.+)$/.exec(value);
    if ((lower === 'authorization' || lower === 'proxy-authorization') && scheme !== null) {
      return `${scheme[1]} ${this.secret(scheme[2] as string)}`;
    }
    return this.secret(value);
  }

  #cookiePair(pair: string): string {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    return `${pair.slice(0, eq + 1)}${this.secret(pair.slice(eq + 1).trim())}`;
  }

  /** A body with secret fields replaced; the same text when nothing was (JSON is only re-written if so). */
  body(text: string, mimeType: string): string {
    const type = mimeType.toLowerCase();
    if (type.includes('json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return text;
      }
      let count = 0;
      for (const steps of this.#paths) count += replaceAtPath(parsed, steps, (v) => this.secret(v));
      return count > 0 ? JSON.stringify(parsed) : text;
    }
    if (type.startsWith('application/x-www-form-urlencoded') && this.#formFields.size > 0) {
      const params = new URLSearchParams(text);
      let changed = false;
      for (const [key, value] of [...params]) {
        if (this.#formFields.has(key) || this.#formFields.has('*')) {
          params.set(key, this.secret(value));
          changed = true;
        }
      }
      return changed ? params.toString() : text;
    }
    return text;
  }
}

/** Turns numbered placeholders into the wildcard one, for comparing a live body with a recorded one. */
export function anonymisePlaceholders(text: string): string {
  return text.replace(PLACEHOLDERS, '<redacted>');
}
