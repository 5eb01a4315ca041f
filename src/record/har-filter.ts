import type { HarEntry } from './har.ts';

export interface HarFilterOptions {
  /** The origin the scenario tests (`http://host:port`); default: the origin with the most requests. */
  origin?: string;
  /** More origins (or host names) to keep; every other host is third-party and dropped. */
  allowHosts?: readonly string[];
  /** Keep scripts, styles, images, fonts and media (dropped by default). */
  keepStatic?: boolean;
  /** Drop requests whose URL matches any of these regular expressions. */
  drop?: readonly string[];
}

export interface FilteredHar {
  origin: string;
  entries: HarEntry[];
  dropped: { static: number; thirdParty: number; other: number };
}

const STATIC_TYPES = new Set([
  'script',
  'stylesheet',
  'image',
  'font',
  'media',
  'manifest',
  'texttrack',
  'ping',
]);
const STATIC_PATH =
  /\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|wav|ogg)$/i;
const STATIC_MIME = /^(?:image|font|audio|video)\/|css|javascript|ecmascript/i;

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** Static assets a browser fetched on its own: not what a load test of an API should send. */
export function isStatic(entry: HarEntry): boolean {
  if (entry._resourceType !== undefined && STATIC_TYPES.has(entry._resourceType)) return true;
  let path = '';
  try {
    path = new URL(entry.request.url).pathname;
  } catch {
    return false;
  }
  return STATIC_PATH.test(path) || STATIC_MIME.test(entry.response.content.mimeType ?? '');
}

/**
 * The entries a scenario should replay, in time order: the tested origin only, no static assets, no CORS
 * preflights, no failed requests, no redirect hops the HTTP client follows by itself.
 */
export function filterHar(all: readonly HarEntry[], options: HarFilterOptions = {}): FilteredHar {
  const entries = [...all].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  const counts = new Map<string, number>();
  for (const e of entries) {
    const o = originOf(e.request.url);
    if (o !== null && !isStatic(e)) counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  const origin = options.origin?.replace(/\/+$/, '') ?? [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const allowed = new Set([origin, ...(options.allowHosts ?? [])]);
  const drop = (options.drop ?? []).map((d) => new RegExp(d));
  const dropped = { static: 0, thirdParty: 0, other: 0 };
  const kept: HarEntry[] = [];
  let followed: string | null = null;
  for (const e of entries) {
    const o = originOf(e.request.url);
    if (o === null || e.request.method === 'OPTIONS' || e.response.status === 0) {
      dropped.other += 1;
      continue;
    }
    if (!allowed.has(o) && !allowed.has(new URL(o).host) && !allowed.has(new URL(o).hostname)) {
      dropped.thirdParty += 1;
      continue;
    }
    if (options.keepStatic !== true && isStatic(e)) {
      dropped.static += 1;
      continue;
    }
    if (drop.some((re) => re.test(e.request.url))) {
      dropped.other += 1;
      continue;
    }
    // The client follows redirects itself: the hop after a 3xx is not a request of its own.
    if (followed !== null && e.request.method === 'GET' && e.request.url === followed) {
      followed = null;
      continue;
    }
    const location = e.response.redirectURL || '';
    followed =
      e.response.status >= 300 && e.response.status < 400 && location !== ''
        ? resolve(location, e.request.url)
        : null;
    kept.push(e);
  }
  return { origin, entries: kept, dropped };
}

function resolve(location: string, base: string): string | null {
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}
