/**
 * What the coordinator accepts from a worker: every field of every message checked for type and bounds,
 * and a statistics delta checked for consistency (its endpoints add up to its totals, each histogram's
 * counts to its requests, each second's requests to no more than its endpoint's), so a broken or hostile
 * worker is dropped with a reason instead of its numbers landing in the report. Checking costs what the
 * merge costs: both read the sparse histograms once (a few characters per value recorded).
 */
import { LATENCY_DIGITS, WINDOW_DIGITS } from '../metrics/histogram.ts';
import { SERIALIZED_STATS_FORMAT } from '../metrics/serialized-stats.ts';
import { WINDOW_SECONDS } from '../metrics/sliding-window.ts';
import { type SignificantDigits, SparseHistogramError, sparseTotal } from '../metrics/sparse-histogram.ts';
import type { WorkerMessage } from './protocol.ts';

/** More than this many requests in one report (about a second) is not a real worker's. */
const MAX_REQUESTS_PER_REPORT = 10_000_000;
const MAX_STRING = 64 * 1024;
const MAX_ROWS = 100_000;
const LOG_LEVELS = new Set(['info', 'warn', 'error']);

type Fields = Record<string, unknown>;

class Invalid extends Error {}

function fail(what: string): never {
  throw new Invalid(what);
}

function object(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} is not an object`);
  return value as Fields;
}

function count(value: unknown, what: string, max = MAX_REQUESTS_PER_REPORT): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
    fail(`${what} is not a count from 0 to ${max}: ${JSON.stringify(value)}`);
  }
  return value as number;
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${what} is not a number ≥ 0`);
  return value;
}

function text(value: unknown, what: string, max = MAX_STRING): string {
  if (typeof value !== 'string' || value.length > max)
    fail(`${what} is not a string of at most ${max} characters`);
  return value;
}

function rows(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value) || value.length > MAX_ROWS) fail(`${what} is not a list`);
  return value;
}

function endpoint(value: unknown, what: string): { requests: number; failures: number } {
  const e = object(value, what);
  text(e.method, `${what}.method`, 64);
  text(e.name, `${what}.name`, 4096);
  const requests = count(e.requests, `${what}.requests`);
  const failures = count(e.failures, `${what}.failures`);
  if (failures > requests) fail(`${what} has more failures (${failures}) than requests (${requests})`);
  const min = finite(e.minMs, `${what}.minMs`);
  const max = finite(e.maxMs, `${what}.maxMs`);
  if (requests > 0 && min > max) fail(`${what}.minMs is above its maxMs`);
  finite(e.sumMicros, `${what}.sumMicros`);
  finite(e.contentBytes, `${what}.contentBytes`);
  histogram(e.histogram, LATENCY_DIGITS, requests, `${what}.histogram`);
  // A delta spans about a second, so its window holds one or two: never more than the window's length.
  let inSeconds = 0;
  const seconds = rows(e.window, `${what}.window`);
  if (seconds.length > WINDOW_SECONDS) fail(`${what}.window holds more than ${WINDOW_SECONDS} seconds`);
  for (const [i, second] of seconds.entries()) {
    const at = `${what}.window[${i}]`;
    const s = object(second, at);
    count(s.second, `${at}.second`, 2 ** 40);
    const secondRequests = count(s.requests, `${at}.requests`);
    if (count(s.failures, `${at}.failures`) > secondRequests) fail(`${at} has more failures than requests`);
    const secondMin = finite(s.minMs, `${at}.minMs`);
    if (secondRequests > 0 && secondMin > finite(s.maxMs, `${at}.maxMs`))
      fail(`${at}.minMs is above its maxMs`);
    histogram(s.histogram, WINDOW_DIGITS, secondRequests, `${at}.histogram`);
    inSeconds += secondRequests;
  }
  // The window may have lost a second (a report more than 10 s late), never gained one.
  if (inSeconds > requests) fail(`${what}'s seconds hold ${inSeconds} requests, more than its ${requests}`);
  let errors = 0;
  for (const [i, error] of rows(e.errors, `${what}.errors`).entries()) {
    const f = object(error, `${what}.errors[${i}]`);
    text(f.error, `${what}.errors[${i}].error`);
    errors += count(f.occurrences, `${what}.errors[${i}].occurrences`);
  }
  if (errors > failures) fail(`${what} lists ${errors} failure occurrences for ${failures} failures`);
  return { requests, failures };
}

/** A sparse histogram of `digits` whose counts add up to `requests`. */
function histogram(value: unknown, digits: SignificantDigits, requests: number, what: string): void {
  const encoded = text(value, what, 16 * 1024 * 1024);
  let total: number;
  try {
    total = sparseTotal(encoded, digits);
  } catch (error) {
    if (error instanceof SparseHistogramError) fail(`${what}: ${error.message}`);
    throw error;
  }
  if (total !== requests) fail(`${what} counts ${total} values for ${requests} requests`);
}

/** Checks a serialized RunStats delta; throws Invalid with what is wrong. */
function stats(value: unknown, what: string): void {
  const s = object(value, what);
  if (s.format !== SERIALIZED_STATS_FORMAT) {
    fail(`${what} is in format ${JSON.stringify(s.format)}, not ${SERIALIZED_STATS_FORMAT}`);
  }
  let requests = 0;
  let failures = 0;
  for (const [i, e] of rows(s.endpoints, `${what}.endpoints`).entries()) {
    const sums = endpoint(e, `${what}.endpoints[${i}]`);
    requests += sums.requests;
    failures += sums.failures;
  }
  const totals = object(s.aggregated, `${what}.aggregated`);
  const total = {
    requests: count(totals.requests, `${what}.aggregated.requests`, Number.MAX_SAFE_INTEGER),
    failures: count(totals.failures, `${what}.aggregated.failures`, Number.MAX_SAFE_INTEGER),
  };
  if (total.requests !== requests || total.failures !== failures) {
    fail(
      `${what}: its endpoints add up to ${requests} requests and ${failures} failures, its total says ${total.requests} and ${total.failures}`,
    );
  }
  for (const [i, x] of rows(s.exceptions, `${what}.exceptions`).entries()) {
    const ex = object(x, `${what}.exceptions[${i}]`);
    text(ex.message, `${what}.exceptions[${i}].message`);
    count(ex.count, `${what}.exceptions[${i}].count`);
    text(ex.stack, `${what}.exceptions[${i}].stack`);
  }
  for (const [i, x] of rows(s.checks, `${what}.checks`).entries()) {
    const c = object(x, `${what}.checks[${i}]`);
    text(c.name, `${what}.checks[${i}].name`, 4096);
    text(c.method, `${what}.checks[${i}].method`, 64);
    text(c.endpoint, `${what}.checks[${i}].endpoint`, 4096);
    count(c.passes, `${what}.checks[${i}].passes`);
    count(c.fails, `${what}.checks[${i}].fails`);
  }
}

function arrivals(value: unknown, what: string): void {
  const a = object(value, what);
  finite(a.rate, `${what}.rate`);
  count(a.scheduled, `${what}.scheduled`, Number.MAX_SAFE_INTEGER);
  count(a.launched, `${what}.launched`, Number.MAX_SAFE_INTEGER);
  count(a.dropped, `${what}.dropped`, Number.MAX_SAFE_INTEGER);
}

/**
 * null when `message` is a well-formed worker message whose user counts stay within `maxUsers`;
 * otherwise one line saying what is wrong with it.
 */
export function checkWorkerMessage(message: WorkerMessage, maxUsers: number): string | null {
  try {
    const m = message as unknown as Fields;
    switch (message.type) {
      case 'hello':
        count(m.protocol, 'hello.protocol', 1_000_000);
        text(m.volleyVersion, 'hello.volleyVersion', 100);
        text(m.worker, 'hello.worker', 300);
        break;
      case 'auth':
        text(m.proof, 'auth.proof', 200);
        break;
      case 'ready':
        count(m.users, 'ready.users', maxUsers);
        break;
      case 'stats':
        stats(m.stats, 'stats');
        count(m.users, 'stats.users', maxUsers);
        if (m.arrivals !== undefined) arrivals(m.arrivals, 'stats.arrivals');
        if (m.cpuPercent !== undefined) finite(m.cpuPercent, 'stats.cpuPercent');
        break;
      case 'done':
        stats(m.stats, 'done.stats');
        count(m.peakUsers, 'done.peakUsers', maxUsers);
        text(m.stopReason, 'done.stopReason', 100);
        if (m.interrupted !== undefined) text(m.interrupted, 'done.interrupted', 100);
        if (m.open !== undefined) {
          const open = object(m.open, 'done.open');
          finite(open.targetRate, 'done.open.targetRate');
          finite(open.achievedRate, 'done.open.achievedRate');
          finite(open.durationSec, 'done.open.durationSec');
          count(open.maxUsers, 'done.open.maxUsers', Number.MAX_SAFE_INTEGER);
          arrivals({ rate: 0, ...open }, 'done.open');
          stats(open.uncorrected, 'done.open.uncorrected');
          stats(open.iterations, 'done.open.iterations');
        }
        if (m.generator !== undefined) {
          const g = object(m.generator, 'done.generator');
          finite(g.cpuPercentAvg, 'done.generator.cpuPercentAvg');
          finite(g.cpuPercentPeak, 'done.generator.cpuPercentPeak');
          if (typeof g.overloaded !== 'boolean') fail('done.generator.overloaded is not a boolean');
        }
        break;
      case 'log':
        if (!LOG_LEVELS.has(m.level as string))
          fail(`log.level ${JSON.stringify(m.level)} is not a log level`);
        text(m.message, 'log.message');
        break;
      case 'error':
        text(m.message, 'error.message');
        break;
    }
    return null;
  } catch (error) {
    if (error instanceof Invalid) return error.message;
    throw error;
  }
}
