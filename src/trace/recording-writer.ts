import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceLine } from './trace-format.ts';
import type { LineWriter } from './tracer.ts';

const FLUSH_EVERY_MS = 20;
/** The batch buffer: off the JavaScript heap, so a batch waiting for its write costs the collector nothing. */
const BATCH_BYTES = 1 << 20;

/** How a line becomes recorded text: in two steps, because secrets learned later must still be scrubbed. */
export interface LineSerializer {
  /** The line as JSON text, with secrets found by name replaced (and learned). */
  text(line: TraceLine): string;
  /** The text with every secret learned so far replaced: just before it is written. */
  scrub(text: string): string;
}

const PLAIN: LineSerializer = { text: (line) => JSON.stringify(line), scrub: (text) => text };

/**
 * Appends a traced process's lines to the recording: gathered for 20 ms and written in one synchronous
 * write (a few hundred KB into the page cache under load: well under a millisecond), and at once when the
 * process exits or is signalled. No write is ever in flight when the process ends, so an exit, a crash or
 * Ctrl-C keeps every line, and a kill loses at most the last 20 ms. Several processes append to
 * the same file safely: every write is whole lines on a file opened for appending.
 *
 * Each line becomes text when it happens, so the objects it was made of die young; the text waits in a
 * buffer outside the heap. Under load this matters more than the serialising itself: objects kept for
 * 20 ms outlive a young-generation collection or two and are copied and promoted each time.
 */
export class RecordingWriter implements LineWriter {
  readonly #fd: number;
  readonly #serializer: LineSerializer;
  readonly #batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  #used = 0;
  #scheduled = false;
  #closed = false;
  /**
   * The requests under way, each with its calls so far: a request's calls wait for its exchange, so the
   * secrets its response hands out are learned first. Only open requests are kept (a long recording
   * remembers nothing of the requests that ended); a call after its request ended is written at once.
   */
  readonly #held = new Map<string, string[]>();

  constructor(path: string, serializer: LineSerializer = PLAIN) {
    this.#fd = openSync(path, 'a', 0o600);
    this.#serializer = serializer;
  }

  write(line: TraceLine): void {
    if (this.#closed) return;
    const text = this.#serializer.text(line);
    if (line.t === 'call') {
      const held = this.#held.get(line.s);
      if (held !== undefined) {
        held.push(text);
        return;
      }
    }
    this.#append(text);
    if (line.t === 'in') this.endStream(line.s);
  }

  /** A request started: its calls are held until it ends. */
  beginStream(stream: string): void {
    if (!this.#closed) this.#held.set(stream, []);
  }

  /** A request ended (answered, or its connection closed first): its calls are written now. */
  endStream(stream: string): void {
    const held = this.#held.get(stream);
    if (held === undefined) return;
    this.#held.delete(stream);
    for (const text of held) this.#append(text);
  }

  #append(text: string): void {
    const line = this.#serializer.scrub(text);
    // A UTF-16 code unit is at most 3 bytes of UTF-8: room is checked without measuring the line.
    if (this.#used + line.length * 3 + 1 > BATCH_BYTES) {
      this.flushSync();
      if (line.length * 3 + 1 > BATCH_BYTES) {
        writeSync(this.#fd, `${line}\n`);
        return;
      }
    }
    this.#used += this.#batch.write(line, this.#used);
    this.#batch[this.#used++] = 0x0a;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#scheduled) return;
    this.#scheduled = true;
    // Gathered for a few milliseconds: one write per batch, not per event-loop turn, costs the traced
    // program far less under load. Signals and exit still write everything at once.
    setTimeout(() => this.#flush(), FLUSH_EVERY_MS).unref();
  }

  #flush(): void {
    this.#scheduled = false;
    this.flushSync();
  }

  /** Writes every finished line now: a signal may end the process before the next batch. */
  flushSync(): void {
    if (this.#closed || this.#used === 0) return;
    let written = 0;
    while (written < this.#used) written += writeSync(this.#fd, this.#batch, written, this.#used - written);
    this.#used = 0;
  }

  /** Writes what is left synchronously: for the process's exit. */
  close(): void {
    if (this.#closed) return;
    for (const stream of [...this.#held.keys()]) this.endStream(stream);
    this.flushSync();
    this.#closed = true;
    closeSync(this.#fd);
  }
}
