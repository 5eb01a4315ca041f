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
  /**
   * Calls recorded in this request's stream so far: kept on the scope, not in a map by stream name, so
   * it lives exactly as long as the request's async work and a long recording keeps nothing per request.
   */
  calls: number;
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

/** How many synchronous intercepted calls are running (nested): cheaper than a new async context each. */
let syncDepth = 0;

export function insideInterceptedCall(): boolean {
  return syncDepth > 0 || traceScope.getStore()?.inside === true;
}

/**
 * Runs a synchronous `fn` as the inside of an intercepted call. Nothing it starts can outlive it (a sync
 * database call), so a counter does what an async context would, at a fraction of the cost per call.
 */
export function runInsideSync<T>(fn: () => T): T {
  syncDepth++;
  try {
    return fn();
  } finally {
    syncDepth--;
  }
}

/** Runs `fn` as the inside of an intercepted call of the current stream. */
export function runInside<T>(fn: () => T): T {
  return traceScope.run({ stream: currentStream(), inside: true, calls: 0 }, fn);
}

export function runInStream<T>(stream: string, fn: () => T): T {
  return traceScope.run({ stream, inside: false, calls: 0 }, fn);
}
