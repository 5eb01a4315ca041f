import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../engine/duration.ts';
import { parseHost } from '../engine/resolve-plan.ts';
import { VolleyError } from '../errors.ts';
import { describeNetworkError } from '../http/errors.ts';
import type { VolleyOptions } from '../script/options.ts';
import { UsageError } from './usage-error.ts';

/** The target never answered within --wait-timeout. Exit 2: nothing was run. */
export class WaitTimeoutError extends VolleyError {
  override name = 'WaitTimeoutError';
  override readonly code: string = 'VOLLEY_WAIT_TIMEOUT';
}

/** --wait-timeout's default. */
export const DEFAULT_WAIT_TIMEOUT_SEC = 60;

/** `--wait-for` takes an optional URL: bare (last, or before another option), it means the host. */
export function expandBareWaitFor(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (arg !== '--wait-for') return arg;
    const next = args[i + 1];
    return next === undefined || !/^(https?:\/\/|\/)/i.test(next) ? '--wait-for=' : arg;
  });
}

export interface WaitTarget {
  url: string;
  /** A health URL must answer below 400; the bare host, with any HTTP response. */
  anyStatus: boolean;
  timeoutSec: number;
}

/** What --wait-for and --wait-timeout ask for; null without --wait-for. */
export function waitTarget(options: VolleyOptions): WaitTarget | null {
  if (options.waitFor === undefined) {
    if (options.waitTimeout !== undefined) throw new UsageError('--wait-timeout: only with --wait-for [URL]');
    return null;
  }
  const timeoutSec =
    options.waitTimeout !== undefined
      ? parseDuration(options.waitTimeout, '--wait-timeout')
      : DEFAULT_WAIT_TIMEOUT_SEC;
  if (timeoutSec <= 0) throw new UsageError('--wait-timeout: must be longer than 0s');
  const given = options.waitFor.trim();
  if (/^https?:\/\//i.test(given)) return { url: parseHost(given), anyStatus: false, timeoutSec };
  if (!options.host)
    throw new UsageError('--wait-for: no host to wait for; pass -H/--host or --wait-for URL');
  const host = parseHost(options.host);
  if (given === '') return { url: host, anyStatus: true, timeoutSec };
  if (!given.startsWith('/'))
    throw new UsageError(`--wait-for: expected a URL or a path like /health, got "${given}"`);
  return { url: `${host}${given}`, anyStatus: false, timeoutSec };
}

/** One GET: the status, or why there was none. */
function probe(
  url: string,
  insecure: boolean,
  timeoutMs: number,
): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'GET',
      timeout: timeoutMs,
      rejectUnauthorized: !insecure,
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => resolve({ error: describeNetworkError(error) }));
    req.end();
  });
}

/**
 * Polls the target until it answers, printing progress, before the run's clock starts (as a test suite
 * waits for its server to be healthy). Throws WaitTimeoutError when it never does in time.
 */
export async function waitUntilUp(
  target: WaitTarget,
  insecure: boolean,
  say: (line: string) => void,
): Promise<void> {
  const start = performance.now();
  const deadline = start + target.timeoutSec * 1000;
  let nextNote = start + 5000;
  let last = '';
  say(`volley: waiting for ${target.url} to answer (up to ${target.timeoutSec}s)…`);
  for (let delayMs = 100; ; delayMs = Math.min(1000, delayMs * 2)) {
    const result = await probe(
      target.url,
      insecure,
      Math.max(100, Math.min(5000, deadline - performance.now())),
    );
    const elapsed = ((performance.now() - start) / 1000).toFixed(1);
    if ('status' in result && (target.anyStatus || result.status < 400)) {
      say(`volley: ${target.url} answered ${result.status} after ${elapsed}s; starting`);
      return;
    }
    last = 'status' in result ? `HTTP ${result.status}` : result.error;
    if (performance.now() + delayMs >= deadline) {
      throw new WaitTimeoutError(
        `--wait-for: ${target.url} did not answer within ${target.timeoutSec}s (last: ${last}); is the server up? (--wait-timeout sets the limit)`,
      );
    }
    if (performance.now() >= nextNote) {
      say(`volley: still waiting for ${target.url} (${elapsed}s: ${last})`);
      nextNote += 5000;
    }
    await sleep(delayMs);
  }
}
