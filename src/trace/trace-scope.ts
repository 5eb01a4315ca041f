import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which inbound request the running code serves. Async context follows awaits, timers and callbacks, so a
 * query deep in a handler is attributed to its request even with many requests interleaving; callbacks
 * that a library calls from another request's context (a pool handing a freed connection to a waiter) are
 * bound to their caller by the interceptors.
 */
export interface TraceScope {
  readonly stream: string;
  /** Inside an intercepted call: what the library does underneath is not traced again. */
  readonly inside: boolean;
}

export const traceScope = new AsyncLocalStorage<TraceScope>();

let listening = false;

/** After the process first listens, calls outside any request belong to `background`, before to `startup`. */
export function markListening(): void {
  listening = true;
}

export function currentStream(): string {
  return traceScope.getStore()?.stream ?? (listening ? 'background' : 'startup');
}

export function insideInterceptedCall(): boolean {
  return traceScope.getStore()?.inside === true;
}

/** Runs `fn` as the inside of an intercepted call of the current stream. */
export function runInside<T>(fn: () => T): T {
  return traceScope.run({ stream: currentStream(), inside: true }, fn);
}

export function runInStream<T>(stream: string, fn: () => T): T {
  return traceScope.run({ stream, inside: false }, fn);
}
