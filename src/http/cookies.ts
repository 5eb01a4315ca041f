import { createRequire } from 'node:module';
import type { CookieJar } from 'tough-cookie';

/** tough-cookie, loaded with the first cookie: most load-test targets never set one. */
function newCookieJar(): CookieJar {
  const { CookieJar: Jar, MemoryCookieStore } = createRequire(import.meta.url)(
    'tough-cookie',
  ) as typeof import('tough-cookie');
  return new Jar(new MemoryCookieStore());
}

/**
 * The cookies of one virtual user. The jar is created on the first Set-Cookie, and `isEmpty` lets
 * the client skip all cookie work until then: most load-test targets never set one.
 */
export class UserCookies {
  #jar: CookieJar | null = null;

  get isEmpty(): boolean {
    return this.#jar === null;
  }

  /** Stores the Set-Cookie header(s) of a response from `url`; invalid cookies are ignored, as browsers do. */
  store(setCookie: readonly string[], url: string): void {
    this.#jar ??= newCookieJar();
    for (const cookie of setCookie) this.#jar.setCookieSync(cookie, url, { ignoreError: true });
  }

  /** The Cookie header value for a request to `url`, '' when none match. */
  headerFor(url: string): string {
    return this.#jar === null ? '' : this.#jar.getCookieStringSync(url);
  }

  /** Cookies that would be sent to `url`, name → value. */
  toRecord(url: string): Record<string, string> {
    const record: Record<string, string> = {};
    if (this.#jar === null) return record;
    for (const cookie of this.#jar.getCookiesSync(url)) record[cookie.key] = cookie.value;
    return record;
  }

  clear(): void {
    this.#jar = null;
  }
}
