import type { HarNameValue } from './har.ts';
import { formFieldOf, type PathStep, parseJsonPath, replaceAtPath } from './json-path.ts';
import { highestPlaceholder, isPlaceholder, placeholder, WILDCARD } from './placeholders.ts';
import { SecretIndex } from './secret-index.ts';
import {
  DEFAULT_KEPT_NAMES,
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTED_NAMES,
  NamePatterns,
} from './secret-names.ts';

export interface RedactionRules {
  /**
   * Names of headers, query parameters, cookies, JSON fields (any depth) and form fields whose values are
   * secrets: globs, compared in snake_case (`*api_key*` covers `apiKey` and `X-Api-Key`).
   */
  names: readonly string[];
  /** Names kept even when a pattern of `names` or `headers` matches (`--no-redact`). */
  keep: readonly string[];
  /** Header names (globs) redacted besides those `names` matches (`--redact-header`). */
  headers: readonly string[];
  /** JSON paths (`$.a.b`, `$..name`, `$.list[*].x`), redacted whatever `keep` says (`--redact-json-path`). */
  jsonPaths: readonly string[];
}

/** The default rules, plus `extra` (added to the defaults). */
export function defaultRedactionRules(extra: Partial<RedactionRules> = {}): RedactionRules {
  return {
    names: [...DEFAULT_REDACTED_NAMES, ...(extra.names ?? [])],
    keep: [...DEFAULT_KEPT_NAMES, ...(extra.keep ?? [])],
    headers: [...DEFAULT_REDACTED_HEADERS, ...(extra.headers ?? [])],
    jsonPaths: [...(extra.jsonPaths ?? [])],
  };
}

/** Shorter values are not replaced in free text: they would match by chance (a PIN in a price). */
const MIN_SCRUBBED_LENGTH = 8;

/** Escapes and non-ASCII characters: a body with any is parsed to look for secret names. */
const NEEDS_PARSING = /[\\%\u0080-\uffff]/;

/** Header values that are URLs, whose query strings are redacted like a request's. */
const URL_HEADERS = new Set(['location', 'content-location', 'referer']);

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@:]*)(?::([^/?#@]*))?@/i;

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** The forms a value takes in text: as is, percent-encoded (path, query, form) and JSON-escaped. */
function spellings(value: string): string[] {
  const form = new URLSearchParams([['', value]]).toString().slice(1);
  return [...new Set([value, encodeURIComponent(value), form, JSON.stringify(value).slice(1, -1)])];
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // A JSON key "__proto__" is data, not the prototype.
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

/**
 * Replaces secrets with placeholders (`__REDACTED_1__`) numbered per distinct value, by the same rules in
 * every part of an exchange: header lists, URLs (query and fragment parameters, user info), JSON values
 * and bodies (also JSON sent as text/plain), form and multipart bodies. Each secret it finds is learned:
 * from then on the value is replaced wherever it appears, in any of those and in free text (`text`). So
 * the token a login response returned, the Authorization header that sends it back and the path segment
 * that carries it all become the same placeholder, and a replay that hands the placeholder to the
 * scenario sees it come back where the recording had it.
 *
 * One Redactor per recording (or trace): the numbering and the learned secrets are its state.
 */
export class Redactor {
  readonly rules: RedactionRules;
  readonly #names: NamePatterns;
  readonly #kept: NamePatterns;
  readonly #headers: NamePatterns;
  readonly #paths: PathStep[][];
  readonly #formFields: Set<string>;
  readonly #placeholders = new Map<string, string>();
  /** The same secrets as a list, so the ones learned since a point are read without a walk of them all. */
  readonly #learnedInOrder: [string, string][] = [];
  readonly #wildcard: boolean;
  /** Placeholder numbers already taken (by the recording a record-missing run extends). */
  #offset = 0;
  /** The learned secrets (long enough), in every spelling. */
  readonly #known = new SecretIndex(MIN_SCRUBBED_LENGTH);

  /**
   * `wildcard`: every secret becomes `__REDACTED__`, to compare a live request with a redacted recording.
   * Throws a RecordingError for a bad JSON path or a pattern that names nothing.
   */
  constructor(rules: RedactionRules, options: { wildcard?: boolean } = {}) {
    this.rules = rules;
    this.#names = new NamePatterns(rules.names, '--redact');
    this.#kept = new NamePatterns(rules.keep, '--no-redact');
    this.#headers = new NamePatterns(rules.headers, '--redact-header');
    this.#paths = rules.jsonPaths.map(parseJsonPath);
    this.#formFields = new Set(this.#paths.map(formFieldOf).filter((f): f is string => f !== null));
    this.#wildcard = options.wildcard ?? false;
  }

  /** Whether a field, query parameter, cookie or header of this name holds a secret. */
  isSecretName(name: string): boolean {
    return this.#names.matches(name) && !this.#kept.matches(name);
  }

  isSecretHeader(name: string): boolean {
    return (this.#headers.matches(name) || this.#names.matches(name)) && !this.#kept.matches(name);
  }

  /** Whether a header's value is kept as it is but for learned secrets: not secret, a cookie or a URL. */
  keepsHeaderValue(name: string): boolean {
    const lower = name.toLowerCase();
    return (
      lower !== 'cookie' && lower !== 'set-cookie' && !URL_HEADERS.has(lower) && !this.isSecretHeader(name)
    );
  }

  /** The placeholder of a secret value, learning it. Empty values and placeholders stay as they are. */
  secret(value: string): string {
    if (value === '' || isPlaceholder(value)) return value;
    let replacement = this.#placeholders.get(value);
    if (replacement === undefined) {
      replacement = this.#wildcard ? WILDCARD : placeholder(this.#offset + this.#placeholders.size + 1);
      this.#placeholders.set(value, replacement);
      this.#learnedInOrder.push([value, replacement]);
      for (const spelling of spellings(value)) this.#known.add(spelling, replacement);
    }
    return replacement;
  }

  /** Free text with every learned secret (of 8 characters or more) replaced, in any of its spellings. */
  text(text: string): string {
    return this.#known.replaceIn(text);
  }

  /** One header's value: the auth scheme, cookie names and attributes stay readable. */
  header(name: string, value: string): string {
    return this.text(this.#headerByName(name, value));
  }

  /** A header list (names as given): secret headers first, so every header is scrubbed of them. */
  headers(list: readonly HarNameValue[]): HarNameValue[] {
    const named = list.map((h) => ({ name: h.name, value: this.#headerByName(h.name, h.value) }));
    return named.map((h) => ({ name: h.name, value: this.text(h.value) }));
  }

  /**
   * A URL, absolute or a path: the password of its user info (the user name when there is no password),
   * query and fragment parameters with secret names, and learned secrets anywhere (a path segment).
   * Everything else keeps its exact spelling.
   */
  url(url: string): string {
    let out = url.replace(USERINFO, (_all, scheme: string, user: string, password: string | undefined) =>
      password === undefined
        ? `${scheme}${this.secret(decodeComponent(user))}@`
        : `${scheme}${user}:${this.secret(decodeComponent(password))}@`,
    );
    const hash = out.indexOf('#');
    const fragment = hash >= 0 ? out.slice(hash) : '';
    if (hash >= 0) out = out.slice(0, hash);
    const query = out.indexOf('?');
    if (query >= 0) out = `${out.slice(0, query + 1)}${this.#params(out.slice(query + 1))}`;
    if (fragment !== '') out = `${out}#${this.#params(fragment.slice(1))}`;
    return this.text(out);
  }

  /**
   * A copy of a JSON value with every string under a secret name (at any depth, whole subtrees) and at
   * the JSON paths replaced, then learned secrets replaced in every other string and key.
   */
  json(value: unknown): unknown {
    const redacted = this.#jsonByName(value, false);
    const root = { $: redacted };
    for (const steps of this.#paths) replaceAtPath(root.$, steps, (v) => this.secret(v));
    return this.#jsonScrubbed(root.$);
  }

  /**
   * A body: JSON (by its type, or text/plain that parses as JSON), form fields, multipart fields (as
   * volley records them: one `name=value` line each), then learned secrets anywhere. JSON is only
   * re-serialised when something in it was replaced.
   */
  body(text: string, mimeType: string): string {
    if (!this.mayNameSecret(text)) return this.text(text);
    const type = mimeType.toLowerCase();
    const jsonType = type.includes('json');
    const plain = type === '' || type === 'x-unknown' || type.startsWith('text/plain');
    if (jsonType || (plain && /^\s*[[{]/.test(text))) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return this.text(text);
      }
      const out = JSON.stringify(this.json(parsed));
      return this.#wildcard || out !== JSON.stringify(parsed) ? out : text;
    }
    if (type.startsWith('application/x-www-form-urlencoded')) {
      return this.text(this.#params(text, (name) => this.#formFields.has('*') || this.#formFields.has(name)));
    }
    if (type.startsWith('multipart/')) {
      return this.text(
        text
          .split('\n')
          .map((line) => {
            const eq = line.indexOf('=');
            if (eq < 0 || line[eq + 1] === '@' || !this.isSecretName(line.slice(0, eq))) return line;
            return `${line.slice(0, eq + 1)}${this.secret(line.slice(eq + 1))}`;
          })
          .join('\n'),
      );
    }
    return this.text(text);
  }

  /** Every secret replaced so far with its placeholder, in the order learned (value → placeholder). */
  learned(): ReadonlyMap<string, string> {
    return this.#placeholders;
  }

  /** The secrets learned after the first `count`, in the order learned: [value, placeholder]. */
  learnedSince(count: number): [string, string][] {
    return this.#learnedInOrder.slice(count);
  }

  /** Numbers placeholders after the highest one already in `text` (a recording being extended). */
  continueAfter(text: string): void {
    this.#offset = Math.max(this.#offset, highestPlaceholder(text));
  }

  /** How many secrets have been learned so far: pass it to `finderSince` later. */
  get learnedCount(): number {
    return this.#placeholders.size;
  }

  /**
   * An index of the secrets learned after the first `count` (long enough to be scrubbed), in every
   * spelling, and each spelling also as it reads inside a JSON string: finds which serialised HAR
   * entries hold one. Null when there are none.
   */
  finderSince(count: number): SecretIndex | null {
    const index = new SecretIndex(MIN_SCRUBBED_LENGTH);
    let n = 0;
    let any = false;
    for (const value of this.#placeholders.keys()) {
      if (n++ < count || value.length < MIN_SCRUBBED_LENGTH) continue;
      any = true;
      for (const spelling of spellings(value)) {
        index.add(spelling, '');
        index.add(JSON.stringify(spelling).slice(1, -1), '');
      }
    }
    return any ? index : null;
  }

  /** Secret values learned so far (long enough not to match by chance) with their placeholders. */
  knownSecrets(): [string, string][] {
    return [...this.#placeholders].filter(([value]) => value.length >= MIN_SCRUBBED_LENGTH);
  }

  /**
   * Whether a body may hold a value to redact by name; when not, parsing it would change nothing but
   * what `text` changes anyway: no JSON paths to follow, and no name the rules match, as spelled in
   * the text. Escapes (`\u0074oken`, `%74oken`) and non-ASCII text (case folding beyond ASCII) could
   * spell a name the hint does not see: those are parsed.
   */
  mayNameSecret(text: string): boolean {
    if (this.#paths.length > 0 || this.#wildcard) return true;
    return NEEDS_PARSING.test(text) || this.#names.hint.test(text);
  }

  #headerByName(name: string, value: string): string {
    const lower = name.toLowerCase();
    const secret = this.isSecretHeader(name);
    if (lower === 'cookie')
      return value
        .split(/;\s*/)
        .map((pair) => this.#cookiePair(pair, secret))
        .join('; ');
    if (lower === 'set-cookie') {
      const [first = '', ...attributes] = value.split(';');
      return [this.#cookiePair(first, secret), ...attributes].join(';');
    }
    if (!secret) return URL_HEADERS.has(lower) ? this.url(value) : value;
    const scheme = /^([A-Za-z][\w-]*) (.+)$/.exec(value);
    if (lower.endsWith('authorization') && scheme !== null) {
      return `${scheme[1]} ${this.secret(scheme[2] as string)}`;
    }
    return this.secret(value);
  }

  /** A cookie's value is secret when its header is (unless the cookie's name is kept), or by its name. */
  #cookiePair(pair: string, all: boolean): string {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const name = pair.slice(0, eq).trim();
    if (this.#kept.matches(name) || !(all || this.#names.matches(name))) return pair;
    return `${pair.slice(0, eq + 1)}${this.secret(pair.slice(eq + 1).trim())}`;
  }

  /** `a=1&b=2` with secret values replaced; every other byte as it was. */
  #params(text: string, alsoSecret: (name: string) => boolean = () => false): string {
    if (!text.includes('=')) return text;
    return text
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const name = decodeComponent(pair.slice(0, eq));
        if (!this.isSecretName(name) && !alsoSecret(name)) return pair;
        return `${pair.slice(0, eq + 1)}${this.secret(decodeComponent(pair.slice(eq + 1)))}`;
      })
      .join('&');
  }

  #jsonByName(node: unknown, secret: boolean): unknown {
    if (typeof node === 'string') return secret ? this.secret(node) : node;
    if (Array.isArray(node)) return node.map((item) => this.#jsonByName(item, secret));
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const below = !this.#kept.matches(key) && (secret || this.#names.matches(key));
      setOwn(out, key, this.#jsonByName(child, below));
    }
    return out;
  }

  #jsonScrubbed(node: unknown): unknown {
    if (typeof node === 'string') return this.text(node);
    if (Array.isArray(node)) return node.map((item) => this.#jsonScrubbed(item));
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) setOwn(out, this.text(key), this.#jsonScrubbed(child));
    return out;
  }
}
