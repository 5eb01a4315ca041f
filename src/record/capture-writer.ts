/**
 * Where `volley capture` puts its entries: a HAR file rewritten atomically (a reader, or a crash, sees the
 * previous complete file or the new one) at most once per `flushMs` while entries arrive, so it grows as
 * traffic does. A rewrite costs the whole file: a large one is rewritten less often, so that rewriting
 * takes at most a twentieth of the time (an 8 MB file that takes 50 ms, once a second). A rotation starts a new file (`NAME-2.har`, `NAME-3.har`, …) when the current one would
 * pass `rotateBytes` or is `rotateMs` old, which also bounds what a rewrite costs.
 *
 * Entries are redacted and serialised in batches after the exchanges that made them were answered
 * (`setImmediate`), so the forwarding path only hands them over. Unredacted entries live in memory only.
 * A secret first seen in a later exchange is scrubbed from earlier entries as in a recording
 * (`redactEntries`): from the current file at its next write, from files already rotated out one per
 * write (the one scrubbed longest ago first, so a rewrite reads at most one more file), and from all of
 * them when the capture ends, each rewritten atomically.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { VOLLEY_VERSION } from '../version.ts';
import type { HarEntry } from './har.ts';
import { findValue } from './headers.ts';
import { redactInPlace, scrubLearned } from './redact-entries.ts';
import type { Redactor } from './redaction.ts';

export interface CaptureWriterOptions {
  /** The first file; later ones are named after it. */
  file: string;
  /** The recording rules; without it entries are written as given. */
  redactor?: Redactor;
  /** Entries recorded in all, then recording stops (the proxy goes on forwarding). */
  maxEntries?: number;
  /** A new file once the current one would be larger (bytes). */
  rotateBytes?: number;
  /** A new file once the current one is this old (ms). */
  rotateMs?: number;
  /** Longest an entry waits to be written while rewrites are quick. Default 1000 ms. */
  flushMs?: number;
  /** Said once, e.g. that --max-entries was reached. */
  log?: (message: string) => void;
  now?: () => number;
}

/** Rewrites wait this many times as long as the last one took: they take at most 1/20 of the time. */
const REWRITE_SHARE = 20;

/** Where the entries of the current file start, before the first is written. */
const FIRST_CAPACITY = 64 * 1024;
const SEPARATOR = ',\n';

/** A file already rotated out, and how many secrets were known when it was last scrubbed. */
interface ClosedFile {
  file: string;
  scrubbedTo: number;
  compressed: boolean;
}

export class CaptureWriter {
  readonly #options: CaptureWriterOptions;
  readonly #redactor: Redactor | null;
  readonly #files: string[] = [];
  readonly #closed: ClosedFile[] = [];
  /** Added, not yet redacted, with when (for --rotate-time). */
  #pending: { entry: HarEntry; at: number }[] = [];
  #batch: NodeJS.Immediate | null = null;
  /**
   * The current file's entries as UTF-8, one a line, joined by commas: encoded once, when serialised,
   * and written as they are at every rewrite. Bytes already in it are never changed in place (a rewrite
   * may still be writing them): a scrub or a larger buffer makes a new one.
   */
  #entries = Buffer.allocUnsafeSlow(FIRST_CAPACITY);
  #used = 0;
  /** Where each entry starts in `#entries`. */
  #starts: number[] = [];
  /** The entries whose response bodies are compressed: a search of the text cannot see a secret in them. */
  #compressed = new Set<number>();
  /** Secrets known when the current file's lines were last scrubbed. */
  #scrubbedTo = 0;
  #openedAt = 0;
  #total = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;
  /** How long the last rewrite took, start to rename (ms). */
  #lastWriteMs = 0;
  /** Writes in order, one at a time. */
  #writing: Promise<void> = Promise.resolve();
  #failed: unknown = null;

  constructor(options: CaptureWriterOptions) {
    this.#options = options;
    this.#redactor = options.redactor ?? null;
  }

  /** Entries recorded so far, over every file. */
  get total(): number {
    return this.#total;
  }

  /** Every file written so far, in order. */
  get files(): readonly string[] {
    return this.#files;
  }

  /** False once --max-entries is reached: the caller may skip building entries. */
  get accepting(): boolean {
    return this.#options.maxEntries === undefined || this.#total < this.#options.maxEntries;
  }

  /** Takes the entry over (it is redacted in place, later). */
  add(entry: HarEntry): void {
    if (!this.accepting) return;
    this.#pending.push({ entry, at: this.#now() });
    this.#total += 1;
    if (!this.accepting) {
      this.#options.log?.(`--max-entries ${this.#options.maxEntries} reached: no more entries are recorded`);
      this.#flushNow();
    } else this.#batch ??= setImmediate(() => this.#drain());
  }

  /** Writes what is pending, scrubs earlier files of secrets learned since, and waits for every write. */
  async close(): Promise<void> {
    this.#drain();
    if (this.#files.length === 0) this.#rotate(this.#now());
    this.#dirty = true;
    this.#flushNow();
    for (const closed of this.#closed) this.#scrubClosed(closed);
    await this.#writing;
    if (this.#failed !== null) throw this.#failed;
  }

  /** Redacts and serialises the entries added since the last batch, rotating files as they fill. */
  #drain(): void {
    if (this.#batch !== null) clearImmediate(this.#batch);
    this.#batch = null;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    if (this.#redactor !== null) {
      const redactor = this.#redactor;
      withBinaryBodiesAside(
        batch.map((added) => added.entry),
        (entries) => redactInPlace(entries, redactor),
      );
    }
    for (const { entry, at: now } of batch) {
      // One line per entry: serialised once, and the file still diffs by entry.
      const text = JSON.stringify(entry);
      if (this.#files.length === 0) this.#rotate(now);
      else if (this.#starts.length > 0 && this.#full(text, now)) {
        this.#write();
        this.#rotate(now);
      }
      if (compressedBody(entry)) this.#compressed.add(this.#starts.length);
      this.#append(text);
    }
    this.#dirty = true;
    const wait = Math.max(this.#options.flushMs ?? 1000, REWRITE_SHARE * this.#lastWriteMs);
    this.#timer ??= setTimeout(() => this.#flushNow(), wait);
  }

  /** Adds an entry's text to the current file's bytes. */
  #append(text: string): void {
    const room = (this.#starts.length > 0 ? SEPARATOR.length : 0) + text.length * 3;
    if (this.#used + room > this.#entries.length) {
      const larger = Buffer.allocUnsafeSlow(Math.max(this.#entries.length * 2, this.#used + room));
      this.#entries.copy(larger, 0, 0, this.#used);
      this.#entries = larger;
    }
    if (this.#starts.length > 0) this.#used += this.#entries.write(SEPARATOR, this.#used, 'latin1');
    this.#starts.push(this.#used);
    this.#used += this.#entries.write(text, this.#used);
  }

  /** The text of entry `i` of the current file. */
  #text(i: number): string {
    const end = i + 1 < this.#starts.length ? (this.#starts[i + 1] as number) - SEPARATOR.length : this.#used;
    return this.#entries.toString('utf8', this.#starts[i], end);
  }

  #full(text: string, now: number): boolean {
    const { rotateBytes, rotateMs } = this.#options;
    // The entries' own bytes: the document around them adds a hundred or so.
    const bytes = this.#used + SEPARATOR.length + Buffer.byteLength(text);
    if (rotateBytes !== undefined && bytes > rotateBytes) return true;
    return rotateMs !== undefined && now - this.#openedAt >= rotateMs;
  }

  #rotate(now: number): void {
    const previous = this.#files.at(-1);
    if (previous !== undefined) {
      this.#closed.push({
        file: previous,
        scrubbedTo: this.#scrubbedTo,
        compressed: this.#compressed.size > 0,
      });
    }
    const first = this.#options.file;
    const n = this.#files.length + 1;
    const ext = extname(first);
    this.#files.push(n === 1 ? first : join(dirname(first), `${basename(first, ext)}-${n}${ext || '.har'}`));
    this.#entries = Buffer.allocUnsafeSlow(FIRST_CAPACITY);
    this.#used = 0;
    this.#starts = [];
    this.#compressed = new Set();
    this.#openedAt = now;
  }

  #flushNow(): void {
    this.#drain();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#dirty) this.#write();
  }

  /** The current file as it stands, scrubbed of secrets learned since its lines were written. */
  #write(): void {
    const started = performance.now();
    this.#dirty = false;
    this.#scrubLines();
    const file = this.#files.at(-1) as string;
    const document = harDocument(this.#entries.subarray(0, this.#used), this.#starts.length);
    this.#writing = this.#writing.then(async () => {
      try {
        await writeFileAtomic(file, document, { mode: 0o600 });
      } catch (error) {
        this.#failed ??= error;
      }
    });
    const stale = this.#staleClosed();
    if (stale !== undefined) this.#scrubClosed(stale);
    // Counted in the time a write takes: rewrites still take at most a twentieth of the time.
    this.#writing = this.#writing.then(() => {
      this.#lastWriteMs = performance.now() - started;
    });
  }

  /** The rotated-out file scrubbed longest ago, when a secret was learned since. */
  #staleClosed(): ClosedFile | undefined {
    const learned = this.#redactor?.learnedCount ?? 0;
    let stalest: ClosedFile | undefined;
    for (const closed of this.#closed) {
      if (closed.scrubbedTo < learned && (stalest === undefined || closed.scrubbedTo < stalest.scrubbedTo))
        stalest = closed;
    }
    return stalest;
  }

  /**
   * Re-scrubs the lines that hold a secret learned since the last scrub (found by searching their
   * text, cheap), and those whose compressed bodies a search cannot see into.
   */
  #scrubLines(): void {
    const redactor = this.#redactor;
    if (redactor === null || redactor.learnedCount === this.#scrubbedTo) return;
    const finder = redactor.finderSince(this.#scrubbedTo);
    this.#scrubbedTo = redactor.learnedCount;
    if (finder === null) return;
    const count = this.#starts.length;
    const texts: string[] = [];
    let changed = false;
    for (let i = 0; i < count; i++) {
      const text = this.#text(i);
      if (this.#compressed.has(i) || finder.foundIn(text)) {
        const clean = JSON.stringify(scrubbed(JSON.parse(text) as HarEntry, redactor));
        changed ||= clean !== text;
        texts.push(clean);
      } else texts.push(text);
    }
    if (!changed) return;
    // Written afresh into a new buffer: a rewrite in flight may still be reading the old one.
    this.#entries = Buffer.allocUnsafeSlow(this.#entries.length);
    this.#used = 0;
    this.#starts = [];
    for (const text of texts) this.#append(text);
  }

  /**
   * Queues an earlier file to be read back and rewritten if a secret learned since it was last scrubbed
   * is in it. The secrets are taken now: those learned later are the next scrub's.
   */
  #scrubClosed(closed: ClosedFile): void {
    const redactor = this.#redactor;
    if (redactor === null || redactor.learnedCount === closed.scrubbedTo) return;
    const finder = redactor.finderSince(closed.scrubbedTo);
    closed.scrubbedTo = redactor.learnedCount;
    if (finder === null) return;
    this.#writing = this.#writing.then(async () => {
      try {
        const text = await readFile(closed.file, 'utf8');
        if (!(closed.compressed || finder.foundIn(text))) return;
        const entries = (JSON.parse(text) as { log: { entries: HarEntry[] } }).log.entries;
        const lines = entries.map((entry) => JSON.stringify(scrubbed(entry, redactor)));
        await writeFileAtomic(closed.file, harDocument(Buffer.from(lines.join(SEPARATOR)), lines.length), {
          mode: 0o600,
        });
      } catch (error) {
        this.#failed ??= error;
      }
    });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

function scrubbed(entry: HarEntry, redactor: Redactor): HarEntry {
  withBinaryBodiesAside([entry], ([one]) => scrubLearned(one as HarEntry, redactor));
  return entry;
}

/**
 * Runs `redact` with binary request bodies ("base64:…") set aside: they have no names to redact by, and
 * parsing a megabyte of one as a form would hold the proxy up.
 */
function withBinaryBodiesAside(entries: HarEntry[], redact: (entries: HarEntry[]) => void): void {
  const aside = new Map<HarEntry, NonNullable<HarEntry['request']['postData']>>();
  for (const entry of entries) {
    const post = entry.request.postData;
    if (post?.text?.startsWith('base64:') === true) {
      aside.set(entry, post);
      delete entry.request.postData;
    }
  }
  redact(entries);
  for (const [entry, post] of aside) entry.request.postData = post;
}

function compressedBody(entry: HarEntry): boolean {
  const { content, headers } = entry.response;
  return content.encoding !== undefined && findValue(headers, 'content-encoding') !== undefined;
}

/**
 * A HAR 1.2 document around entries already serialised (UTF-8, one a line, joined by commas), as the
 * parts to write one after the other: the entries are not copied.
 */
function harDocument(entries: Buffer, count: number): Buffer[] {
  const head = JSON.stringify(
    { version: '1.2', creator: { name: 'volley capture', version: VOLLEY_VERSION } },
    null,
    2,
  )
    .slice(0, -2)
    .replaceAll('\n', '\n  ');
  if (count === 0) return [Buffer.from(`{\n  "log": ${head},\n    "entries": []\n  }\n}\n`)];
  return [Buffer.from(`{\n  "log": ${head},\n    "entries": [\n`), entries, Buffer.from('\n    ]\n  }\n}\n')];
}
