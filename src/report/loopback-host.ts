import { isIP } from 'node:net';

/** Names that always mean "this machine only"; binding to them needs no token. */
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** True for 127.0.0.0/8, ::1 and localhost: names and binds that mean this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * An endpoint only for this machine (the web UI without a token, the Prometheus endpoint on loopback)
 * also needs a Host header naming loopback: a web page that rebinds its own DNS name to 127.0.0.1 must not
 * read or drive it (DNS rebinding).
 */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : hostHeader.replace(/:\d+$/, '');
  return isLoopbackHost(host);
}
