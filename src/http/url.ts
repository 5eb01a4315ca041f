/**
 * Where a request goes. Relative URLs are joined to the base URL the way Locust's HttpSession
 * does: plain string concatenation, so a base with a path prefix keeps it
 * (`http://h/api` + `/users` → `http://h/api/users`). Unlike Locust, exactly one slash joins them
 * (`http://h/api/` + `/users` and `http://h/api` + `users` give the same URL).
 * Absolute URLs (`scheme://…`) pass through unchanged.
 */
export interface Target {
  /** `http://host:port`, the key of the connection pool. */
  origin: string;
  /** Path and query string as sent on the request line. */
  path: string;
}

export interface BaseUrl {
  origin: string;
  /** The base's path without its trailing slash ('' for the root). */
  prefix: string;
}

export class InvalidBaseUrlError extends Error {
  override readonly name = 'InvalidBaseUrlError';

  constructor(baseUrl: string) {
    super(`invalid base URL ${JSON.stringify(baseUrl)}: expected http://host[:port][/path] or https://…`);
  }
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

export function parseBaseUrl(baseUrl: string): BaseUrl {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InvalidBaseUrlError(baseUrl);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidBaseUrlError(baseUrl);
  const prefix = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  return { origin: url.origin, prefix };
}

/** Resolves a request URL; throws a TypeError for an unparsable absolute URL. */
export function resolveTarget(base: BaseUrl, url: string): Target {
  // Fast path first: relative paths need no URL parsing at all.
  if (url.charCodeAt(0) === 47 /* / */) return { origin: base.origin, path: base.prefix + url };
  if (!ABSOLUTE.test(url)) return { origin: base.origin, path: `${base.prefix}/${url}` };
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}

/** Resolves a redirect's Location against the URL that answered it. */
export function resolveLocation(location: string, from: string): Target {
  const parsed = new URL(location, from);
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}

/** Appends query parameters, after any already in the path. */
export function withQuery(path: string, query: Record<string, string | number | boolean>): string {
  let encoded = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    encoded += `${encoded === '' ? '' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  if (encoded === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${encoded}`;
}

/** The last URL named, and its name: a scenario names the same few URLs again and again. */
let namedUrl: string | null = null;
let lastName = '';

/** The default sample name: the URL as written by the user, without query string or fragment. */
export function defaultSampleName(url: string): string {
  if (url === namedUrl) return lastName;
  namedUrl = url;
  lastName = nameOf(url);
  return lastName;
}

function nameOf(url: string): string {
  let end = url.indexOf('?');
  const hash = url.indexOf('#');
  if (hash !== -1 && (end === -1 || hash < end)) end = hash;
  return end === -1 ? url : url.slice(0, end);
}
