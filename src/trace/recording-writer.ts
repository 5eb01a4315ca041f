import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceLine } from './trace-format.ts';
import type { LineWriter } from './tracer.ts';

const FLUSH_EVERY_MS = 20;

/**
 * Appends a traced process's lines to the recording: gathered for 20 ms and written in one synchronous
 * write (a few hundred KB into the page cache under load: well under a millisecond), and at once when the
 * process exits or is signalled. No write is ever in flight when the process ends, so an exit, a crash or
 * Ctrl-C keeps every line, and a kill loses at most the last 20 ms. Several processes append to
 * the same file safely: every write is whole lines on a file opened for appending.
 */
export class RecordingWriter implements LineWriter {
  readonly #fd: number;
  #pending: string[] = [];
  #scheduled = false;
  #closed = false;
  /** A request's calls wait for its exchange: secrets its response hands out are learned first. */
  readonly #held = new Map<string, TraceLine[]>();
  readonly #ended = new Set<string>();

  readonly #serialize: (line: TraceLine) => string;

  /** `serialize`: how a line becomes text (the redactor's; plain JSON without one). */
  constructor(path: string, serialize: (line: TraceLine) => string = (line) => JSON.stringify(line)) {
    this.#fd = openSync(path, 'a', 0o600);
    this.#serialize = serialize;
  }

  write(line: TraceLine): void {
    if (this.#closed) return;
    if (line.t === 'call' && line.s.startsWith('r') && !this.#ended.has(line.s)) {
      const held = this.#held.get(line.s);
      if (held) held.push(line);
      else this.#held.set(line.s, [line]);
      return;
    }
    this.#pending.push(this.#serialize(line));
    if (line.t === 'in') this.endStream(line.s);
    this.#schedule();
  }

  /** A request ended (answered, or its connection closed first): its calls are written now. */
  endStream(stream: string): void {
    this.#ended.add(stream);
    const held = this.#held.get(stream);
    if (held === undefined) return;
    this.#held.delete(stream);
    for (const line of held) this.#pending.push(this.#serialize(line));
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#scheduled) return;
    this.#scheduled = true;
    // Gathered for a few milliseconds: one write per batch, not per event-loop turn, costs the traced
    // program far less under load. Signals and exit still write everything at once.
    setTimeout(() => this.#flush(), FLUSH_EVERY_MS).unref();
  }

  #take(): Buffer | null {
    if (this.#pending.length === 0) return null;
    const text = `${this.#pending.join('\n')}\n`;
    this.#pending = [];
    return Buffer.from(text, 'utf8');
  }

  #flush(): void {
    this.#scheduled = false;
    this.flushSync();
  }

  /** Writes every finished line now: a signal may end the process before the next batch. */
  flushSync(): void {
    if (this.#closed) return;
    const bytes = this.#take();
    if (bytes !== null) writeSync(this.#fd, bytes);
  }

  /** Writes what is left synchronously: for the process's exit. */
  close(): void {
    if (this.#closed) return;
    for (const stream of [...this.#held.keys()]) this.endStream(stream);
    this.#closed = true;
    const bytes = this.#take();
    if (bytes !== null) writeSync(this.#fd, bytes);
    closeSync(this.#fd);
  }
}
