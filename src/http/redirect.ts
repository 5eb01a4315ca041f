import type { Exchange, ExchangeRequest } from './exchange.ts';
import { findHeader, removeHeader } from './headers.ts';
import type { ChainStart } from './response.ts';
import { resolveLocation } from './url.ts';

/** Redirects followed per request before failing, as in requests and browsers. */
export const MAX_REDIRECTS = 10;

/** A followed redirect chain: its last exchange, and the set-up time of all of them. */
export interface RedirectChain extends ChainStart {
  final: Exchange;
  /** The URL of the last exchange. */
  url: string;
  /** Stopped after MAX_REDIRECTS with another redirect to follow. */
  tooMany: boolean;
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * The method of the next hop, by requests' rules: 303 turns anything but HEAD into GET, so do
 * 302 and (for POST) 301, following browsers; 307 and 308 keep the method and the body.
 */
export function redirectMethod(status: number, method: string): string {
  if (method === 'HEAD') return method;
  if (status === 303 || status === 302 || (status === 301 && method === 'POST')) return 'GET';
  return method;
}

/** The request that follows a redirect from `from` (answered at `fromUrl`) to `location`. */
export function redirectedRequest(
  from: ExchangeRequest,
  fromUrl: string,
  status: number,
  location: string,
): ExchangeRequest {
  const { origin, path } = resolveLocation(location, fromUrl);
  const method = redirectMethod(status, from.method);
  let { headers, body } = from;
  if (method !== from.method && body !== null) {
    body = null;
    headers = { ...headers };
    removeHeader(headers, 'content-type');
    removeHeader(headers, 'content-length');
  }
  // Like requests: credentials are not sent to another origin.
  if (origin !== from.origin && findHeader(headers, 'authorization') !== undefined) {
    headers = { ...headers };
    removeHeader(headers, 'authorization');
  }
  return { method, origin, path, headers, body };
}
