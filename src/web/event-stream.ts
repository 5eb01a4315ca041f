import type { ServerResponse } from 'node:http';

/** Comment line sent now and then so proxies and browsers keep an idle stream open. */
const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Server-sent events to every open page. Events of one type are coalesced and sent at most once per
 * `minIntervalMs` (the latest value wins), so the load generator does a bounded amount of UI work however
 * often the numbers change.
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #minIntervalMs: number;
  readonly #lastSent = new Map<string, number>();
  readonly #pending = new Map<string, unknown>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(options: { minIntervalMs?: number } = {}) {
    this.#minIntervalMs = options.minIntervalMs ?? 500;
    this.#heartbeat = setInterval(() => this.#write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Turns `res` into an event stream; `initial` events are sent to this client at once. */
  attach(res: ServerResponse, initial: readonly [string, unknown][] = []): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    for (const [event, data] of initial) res.write(frame(event, data));
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  /**
   * Sends `data` as event `event` now, or with the next slot when one of that type was sent just before.
   * A function is called when the event is sent, so a producer can hand over what piled up meanwhile.
   */
  publish(event: string, data: unknown): void {
    const wait = (this.#lastSent.get(event) ?? 0) + this.#minIntervalMs - Date.now();
    if (wait <= 0 && !this.#timers.has(event)) {
      this.#send(event, data);
      return;
    }
    this.#pending.set(event, data);
    if (this.#timers.has(event)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(event);
        const value = this.#pending.get(event);
        this.#pending.delete(event);
        this.#send(event, value);
      },
      Math.max(0, wait),
    );
    this.#timers.set(event, timer);
  }

  /** Sends what is pending, then ends every stream. */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const [event, timer] of this.#timers) {
      clearTimeout(timer);
      this.#send(event, this.#pending.get(event));
    }
    this.#timers.clear();
    this.#pending.clear();
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #send(event: string, data: unknown): void {
    this.#lastSent.set(event, Date.now());
    this.#write(frame(event, typeof data === 'function' ? data() : data));
  }

  #write(text: string): void {
    for (const res of this.#clients) {
      // A page that stopped reading would make us buffer without end: drop it (it reconnects).
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      else res.write(text);
    }
  }
}

/** One SSE frame; JSON never contains a raw newline, so one data line suffices. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
