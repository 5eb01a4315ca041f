import { closeSync, openSync, write, writeSync } from 'node:fs';
import type { TraceLine } from './trace-format.ts';
import type { LineWriter } from './tracer.ts';

/**
 * Appends a traced process's lines to the recording: gathered during an event-loop turn and written after
 * it off the main thread (one write in flight at a time), and synchronously when the process exits, so an
 * exit or a crash keeps every line and a kill loses at most the last turn's. Several processes append to
 * the same file safely: every write is whole lines on a file opened for appending.
 */
export class RecordingWriter implements LineWriter {
  readonly #fd: number;
  #pending: string[] = [];
  #scheduled = false;
  #writing = false;
  #closed = false;

  constructor(path: string) {
    this.#fd = openSync(path, 'a', 0o600);
  }

  write(line: TraceLine): void {
    if (this.#closed) return;
    this.#pending.push(JSON.stringify(line));
    if (!this.#scheduled && !this.#writing) {
      this.#scheduled = true;
      setImmediate(() => this.#flush()).unref();
    }
  }

  #take(): Buffer | null {
    if (this.#pending.length === 0) return null;
    const text = `${this.#pending.join('\n')}\n`;
    this.#pending = [];
    return Buffer.from(text, 'utf8');
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#writing || this.#closed) return;
    const bytes = this.#take();
    if (bytes === null) return;
    this.#writing = true;
    write(this.#fd, bytes, 0, bytes.length, null, (error, written) => {
      this.#writing = false;
      if (this.#closed) return;
      if (error === null && written < bytes.length) writeSync(this.#fd, bytes, written);
      this.#flush();
    });
  }

  /** Writes what is left synchronously: for the process's exit. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const bytes = this.#take();
    if (bytes !== null) writeSync(this.#fd, bytes);
    if (!this.#writing) closeSync(this.#fd);
  }
}
