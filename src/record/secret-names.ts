import { RecordingError } from './recording-error.ts';

/**
 * Names whose values are secrets wherever they appear: headers, query parameters, cookies, JSON fields
 * (at any depth) and form fields. Globs (`*` is any run of characters) compared in snake_case (see
 * `snakeName`), so `*api_key*` covers `apiKey`, `api-key`, `API_KEY` and `X-Api-Key`. Drawn from Sentry's
 * default scrubbers (password, secret, passwd, api_key, apikey, auth, credentials, mysql_pwd, privatekey,
 * private_key, token, session, csrf and the frameworks' session cookies) and OpenTelemetry's signed-URL
 * parameters (Signature, sig, X-Goog-Signature, AWSAccessKeyId). `auth` is matched as a word (`auth`,
 * `authToken`, `x-auth-user`, `Authorization`), so `author` is not a secret.
 */
export const DEFAULT_REDACTED_NAMES: readonly string[] = [
  '*password*',
  '*passwd*',
  '*pwd*',
  '*passphrase*',
  '*secret*',
  '*credential*',
  '*token*',
  '*apikey*',
  '*api_key*',
  '*access_key*',
  '*private_key*',
  '*privatekey*',
  'auth',
  'auth_*',
  '*_auth',
  '*_auth_*',
  '*authorization*',
  '*authentication*',
  'session',
  'session_*',
  '*_session',
  '*session_id*',
  '*sessionid*',
  '*sessid*',
  'sid',
  '*_sid',
  '*.sid',
  '*csrf*',
  '*xsrf*',
  'signature',
  '*_signature',
  'sig',
  '*_sig',
  'jwt',
  '*_jwt',
];

/**
 * Headers redacted besides those the names match: every cookie's value (the cookie names stay). Only as
 * headers: a JSON field named `cookie` is scrubbed of the cookies' values, not replaced whole.
 */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = ['cookie', 'set-cookie'];

/**
 * Names kept even though a pattern matches: CORS response headers name headers and say `true`, and
 * hold no secret (`Access-Control-Allow-Credentials`).
 */
export const DEFAULT_KEPT_NAMES: readonly string[] = ['access_control_*'];

/** A name in snake_case: `apiKey`, `API-Key`, `X-Api-Key` → `api_key`, `api_key`, `x_api_key`. */
export function snakeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-\s]+/g, '_');
}

const MAX_CACHED = 10_000;

/** Matches names against globs, compared in snake_case. */
export class NamePatterns {
  readonly #patterns: RegExp[];
  readonly #cache = new Map<string, boolean>();
  /**
   * Found in any text that holds a name the patterns match, as that name is spelled there (camelCase,
   * kebab-case, spaces…): a text without it holds none, and need not be parsed to look.
   */
  readonly hint: RegExp;

  /** `flag` names the option in the error a bad pattern gives. */
  constructor(globs: readonly string[], flag: string) {
    const words: string[][] = [];
    this.#patterns = globs.map((glob) => {
      const snake = snakeName(glob.trim());
      if (snake.replaceAll('*', '') === '') throw new RecordingError(`${flag}: "${glob}" names nothing`);
      // A name the glob matches holds its longest literal run, in snake_case: its words separated by
      // nothing (camelCase), `_`, `-` or spaces in the original spelling.
      const longest = snake.split('*').reduce((a, b) => (b.length > a.length ? b : a), '');
      // A glob of separators and stars alone (`*_*`) has no word to look for: every text may hold one.
      words.push(longest.split('_').filter(Boolean));
      return new RegExp(`^${escapeRegExp(snake).replaceAll('*', '.*')}$`);
    });
    this.hint = new RegExp(hintSource(words), 'i');
  }

  matches(name: string): boolean {
    let hit = this.#cache.get(name);
    if (hit === undefined) {
      const snake = snakeName(name);
      hit = this.#patterns.some((re) => re.test(snake));
      // JSON keys can be data (ids as keys): the cache must not grow with a long recording.
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(name, hit);
    }
    return hit;
  }
}

const SEPARATORS = '[\\s_+-]*';

/**
 * One pattern for every glob's words, as a tree of shared prefixes (`pass(?:w(?:ord|d)|phrase)`): the
 * engine then tries one character class at each position, not every word in turn, which made the
 * alternation of some thirty words cost about 2.6 ns per character of every body it looked at. A word
 * that is a prefix of another is enough alone: the hint only says whether any is there.
 */
function hintSource(words: readonly (readonly string[])[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const parts of words) {
    let node = root;
    // Atoms: each character, and a run of separators between the words.
    const atoms = parts.flatMap((part, i) => [...(i > 0 ? [SEPARATORS] : []), ...part]);
    for (const atom of atoms) {
      let child = node.next.get(atom);
      if (child === undefined) {
        child = { end: false, next: new Map() };
        node.next.set(atom, child);
      }
      node = child;
    }
    node.end = true;
  }
  // No glob at all: nothing is ever found.
  if (root.next.size === 0 && !root.end) return '(?!)';
  const source = (node: Node): string => {
    if (node.end) return '';
    const branches = [...node.next].map(
      ([atom, child]) => (atom === SEPARATORS ? atom : escapeRegExp(atom)) + source(child),
    );
    return branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
  };
  return source(root);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
