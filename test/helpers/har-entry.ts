import type { HarEntry, HarNameValue, HarPostData } from '../../src/record/har.ts';

/**
 * A valid HAR 1.2 entry of a request answered 200 with the two bytes `ok` (text/plain): what the playback
 * and capture tests write as traffic. `text`: whether the answer's content is kept in the entry.
 */
export function harEntry(options: {
  startedDateTime: string;
  method: string;
  url: string;
  headers?: HarNameValue[];
  postData?: HarPostData;
  waitMs: number;
  text?: boolean;
}): HarEntry {
  return {
    startedDateTime: options.startedDateTime,
    time: options.waitMs,
    request: {
      method: options.method,
      url: options.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: options.headers ?? [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
      ...(options.postData ? { postData: options.postData } : {}),
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: 2, mimeType: 'text/plain', ...(options.text ? { text: 'ok' } : {}) },
      redirectURL: '',
      headersSize: -1,
      bodySize: 2,
    },
    cache: {},
    timings: { send: 0, wait: options.waitMs, receive: 0 },
  };
}

/** A HAR file's text holding these entries. */
export function harText(entries: readonly HarEntry[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
}
