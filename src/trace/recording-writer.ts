import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceLine } from './trace-format.ts';
import type { LineWriter } from './tracer.ts';

/**
 * Appends a traced process's lines to the recording: gathered during one event-loop turn and written with
 * one system call after it, and synchronously when the process exits. Several processes append to the
 * same file safely: every write is whole lines on a file opened for appending.
 */
export class RecordingWriter implements LineWriter {
  readonly #fd: number;
  #pending: string[] = [];
  #scheduled = false;

  constructor(path: string) {
    this.#fd = openSync(path, 'a', 0o600);
  }

  write(line: TraceLine): void {
    this.#pending.push(JSON.stringify(line));
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush()).unref();
    }
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const text = `${this.#pending.join('\n')}\n`;
    this.#pending = [];
    writeSync(this.#fd, text);
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}
