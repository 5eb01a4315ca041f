import type { Divergence, RecordedRequest } from '../metrics/recording-summary.ts';
import type { HarEntry } from './har.ts';
import { anonymisePlaceholders } from './placeholders.ts';
import type { Redactor } from './redaction.ts';

const MAX_DIFF_LINES = 6;
const MAX_BODY_CHARS = 200;

/** A body as compared: secrets wildcarded on both sides, so a redacted recording matches a live request. */
export function comparableBody(text: string, mimeType: string, wildcard: Redactor): string {
  return anonymisePlaceholders(wildcard.body(anonymisePlaceholders(text), mimeType));
}

function short(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

function jsonOf(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function show(value: unknown): string {
  return value === undefined ? '(missing)' : short(JSON.stringify(value));
}

/** Differences between two JSON values, as `$.path: expected → actual` lines. */
function jsonDiff(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_DIFF_LINES) return;
  const bothObjects =
    typeof expected === 'object' &&
    expected !== null &&
    typeof actual === 'object' &&
    actual !== null &&
    Array.isArray(expected) === Array.isArray(actual);
  if (!bothObjects) {
    if (JSON.stringify(expected) !== JSON.stringify(actual))
      out.push(`${path}: ${show(expected)} → ${show(actual)}`);
    return;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
  for (const key of keys) {
    const child = Array.isArray(expected) ? `${path}[${key}]` : `${path}.${key}`;
    jsonDiff(e[key], a[key], child, out);
  }
}

/** A compact description of how two bodies differ. */
export function bodyDiff(expected: string, actual: string): string[] {
  const e = jsonOf(expected);
  const a = jsonOf(actual);
  if (e.ok && a.ok) {
    const out: string[] = [];
    jsonDiff(e.value, a.value, '$', out);
    return out;
  }
  let at = 0;
  while (at < expected.length && at < actual.length && expected[at] === actual[at]) at++;
  const from = Math.max(0, at - 20);
  return [
    `body differs at character ${at}: "…${expected.slice(from, at + 30)}" → "…${actual.slice(from, at + 30)}"`,
  ];
}

/** A URL as compared: secrets wildcarded on both sides (in a path, a query string). */
export function comparableUrl(url: string, wildcard: Redactor): string {
  return anonymisePlaceholders(wildcard.url(anonymisePlaceholders(url)));
}

/** The request a recorded entry describes, as compared. */
export function recordedRequest(entry: HarEntry, wildcard: Redactor): RecordedRequest {
  const post = entry.request.postData;
  return {
    method: entry.request.method,
    url: comparableUrl(entry.request.url, wildcard),
    body: post?.text === undefined ? '' : comparableBody(post.text, post.mimeType, wildcard),
  };
}

function describe(request: RecordedRequest, origin: string): string {
  const url =
    origin !== '' && request.url.startsWith(origin) ? request.url.slice(origin.length) || '/' : request.url;
  return `${request.method} ${url}${request.body === '' ? '' : ` body ${short(request.body)}`}`;
}

/** null when the request is the one recorded; else the divergence to report. */
export function checkRequest(
  userId: number,
  request: number,
  expected: RecordedRequest | null,
  actual: RecordedRequest,
  origin: string,
): Divergence | null {
  const diff: string[] = [];
  if (expected === null) diff.push('not in the recording: this user sent more requests than were recorded');
  else {
    if (expected.method !== actual.method) diff.push(`method: ${expected.method} → ${actual.method}`);
    if (expected.url !== actual.url) diff.push(`url: ${expected.url} → ${actual.url}`);
    if (expected.body !== actual.body) diff.push(...bodyDiff(expected.body, actual.body));
  }
  if (diff.length === 0) return null;
  const message =
    expected === null
      ? `user ${userId}, request #${request}: not recorded, got ${describe(actual, origin)}`
      : `user ${userId}, request #${request}: expected ${describe(expected, origin)} got ${describe(actual, origin)}`;
  return { userId, request, expected, actual, diff, message };
}

/** The divergence report: one block per user. */
export function formatDivergences(divergences: readonly Divergence[]): string {
  const lines = [
    `replay diverged from the recording (${divergences.length} user${divergences.length === 1 ? '' : 's'}):`,
  ];
  for (const d of divergences) {
    lines.push(`  ${d.message}`);
    for (const line of d.diff) lines.push(`      ${line}`);
  }
  return lines.join('\n');
}
