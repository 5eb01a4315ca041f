/**
 * Endpoint names for traffic that was not written by hand: a path segment that is an id becomes `:id`, so
 * `/items/123` and `/items/456` are one endpoint in the statistics, not thousands. The one rule both HAR
 * playback (`volley run FILE.har`) and `har2ts` name requests by, so a run of either reports the same
 * endpoints and `volley compare` can set one against the other.
 */

/** Whole numbers, UUIDs, long hex (hashes, Mongo ids) and long opaque tokens that mix digits and letters. */
const ID_SEGMENT =
  /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[^/]*\d)[0-9a-f]{16,}|(?=[^/]*\d)(?=[^/]*[a-z])[\w-]{20,})$/i;

/** `/users/42/orders/5f1d7c9e2b3a4d5e6f708192` → `/users/:id/orders/:id`. */
export function templatePath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (ID_SEGMENT.test(safeDecode(segment)) ? ':id' : segment))
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
