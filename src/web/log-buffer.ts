import type { LogLevel } from '../log.ts';

export interface LogLine {
  /** Epoch milliseconds. */
  time: number;
  level: LogLevel;
  message: string;
}

/** The last `capacity` log lines of the runs, for the Logs tab: memory stays bounded however long it runs. */
export class LogBuffer {
  readonly #capacity: number;
  readonly #lines: LogLine[] = [];
  #start = 0;

  constructor(capacity = 500) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('log buffer: capacity must be ≥ 1');
    this.#capacity = capacity;
  }

  add(line: LogLine): void {
    if (this.#lines.length < this.#capacity) this.#lines.push(line);
    else {
      this.#lines[this.#start] = line;
      this.#start = (this.#start + 1) % this.#capacity;
    }
  }

  /** Oldest first. */
  lines(): LogLine[] {
    return [...this.#lines.slice(this.#start), ...this.#lines.slice(0, this.#start)];
  }
}
