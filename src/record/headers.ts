import type { IncomingHttpHeaders } from 'node:http';
import type { HarCookie, HarNameValue } from './har.ts';

/** Headers as a HAR list; a header sent several times (Set-Cookie) gives several entries. */
export function headerList(
  headers: IncomingHttpHeaders | Record<string, string> | undefined,
): HarNameValue[] {
  const list: HarNameValue[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) list.push({ name, value: String(v) });
  }
  return list;
}

/** A HAR header list as the headers undici hands a response handler: lower-case names, Set-Cookie a list. */
export function headerObject(list: readonly HarNameValue[]): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const { name, value } of list) {
    const key = name.toLowerCase();
    if (key === 'set-cookie') {
      headers['set-cookie'] = [...(headers['set-cookie'] ?? []), value];
    } else {
      const had = headers[key];
      headers[key] = had === undefined ? value : `${had}, ${value}`;
    }
  }
  return headers;
}

export function findValue(list: readonly HarNameValue[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return list.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Cookies of a Cookie request header. */
export function requestCookies(list: readonly HarNameValue[]): HarCookie[] {
  const cookie = findValue(list, 'cookie');
  if (cookie === undefined) return [];
  return cookie.split(/;\s*/).flatMap((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [] : [{ name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1) }];
  });
}

/** Cookies set by Set-Cookie response headers (name, value and the common attributes). */
export function responseCookies(list: readonly HarNameValue[]): HarCookie[] {
  return list
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .flatMap((h) => {
      const [pair = '', ...attributes] = h.value.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) return [];
      const cookie: HarCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.trim().split('=');
        const k = key.toLowerCase();
        if (k === 'path') cookie.path = value;
        else if (k === 'domain') cookie.domain = value;
        else if (k === 'expires') cookie.expires = value;
        else if (k === 'httponly') cookie.httpOnly = true;
        else if (k === 'secure') cookie.secure = true;
      }
      return [cookie];
    });
}

/** The query string of a URL as a HAR list. */
export function queryList(url: string): HarNameValue[] {
  // Most URLs have no query: parsing them would cost more than all the rest of a captured entry's list.
  if (!url.includes('?')) return [];
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}
