import { appendFileSync } from 'node:fs';

/** One event: its type `t` and what it says. */
export interface TraceEvent {
  t: string;
  [field: string]: unknown;
}

/**
 * Events a traced process tells `volley trace` (the port it listens on, divergences): JSON lines appended
 * to a file the driver names. Appended synchronously, so nothing is lost when the process exits abruptly.
 */
export interface TraceEventSink {
  emit(event: TraceEvent): void;
}

export class FileEventSink implements TraceEventSink {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  emit(event: TraceEvent): void {
    appendFileSync(this.#path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
  }
}

export const NO_EVENTS: TraceEventSink = { emit() {} };
