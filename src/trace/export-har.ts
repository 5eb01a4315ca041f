import type { Har, HarEntry, HarNameValue } from '../record/har.ts';
import { findValue, queryList, requestCookies, responseCookies } from '../record/headers.ts';
import { VOLLEY_VERSION } from '../version.ts';
import { type BodyRecord, bodyBytes, inboundInOrder, type TraceRecording } from './trace-format.ts';

function nameValues(headers: readonly [string, string][]): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function headerValue(headers: readonly [string, string][], name: string): string | undefined {
  return findValue(nameValues(headers), name);
}

function content(body: BodyRecord, mimeType: string): HarEntry['response']['content'] {
  const size = bodyBytes(body).length;
  if (body === null) return { size: 0, mimeType };
  return 'text' in body
    ? { size, mimeType, text: body.text }
    : { size, mimeType, text: body.base64, encoding: 'base64' };
}

/**
 * The inbound exchanges of a trace recording as a HAR 1.2 log, in the order the requests arrived: for
 * `volley har2ts` (a scenario from real traffic), HAR viewers, and `volley run --replay` (one user whose
 * requests are the recorded ones in order).
 */
export function traceToHar(recording: TraceRecording): Har {
  const inbound = inboundInOrder(recording);
  const listen = recording.listens[0];
  const fallbackHost = listen ? `127.0.0.1:${listen.port}` : 'localhost';
  const entries: HarEntry[] = inbound.map((line, i) => {
    const host = headerValue(line.req.headers, 'host') ?? fallbackHost;
    const url = `http://${host}${line.req.url}`;
    const requestType = headerValue(line.req.headers, 'content-type') ?? 'application/octet-stream';
    const responseType = headerValue(line.res.headers, 'content-type') ?? 'application/octet-stream';
    const requestHeaders = nameValues(line.req.headers);
    const responseHeaders = nameValues(line.res.headers);
    const requestBody = bodyBytes(line.req.body);
    const entry: HarEntry = {
      startedDateTime: new Date(line.at).toISOString(),
      time: line.ms,
      request: {
        method: line.req.method,
        url,
        httpVersion: 'HTTP/1.1',
        cookies: requestCookies(requestHeaders),
        headers: requestHeaders,
        queryString: queryList(url),
        headersSize: -1,
        bodySize: requestBody.length,
      },
      response: {
        status: line.res.status,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        cookies: responseCookies(responseHeaders),
        headers: responseHeaders,
        content: content(line.res.body, responseType),
        redirectURL: headerValue(line.res.headers, 'location') ?? '',
        headersSize: -1,
        bodySize: bodyBytes(line.res.body).length,
      },
      cache: {},
      timings: { send: 0, wait: line.ms, receive: 0 },
      _userId: 1,
      _seq: i + 1,
    };
    if (line.req.body !== null) {
      entry.request.postData =
        'text' in line.req.body
          ? { mimeType: requestType, text: line.req.body.text }
          : { mimeType: requestType, text: requestBody.toString('base64') };
    }
    return entry;
  });
  const first = inbound[0];
  return {
    log: {
      version: '1.2',
      creator: {
        name: 'volley',
        version: VOLLEY_VERSION,
        comment: `volley trace export-har of ${recording.path}`,
      },
      entries,
      _volley: {
        version: VOLLEY_VERSION,
        scenario: '(volley trace export-har)',
        host: first
          ? `http://${headerValue(first.req.headers, 'host') ?? fallbackHost}`
          : `http://${fallbackHost}`,
        seed: 1,
        users: 1,
        // One user walks every request once: `volley run SCENARIO --replay FILE` needs no -i.
        iterations: 1,
        runTimeSec: null,
        redacted: { headers: [], jsonPaths: [] },
        values: {},
      },
    },
  };
}
