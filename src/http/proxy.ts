/**
 * Which HTTP proxy a request goes through: `--proxy URL` for every origin, or HTTP_PROXY for `http:`
 * and HTTPS_PROXY for `https:` origins (lower case first, as curl), except hosts NO_PROXY names.
 * Both transports ask here, so they route alike.
 */
import { isIP } from 'node:net';
import { VolleyError } from '../errors.ts';

/** A proxy URL (`--proxy` or a proxy variable) that volley cannot use. Exit 2. */
export class ProxySettingError extends VolleyError {
  override name = 'ProxySettingError';
  override readonly code = 'VOLLEY_PROXY';
}

export interface ProxySettings {
  /** `--proxy`: for every origin, loopback included (it was asked for). */
  readonly explicit: URL | null;
  readonly http: URL | null;
  readonly https: URL | null;
  /** NO_PROXY entries: `*`, host names (their subdomains too), addresses, each with an optional port. */
  readonly noProxy: readonly { host: string; port: string }[];
}

/** A proxy URL as given (`host:port` means `http://host:port`); only `http:` proxies are supported. */
export function parseProxyUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new ProxySettingError(`${what}: invalid proxy URL "${value}"; use e.g. http://proxy.example:3128`);
  }
  if (url.protocol !== 'http:') {
    throw new ProxySettingError(`${what}: only http:// proxies are supported, got "${value}"`);
  }
  return url;
}

const variable = (env: NodeJS.ProcessEnv, name: string): string | undefined =>
  env[name.toLowerCase()] || env[name] || undefined;

/** The settings from `--proxy` (may be undefined) and the environment's proxy variables. */
export function proxySettings(explicit: string | undefined, env: NodeJS.ProcessEnv): ProxySettings {
  const http = variable(env, 'HTTP_PROXY');
  const https = variable(env, 'HTTPS_PROXY');
  const noProxy = (variable(env, 'NO_PROXY') ?? '')
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
      const host = (match?.[1] ?? entry).toLowerCase().replace(/^\*?\./, '');
      return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: match?.[2] ?? '' };
    });
  return {
    explicit: explicit === undefined ? null : parseProxyUrl(explicit, '--proxy'),
    http: http === undefined ? null : parseProxyUrl(http, 'HTTP_PROXY'),
    https: https === undefined ? null : parseProxyUrl(https, 'HTTPS_PROXY'),
    noProxy,
  };
}

/** Whether any request may go through a proxy. */
export function usesProxy(settings: ProxySettings): boolean {
  return settings.explicit !== null || settings.http !== null || settings.https !== null;
}

/** The proxy for requests to `origin` (`scheme://host:port`), or null to connect directly. */
export function proxyFor(settings: ProxySettings, origin: string): URL | null {
  const url = new URL(origin);
  const secure = url.protocol === 'https:';
  const proxy = settings.explicit ?? (secure ? settings.https : settings.http);
  if (proxy === null) return null;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  // As Go's ProxyFromEnvironment: a proxy from the environment never serves the machine itself.
  if (settings.explicit === null && isLoopback(host)) return null;
  const port = url.port || (secure ? '443' : '80');
  for (const rule of settings.noProxy) {
    if (rule.port !== '' && rule.port !== port) continue;
    if (rule.host === '*' || host === rule.host || (isIP(host) === 0 && host.endsWith(`.${rule.host}`))) {
      return null;
    }
  }
  return proxy;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}

/** The Proxy-Authorization header value for a proxy URL with credentials, else null. */
export function proxyAuthorization(proxy: URL): string | null {
  if (proxy.username === '') return null;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}
