/**
 * HAR playback (`volley run FILE.har`): the requests of a captured HAR sent again against the run's host,
 * at their original pacing compressed by `speed` (or at a fixed `rate`), overlapping as they did: each is
 * sent at its time whether or not earlier ones were answered. A user class, so every run output, threshold
 * and `--processes` works as for a scenario; the requests are dealt round-robin to `lanes` users that
 * share one timeline.
 */
import { readFileSync } from 'node:fs';
import type { RequestOptions } from '../http/types.ts';
import { type UserClass, user } from '../script/user.ts';
import { templatePath } from './endpoint-template.ts';
import type { Har, HarEntry } from './har.ts';
import { filterHar } from './har-filter.ts';
import { RecordingError } from './recording-error.ts';

export interface PlaybackFilter {
  /** Hosts (`api.example.com`, with or without a port) whose requests are played; default: the busiest. */
  hosts?: readonly string[];
  /** Path globs (`*` any run of characters): only requests whose path matches one. */
  paths?: readonly string[];
  /** Methods: only these. */
  methods?: readonly string[];
}

export interface PlaybackOptions {
  /** The HAR file (absolute, or relative to the working directory). */
  file: string;
  /** Compresses the recorded pacing: 2 plays a minute of traffic in 30 s. Default 1. */
  speed?: number;
  /** Sends the requests at this many per second instead, evenly spaced, in recorded order. */
  rate?: number;
  /** Plays the traffic again and again until the run ends. */
  loop?: boolean;
  filter?: PlaybackFilter;
  /** Users sharing the traffic round-robin (the run's --users). Default 1. */
  lanes?: number;
}

/** One request to send: when (ms after the start of a pass) and what. */
export interface PlannedRequest {
  atMs: number;
  method: string;
  /** Path and query: the run's host supplies the origin. */
  target: string;
  options: RequestOptions;
}

export interface PlaybackPlan {
  requests: PlannedRequest[];
  /** A pass's length: when the next --loop pass starts. */
  periodMs: number;
}

/** Headers the client sets itself, or that describe the recorded connection rather than the request. */
const SKIPPED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'proxy-authorization',
  'http2-settings',
]);

/** Reads and plans a HAR; a one-line RecordingError for a file that cannot be played. */
export function planPlayback(options: PlaybackOptions): PlaybackPlan {
  let har: Har;
  try {
    har = JSON.parse(readFileSync(options.file, 'utf8')) as Har;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RecordingError(`cannot read HAR file ${options.file} (${reason})`);
  }
  if (!Array.isArray(har?.log?.entries))
    throw new RecordingError(`${options.file}: not a HAR file (no log.entries)`);
  return planEntries(har.log.entries, options);
}

export function planEntries(all: readonly HarEntry[], options: Omit<PlaybackOptions, 'file'>): PlaybackPlan {
  const filter = options.filter ?? {};
  const [first, ...others] = filter.hosts ?? [];
  // har2ts's filter: one origin (the busiest, or the hosts asked for), no CORS preflights, no hops of a
  // redirect the client follows itself, nothing that got no response. Static files are real traffic: kept.
  const { entries } = filterHar(all, {
    keepStatic: true,
    ...(first !== undefined ? { origin: originFor(all, first), allowHosts: others } : {}),
  });
  const methods = filter.methods?.map((m) => m.toUpperCase());
  const paths = filter.paths?.map(globToRegExp);
  const kept = entries.filter((entry) => {
    const url = new URL(entry.request.url);
    if (methods && !methods.includes(entry.request.method.toUpperCase())) return false;
    return !paths || paths.some((re) => re.test(url.pathname));
  });
  if (kept.length === 0) {
    throw new RecordingError(
      `no request of the HAR left to play (${all.length} entries${filter.hosts || filter.paths || filter.methods ? ', after --filter' : ''})`,
    );
  }
  const speed = options.speed ?? 1;
  const t0 = Date.parse(kept[0]?.startedDateTime ?? '');
  const requests = kept.map((entry, i): PlannedRequest => {
    const offset = Date.parse(entry.startedDateTime) - t0;
    const atMs =
      options.rate !== undefined ? (i * 1000) / options.rate : (Number.isFinite(offset) ? offset : 0) / speed;
    return { atMs, ...requestOf(entry) };
  });
  const last = requests.at(-1)?.atMs ?? 0;
  // A pass lasts until the last request plus the average gap between requests, so loops keep the pace.
  const gap =
    options.rate !== undefined
      ? 1000 / options.rate
      : requests.length > 1
        ? last / (requests.length - 1)
        : 1000 / speed;
  return { requests, periodMs: last + Math.max(gap, 1) };
}

/** The origin of the first entry on `host` (host, host:port or an origin). */
function originFor(entries: readonly HarEntry[], host: string): string {
  for (const entry of entries) {
    try {
      const url = new URL(entry.request.url);
      if (url.host === host || url.hostname === host || url.origin === host.replace(/\/+$/, ''))
        return url.origin;
    } catch {}
  }
  return host.includes('://') ? host : `http://${host}`;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function requestOf(entry: HarEntry): Omit<PlannedRequest, 'atMs'> {
  const url = new URL(entry.request.url);
  const headers: Record<string, string> = {};
  for (const { name, value } of entry.request.headers) {
    const key = name.toLowerCase();
    if (key.startsWith(':') || SKIPPED_HEADERS.has(key)) continue;
    // HTTP/2 captures list cookies one per header.
    headers[key] =
      headers[key] === undefined ? value : `${headers[key]}${key === 'cookie' ? '; ' : ', '}${value}`;
  }
  const options: RequestOptions = { name: templatePath(url.pathname), headers, discardBody: true };
  const post = entry.request.postData;
  if (post !== undefined) {
    // Binary bodies are recorded as "base64:…" (by --record and capture).
    if (post.text?.startsWith('base64:')) options.body = Buffer.from(post.text.slice(7), 'base64');
    else if (post.text !== undefined) options.body = post.text;
    else if (post.params !== undefined) {
      options.body = new URLSearchParams(
        post.params.map((p): [string, string] => [p.name, p.value ?? '']),
      ).toString();
    }
    if (headers['content-type'] === undefined && post.mimeType) headers['content-type'] = post.mimeType;
  }
  // A recorded error status played back is the traffic as it was, not a failure.
  if (entry.response.status >= 400) options.expect = entry.response.status;
  return { method: entry.request.method.toUpperCase(), target: `${url.pathname}${url.search}`, options };
}

/**
 * The user class that plays `options.file`: user N of `lanes` sends requests N-1, N-1+lanes, …, each at
 * its time from when the user started (users start together unless a spawn rate is set).
 */
export function harPlayback(options: PlaybackOptions): UserClass<PlaybackState> {
  const plan = planPlayback(options);
  const lanes = Math.max(1, Math.floor(options.lanes ?? 1));
  return user<PlaybackState>({
    name: 'playback',
    state: () => ({ nextPass: null }),
    tasks: [
      async (vu) => {
        const lane = (vu.id - 1) % lanes;
        // A pass starts a period after the previous one did; later if that one ran over.
        const start = Math.max(performance.now(), vu.state.nextPass ?? 0);
        vu.state.nextPass = start + plan.periodMs;
        const pending: Promise<unknown>[] = [];
        for (let i = lane; i < plan.requests.length; i += lanes) {
          const request = plan.requests[i] as PlannedRequest;
          const wait = start + request.atMs - performance.now();
          if (wait > 0) await vu.sleep(wait / 1000);
          if (vu.signal.aborted) break;
          pending.push(vu.http.request(request.method, request.target, request.options).catch(() => {}));
        }
        await Promise.all(pending);
        if (!options.loop) vu.stop('played');
        // A pass takes its period even for a lane with nothing in it: a task that returns at once would
        // be run again at once, and again, starving the event loop.
        const rest = (vu.state.nextPass ?? 0) - performance.now();
        if (rest > 0) await vu.sleep(rest / 1000);
      },
    ],
  });
}

interface PlaybackState {
  /** performance.now() at which this user's next --loop pass starts. */
  nextPass: number | null;
}
