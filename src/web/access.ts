import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random access token (URL-safe, 128 bits). */
export function generateToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Compares secrets in constant time, whatever their lengths. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Cookie holding the token after the first visit with ?token=; per port, so two UIs on one host coexist. */
export function tokenCookieName(port: number): string {
  return `volley_token_${port}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Every way a request may carry the token: `Authorization: Bearer TOKEN`, `Authorization: Basic` with
 * `user:pass` equal to the token (for `--web-auth user:pass`) or the token as password, the cookie, or
 * `?token=`.
 */
export function requestCredentials(req: IncomingMessage, url: URL, port: number): string[] {
  const out: string[] = [];
  const auth = req.headers.authorization ?? '';
  const [scheme = '', value = ''] = auth.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme) && value) out.push(value);
  if (/^basic$/i.test(scheme) && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    out.push(decoded);
    const colon = decoded.indexOf(':');
    if (colon >= 0) out.push(decoded.slice(colon + 1));
  }
  const cookie = cookieValue(req.headers.cookie, tokenCookieName(port));
  if (cookie) out.push(cookie);
  const query = url.searchParams.get('token');
  if (query) out.push(query);
  return out;
}

/** Whether any credential the request carries is the token. */
export function hasValidToken(req: IncomingMessage, url: URL, port: number, token: string): boolean {
  return requestCredentials(req, url, port).some((c) => sameSecret(c, token));
}

/**
 * Cross-site request check for state-changing endpoints: a browser sends Origin (and Sec-Fetch-Site) with
 * every POST; when present they must say "same origin". The JSON content type is required as well: a
 * cross-site form cannot send it, and a cross-site fetch with it needs a CORS preflight we never answer.
 * Returns the reason to refuse, or null.
 */
export function crossSiteRefusal(req: IncomingMessage): string | null {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'cross-site request refused (bad Origin)';
    }
    if (!host || originHost !== host.toLowerCase()) return 'cross-site request refused (Origin differs)';
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return 'state-changing requests must be sent as application/json';
  return null;
}
