import { appendFileSync } from 'node:fs';
import { placeholder } from '../record/placeholders.ts';
import { defaultRedactionRules, type RedactionRules, Redactor } from '../record/redaction.ts';

import type { BodyRecord, CallLine, InboundLine, TraceLine } from './trace-format.ts';
import { type Encoded, isRowSet, rowSetObjects } from './typed-json.ts';

/**
 * Secrets never reach a recording: by the same rules as HAR recordings (headers, query parameters and
 * JSON/form fields whose names look secret, at any depth), each value gets a placeholder that is the same
 * everywhere it appears later (URLs, paths, headers, bodies, database rows and parameters). The
 * placeholders' values go to a file of their own beside the recording, `FILE.secrets` (mode 0600, not to
 * be shared): a replay that has it restores every value and is exact; without it the placeholders stand.
 */

/** The rules `--redact` and `--no-redact` make, as the recorder hands them to the traced process. */
export function traceRedactionRules(redact: readonly string[], keep: readonly string[]): RedactionRules {
  return defaultRedactionRules({ names: [...redact], keep: [...keep] });
}

function headerPairs(redactor: Redactor, headers: readonly [string, string][]): [string, string][] {
  return redactor
    .headers(headers.map(([name, value]) => ({ name, value })))
    .map(({ name, value }) => [name, value] as [string, string]);
}

function contentType(headers: readonly [string, string][]): string {
  return headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
}

/** A `url` field whose query, fragment or user info may hold a secret (the redactor reads them). */
function hasUrlWithParameters(value: Encoded | undefined): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const url = value.url;
  return typeof url === 'string' && /[?#@]/.test(url);
}

/** Redacts the lines a traced process writes, and appends each new secret to the secrets file. */
export class LineRedactor {
  readonly #redactor: Redactor;
  readonly #secretsFile: string;
  /** Secrets at JSON paths: every value must go through the redactor. */
  readonly #byPath: boolean;
  /** Header names by whether their values are kept as they are. */
  readonly #plainHeaders = new Map<string, boolean>();
  #written = 0;

  constructor(rules: RedactionRules, secretsFile: string, numberFrom: number) {
    this.#redactor = new Redactor(rules);
    if (numberFrom > 0) this.#redactor.continueAfter(placeholder(numberFrom));
    this.#secretsFile = secretsFile;
    this.#byPath = rules.jsonPaths.length > 0;
  }

  /** The line as JSON text with every secret found by name replaced (and learned). */
  text(line: TraceLine): string {
    if (line.t === 'in') return JSON.stringify(this.#inbound(line));
    if (line.t === 'call' && line.k === 'random.bytes' && typeof line.r === 'string') {
      // Random bytes make tokens, keys and salts: they are kept with the secrets.
      return JSON.stringify({ ...line, r: this.#redactor.secret(line.r) });
    }
    if (line.t === 'call' && this.#callMayHoldSecret(line)) return JSON.stringify(this.#call(line));
    return JSON.stringify(line);
  }

  /**
   * Whether redacting a call by name could change it: a key with a secret name at any depth (a row set's
   * columns are its keys), a `url` with a query, or JSON paths to redact. Walking the keys, each name's
   * verdict cached, costs far less than a pattern over the whole text: a row set's cells are never read.
   */
  #callMayHoldSecret(line: CallLine): boolean {
    return (
      this.#byPath ||
      hasUrlWithParameters(line.a) ||
      hasUrlWithParameters(line.r) ||
      this.#hasSecretKey(line.a, 0) ||
      this.#hasSecretKey(line.r, 0)
    );
  }

  #hasSecretKey(value: Encoded | undefined, depth: number): boolean {
    if (value === null || typeof value !== 'object') return false;
    // Deeper than data goes: let the redactor decide.
    if (depth > 64) return true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item !== null && typeof item === 'object' && this.#hasSecretKey(item, depth + 1)) return true;
      }
      return false;
    }
    if (isRowSet(value)) {
      for (const column of value.c as string[]) if (this.#redactor.isSecretName(column)) return true;
      // Cells are mostly numbers and strings: only objects (JSON columns) have keys to look at.
      for (const cells of value.v as Encoded[][]) {
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i];
          if (cell !== null && typeof cell === 'object' && this.#hasSecretKey(cell, depth + 2)) return true;
        }
      }
      return false;
    }
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (this.#redactor.isSecretName(key)) return true;
      const item = value[key];
      if (item !== null && typeof item === 'object' && this.#hasSecretKey(item, depth + 1)) return true;
    }
    return false;
  }

  /** The text with every secret learned so far replaced; new secrets go to the secrets file first. */
  scrub(text: string): string {
    this.#saveLearned();
    return this.#redactor.text(text);
  }

  /** The line with its secrets by name replaced; the same object when there is none (most requests). */
  #inbound(line: InboundLine): InboundLine {
    const { req, res } = line;
    const url = /[?#@]/.test(req.url) ? this.#redactor.url(req.url) : req.url;
    const reqHeaders = this.#headers(req.headers);
    const reqBody = this.#body(req.body, contentType(req.headers));
    const resHeaders = this.#headers(res.headers);
    const resBody = this.#body(res.body, contentType(res.headers));
    const same =
      url === req.url &&
      reqHeaders === req.headers &&
      reqBody === req.body &&
      resHeaders === res.headers &&
      resBody === res.body;
    if (same) return line;
    return {
      ...line,
      req: { method: req.method, url, headers: reqHeaders, body: reqBody },
      res: { status: res.status, headers: resHeaders, body: resBody },
    };
  }

  /**
   * Headers with secret values replaced by name. Most headers are neither secret nor cookies nor URLs:
   * they are kept as they are (learned secrets in them go when the whole line is scrubbed).
   */
  #headers(headers: readonly [string, string][]): [string, string][] {
    if (headers.every(([name]) => this.#plainHeader(name))) return headers as [string, string][];
    return headerPairs(this.#redactor, headers);
  }

  #plainHeader(name: string): boolean {
    let plain = this.#plainHeaders.get(name);
    if (plain === undefined) {
      plain = this.#redactor.keepsHeaderValue(name);
      if (this.#plainHeaders.size >= 1000) this.#plainHeaders.clear();
      this.#plainHeaders.set(name, plain);
    }
    return plain;
  }

  /**
   * Bodies are parsed only when a secret name may be in them, by the redactor's own test (escaped and
   * non-ASCII spellings included); learned secrets go by the line's text.
   */
  #body(record: BodyRecord, type: string): BodyRecord {
    if (record === null || !('text' in record) || !this.#redactor.mayNameSecret(record.text)) return record;
    return { text: this.#redactor.body(record.text, type) };
  }

  #value(value: Encoded | undefined): Encoded | undefined {
    if (value === undefined) return undefined;
    // A row set's column names are its keys: redacted as objects, and written so.
    if (isRowSet(value)) return this.#value(rowSetObjects(value));
    const out = this.#redactor.json(value) as Encoded;
    if (out !== null && typeof out === 'object' && !Array.isArray(out) && typeof out.url === 'string') {
      return { ...out, url: this.#redactor.url(out.url) };
    }
    return out;
  }

  #call(line: CallLine): CallLine {
    const out: CallLine = { ...line, a: this.#value(line.a) as Encoded };
    if (line.r !== undefined) out.r = this.#value(line.r);
    return out;
  }

  #saveLearned(): void {
    if (this.#redactor.learned().size === this.#written) return;
    const lines = this.#redactor
      .learnedSince(this.#written)
      .map(([value, mark]) => JSON.stringify({ placeholder: mark, value }));
    this.#written += lines.length;
    appendFileSync(this.#secretsFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
}
