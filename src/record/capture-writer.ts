/**
 * Where `volley capture` puts its entries: a HAR file rewritten atomically (a reader, or a crash, sees the
 * previous complete file or the new one) at most once per `flushMs` while entries arrive, so it grows as
 * traffic does. Entries are serialised once; a rotation starts a new file (`NAME-2.har`, `NAME-3.har`, …)
 * when the current one would pass `rotateBytes` or is `rotateMs` old, which also bounds what a rewrite costs.
 */
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { VOLLEY_VERSION } from '../version.ts';
import type { HarEntry } from './har.ts';

export interface CaptureWriterOptions {
  /** The first file; later ones are named after it. */
  file: string;
  /** Entries recorded in all, then recording stops (the proxy goes on forwarding). */
  maxEntries?: number;
  /** A new file once the current one would be larger (bytes). */
  rotateBytes?: number;
  /** A new file once the current one is this old (ms). */
  rotateMs?: number;
  /** Longest an entry waits to be written. Default 1000 ms. */
  flushMs?: number;
  /** Said once, e.g. that --max-entries was reached. */
  log?: (message: string) => void;
  now?: () => number;
}

export class CaptureWriter {
  readonly #options: CaptureWriterOptions;
  readonly #files: string[] = [];
  #entries: string[] = [];
  #bytes = 0;
  #openedAt = 0;
  #total = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | null = null;
  /** Writes in order, one at a time. */
  #writing: Promise<void> = Promise.resolve();
  #failed: unknown = null;

  constructor(options: CaptureWriterOptions) {
    this.#options = options;
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

  add(entry: HarEntry): void {
    if (!this.accepting) return;
    const now = this.#now();
    // One line per entry: serialised once, cheap at proxy rates, and the file still diffs by entry.
    const text = JSON.stringify(entry);
    if (this.#files.length === 0) this.#rotate(now);
    else if (this.#entries.length > 0 && this.#full(text, now)) {
      this.#flushNow();
      this.#rotate(now);
    }
    this.#entries.push(text);
    this.#bytes += Buffer.byteLength(text) + 8;
    this.#total += 1;
    this.#dirty = true;
    if (!this.accepting) {
      this.#options.log?.(`--max-entries ${this.#options.maxEntries} reached: no more entries are recorded`);
      this.#flushNow();
    } else this.#timer ??= setTimeout(() => this.#flushNow(), this.#options.flushMs ?? 1000);
  }

  /** Writes what is pending and waits for every write; throws the first write error. */
  async close(): Promise<void> {
    if (this.#files.length === 0) this.#rotate(this.#now());
    this.#dirty = true;
    this.#flushNow();
    await this.#writing;
    if (this.#failed !== null) throw this.#failed;
  }

  #full(text: string, now: number): boolean {
    const { rotateBytes, rotateMs } = this.#options;
    if (rotateBytes !== undefined && this.#bytes + Buffer.byteLength(text) > rotateBytes) return true;
    return rotateMs !== undefined && now - this.#openedAt >= rotateMs;
  }

  #rotate(now: number): void {
    const first = this.#options.file;
    const n = this.#files.length + 1;
    const ext = extname(first);
    this.#files.push(n === 1 ? first : join(dirname(first), `${basename(first, ext)}-${n}${ext || '.har'}`));
    this.#entries = [];
    this.#bytes = 0;
    this.#openedAt = now;
  }

  #flushNow(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#dirty) return;
    this.#dirty = false;
    const file = this.#files.at(-1) as string;
    const document = harDocument(this.#entries);
    this.#writing = this.#writing.then(async () => {
      try {
        await writeFileAtomic(file, document, { mode: 0o600 });
      } catch (error) {
        this.#failed ??= error;
      }
    });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** A HAR 1.2 document around entries already serialised, one a line. */
function harDocument(entries: readonly string[]): string {
  const head = JSON.stringify(
    { version: '1.2', creator: { name: 'volley capture', version: VOLLEY_VERSION } },
    null,
    2,
  )
    .slice(0, -2)
    .replaceAll('\n', '\n  ');
  const list = entries.length === 0 ? '[]' : `[\n${entries.join(',\n')}\n    ]`;
  return `{\n  "log": ${head},\n    "entries": ${list}\n  }\n}\n`;
}
