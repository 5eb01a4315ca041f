/**
 * What the coordinator accepts from a worker: every field of every message checked for type and bounds,
 * and a statistics delta checked for consistency (its endpoints add up to its totals, each histogram's
 * counts to its requests, each second's requests to no more than its endpoint's), so a broken or hostile
 * worker is dropped with a reason instead of its numbers landing in the report. Checking costs what the
 * merge costs: both read the sparse histograms once (a few characters per value recorded).
 */
import { LATENCY_DIGITS, WINDOW_DIGITS } from '../metrics/histogram.ts';
import { ENDPOINT, SECOND, SERIALIZED_STATS_FORMAT } from '../metrics/serialized-stats.ts';
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

/**
 * `what` and its `field`: a delta's fields are named only once one is wrong, as building a name for each of
 * the thousands a second a coordinator checks would cost more than checking them.
 */
function named(what: string, field: string): string {
  return field === '' ? what : `${what}.${field}`;
}

function object(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} is not an object`);
  return value as Fields;
}

function count(value: unknown, what: string, max = MAX_REQUESTS_PER_REPORT, field = ''): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
    fail(`${named(what, field)} is not a count from 0 to ${max}: ${JSON.stringify(value)}`);
  }
  return value as number;
}

function finite(value: unknown, what: string, field = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(`${named(what, field)} is not a number ≥ 0`);
  return value;
}

function text(value: unknown, what: string, max = MAX_STRING, field = ''): string {
  if (typeof value !== 'string' || value.length > max)
    fail(`${named(what, field)} is not a string of at most ${max} characters`);
  return value;
}

function rows(value: unknown, what: string, field = ''): unknown[] {
  if (!Array.isArray(value) || value.length > MAX_ROWS) fail(`${named(what, field)} is not a list`);
  return value;
}

function list(value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) fail(`${what} is not a list of ${length}`);
  return value;
}

/** A SerializedEndpoint (positional: see ENDPOINT); returns its requests and failures. */
function endpoint(value: unknown, what: string): { requests: number; failures: number } {
  const e = list(value, 11, what);
  text(e[ENDPOINT.method], what, 64, 'method');
  text(e[ENDPOINT.name], what, 4096, 'name');
  const requests = count(e[ENDPOINT.requests], what, MAX_REQUESTS_PER_REPORT, 'requests');
  const failures = count(e[ENDPOINT.failures], what, MAX_REQUESTS_PER_REPORT, 'failures');
  if (failures > requests) fail(`${what} has more failures (${failures}) than requests (${requests})`);
  const min = finite(e[ENDPOINT.minMs], what, 'minMs');
  const max = finite(e[ENDPOINT.maxMs], what, 'maxMs');
  if (requests > 0 && min > max) fail(`${what}.minMs is above its maxMs`);
  finite(e[ENDPOINT.sumMicros], what, 'sumMicros');
  finite(e[ENDPOINT.contentBytes], what, 'contentBytes');
  histogram(e[ENDPOINT.histogram], LATENCY_DIGITS, requests, what, 'histogram');
  // A delta spans about a second, so its window holds one or two: never more than the window's length.
  let inSeconds = 0;
  const seconds = rows(e[ENDPOINT.window], what, 'window');
  if (seconds.length > WINDOW_SECONDS) fail(`${what}.window holds more than ${WINDOW_SECONDS} seconds`);
  for (let i = 0; i < seconds.length; i++) {
    const at = `${what}.window[${i}]`;
    const s = list(seconds[i], 6, at);
    count(s[SECOND.second], at, 2 ** 40, 'second');
    const secondRequests = count(s[SECOND.requests], at, MAX_REQUESTS_PER_REPORT, 'requests');
    if (count(s[SECOND.failures], at, MAX_REQUESTS_PER_REPORT, 'failures') > secondRequests)
      fail(`${at} has more failures than requests`);
    const secondMin = finite(s[SECOND.minMs], at, 'minMs');
    if (secondRequests > 0 && secondMin > finite(s[SECOND.maxMs], at, 'maxMs'))
      fail(`${at}.minMs is above its maxMs`);
    histogram(s[SECOND.histogram], WINDOW_DIGITS, secondRequests, at, 'histogram');
    inSeconds += secondRequests;
  }
  // The window may have lost a second (a report more than 10 s late), never gained one.
  if (inSeconds > requests) fail(`${what}'s seconds hold ${inSeconds} requests, more than its ${requests}`);
  let errors = 0;
  const failed = rows(e[ENDPOINT.errors], what, 'errors');
  for (let i = 0; i < failed.length; i++) {
    const f = list(failed[i], 2, `${what}.errors[${i}]`);
    text(f[0], `${what}.errors[${i}] (its message)`);
    errors += count(f[1], `${what}.errors[${i}] (its occurrences)`);
  }
  if (errors > failures) fail(`${what} lists ${errors} failure occurrences for ${failures} failures`);
  return { requests, failures };
}

/** A sparse histogram of `digits` whose counts add up to `requests`. */
function histogram(
  value: unknown,
  digits: SignificantDigits,
  requests: number,
  what: string,
  field: string,
): void {
  const encoded = text(value, what, 16 * 1024 * 1024, field);
  let total: number;
  try {
    total = sparseTotal(encoded, digits);
  } catch (error) {
    if (error instanceof SparseHistogramError) fail(`${named(what, field)}: ${error.message}`);
    throw error;
  }
  if (total !== requests) fail(`${named(what, field)} counts ${total} values for ${requests} requests`);
}

/** Checks a serialized RunStats delta; throws Invalid with what is wrong. */
function stats(value: unknown, what: string): void {
  const s = object(value, what);
  if (s.format !== SERIALIZED_STATS_FORMAT) {
    fail(`${what} is in format ${JSON.stringify(s.format)}, not ${SERIALIZED_STATS_FORMAT}`);
  }
  let requests = 0;
  let failures = 0;
  const endpoints = rows(s.endpoints, `${what}.endpoints`);
  for (let i = 0; i < endpoints.length; i++) {
    const sums = endpoint(endpoints[i], `${what}.endpoints[${i}]`);
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
          if (open.droppedSaturated !== undefined)
            count(open.droppedSaturated, 'done.open.droppedSaturated', Number.MAX_SAFE_INTEGER);
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
