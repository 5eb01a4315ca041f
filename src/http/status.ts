import { createRequire } from 'node:module';
import type { RequestOptions } from './types.ts';

/**
 * node:http's reason phrases, looked up on the first failure. Why not `import … from 'node:http'`: an
 * ES import of node:http evaluates all its exports, WebSocket included, which loads Node's internal
 * undici and costs every start-up ~50 ms.
 */
let statusCodes: Record<number, string | undefined> | null = null;

/** `HTTP 404 Not Found`: the standard reason phrase, so failures group the same for every server. */
export function statusLine(status: number): string {
  statusCodes ??= (createRequire(import.meta.url)('node:http') as typeof import('node:http')).STATUS_CODES;
  const reason = statusCodes[status];
  return reason === undefined ? `HTTP ${status}` : `HTTP ${status} ${reason}`;
}

/**
 * Null when the status counts as success, else the failure message. Without `expect`, anything
 * below 400 passes; with it, only the statuses it allows.
 */
export function statusFailure(status: number, expect: RequestOptions['expect']): string | null {
  if (expect === undefined) return status < 400 ? null : statusLine(status);
  if (typeof expect === 'number')
    return status === expect ? null : `${statusLine(status)} (expected ${expect})`;
  if (typeof expect === 'function') return expect(status) ? null : `${statusLine(status)} (not expected)`;
  return expect.includes(status) ? null : `${statusLine(status)} (expected ${expect.join(', ')})`;
}
