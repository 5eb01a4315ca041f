import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Har, HarEntry, HarNameValue } from '../../src/record/har.ts';
import { redactEntries } from '../../src/record/redact-entries.ts';
import { defaultRedactionRules, Redactor } from '../../src/record/redaction.ts';

const TOKEN = 'tok-0123456789abcdef';
const PASSWORD = 'hunter2-hunter2';

function entry(parts: {
  url?: string;
  requestHeaders?: HarNameValue[];
  postData?: HarEntry['request']['postData'];
  responseHeaders?: HarNameValue[];
  redirectURL?: string;
  content?: HarEntry['response']['content'];
  error?: string;
}): HarEntry {
  return {
    startedDateTime: '2026-01-01T00:00:00.000Z',
    time: 1,
    request: {
      method: 'POST',
      url: parts.url ?? 'http://127.0.0.1/',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: parts.requestHeaders ?? [],
      queryString: [],
      ...(parts.postData ? { postData: parts.postData } : {}),
      headersSize: -1,
      bodySize: -1,
    },
    response: {
      status: parts.error ? 0 : 200,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: parts.responseHeaders ?? [],
      content: parts.content ?? { size: 0, mimeType: 'text/plain' },
      redirectURL: parts.redirectURL ?? '',
      headersSize: -1,
      bodySize: -1,
      ...(parts.error ? { _error: parts.error } : {}),
    },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  } as HarEntry;
}

const redactor = () => new Redactor(defaultRedactionRules());

test('a secret learned in a later exchange is replaced in the earlier ones too, everywhere', () => {
  const earlier = entry({
    url: `http://127.0.0.1/echo/${TOKEN}?ref=${TOKEN}`,
    requestHeaders: [{ name: 'X-Trace', value: `trace ${TOKEN}` }],
    postData: {
      mimeType: 'text/plain',
      text: `plain ${TOKEN}`,
      params: [{ name: 'note', value: `n ${TOKEN}` }],
    },
    responseHeaders: [{ name: 'X-Echo', value: TOKEN }],
    redirectURL: `http://127.0.0.1/next/${TOKEN}`,
    content: { size: 99, mimeType: 'text/plain', text: `body ${TOKEN}` },
  });
  const failed = entry({ error: `connect refused for ${TOKEN}` });
  const login = entry({
    url: 'http://127.0.0.1/login',
    content: { size: 0, mimeType: 'application/json', text: JSON.stringify({ token: TOKEN }) },
  });
  const [out, outFailed, outLogin] = redactEntries([earlier, failed, login], redactor(), null);
  const text = JSON.stringify([out, outFailed, outLogin]);
  assert.ok(!text.includes(TOKEN), text);
  assert.equal(out!.request.url, 'http://127.0.0.1/echo/__REDACTED_1__?ref=__REDACTED_1__');
  assert.deepEqual(out!.request.queryString, [{ name: 'ref', value: '__REDACTED_1__' }]);
  assert.deepEqual(out!.request.headers, [{ name: 'X-Trace', value: 'trace __REDACTED_1__' }]);
  assert.equal(out!.request.postData!.text, 'plain __REDACTED_1__');
  assert.deepEqual(out!.request.postData!.params, [{ name: 'note', value: 'n __REDACTED_1__' }]);
  assert.deepEqual(out!.response.headers, [{ name: 'X-Echo', value: '__REDACTED_1__' }]);
  assert.equal(out!.response.redirectURL, 'http://127.0.0.1/next/__REDACTED_1__');
  assert.equal(out!.response.content.text, 'body __REDACTED_1__');
  assert.equal(out!.response.content.size, Buffer.byteLength('body __REDACTED_1__'));
  assert.equal(outFailed!.response._error, 'connect refused for __REDACTED_1__');
  assert.equal(outLogin!.response.content.text, '{"token":"__REDACTED_1__"}');
  assert.equal(
    earlier.request.url,
    `http://127.0.0.1/echo/${TOKEN}?ref=${TOKEN}`,
    'the input is left as it was',
  );
});

test('request parts are redacted by their rules: URL, headers, body, and multipart fields by name but not files', () => {
  const [out] = redactEntries(
    [
      entry({
        url: `http://127.0.0.1/a?password=${PASSWORD}`,
        requestHeaders: [
          { name: 'Cookie', value: `sid=${TOKEN}` },
          { name: 'Referer', value: `http://127.0.0.1/b?secret=${TOKEN}x` },
        ],
        postData: {
          mimeType: 'multipart/form-data',
          params: [
            { name: 'password', value: 'pw-of-the-form-1' },
            { name: 'password', value: 'file contents', fileName: 'password.txt' },
            { name: 'password' },
            { name: 'comment', value: 'hello' },
          ],
        },
      }),
    ],
    redactor(),
    null,
  );
  const request = out!.request;
  assert.equal(request.url, 'http://127.0.0.1/a?password=__REDACTED_1__');
  assert.deepEqual(request.headers, [
    { name: 'Cookie', value: 'sid=__REDACTED_2__' },
    { name: 'Referer', value: 'http://127.0.0.1/b?secret=__REDACTED_3__' },
  ]);
  assert.deepEqual(request.cookies, [{ name: 'sid', value: '__REDACTED_2__' }]);
  assert.deepEqual(request.postData!.params, [
    { name: 'password', value: '__REDACTED_4__' },
    { name: 'password', value: 'file contents', fileName: 'password.txt' },
    { name: 'password' },
    { name: 'comment', value: 'hello' },
  ]);
});

test('response parts are redacted by their rules: Set-Cookie (and the cookies list), redirect URL, JSON body', () => {
  const [out] = redactEntries(
    [
      entry({
        responseHeaders: [{ name: 'Set-Cookie', value: `sid=${TOKEN}; Path=/; HttpOnly` }],
        redirectURL: `http://127.0.0.1/cb?access_token=${PASSWORD}`,
        content: { size: 0, mimeType: 'application/json', text: JSON.stringify({ password: 'short' }) },
      }),
    ],
    redactor(),
    null,
  );
  const response = out!.response;
  assert.deepEqual(response.headers, [{ name: 'Set-Cookie', value: 'sid=__REDACTED_1__; Path=/; HttpOnly' }]);
  assert.equal(response.cookies[0]!.value, '__REDACTED_1__');
  assert.equal(response.redirectURL, 'http://127.0.0.1/cb?access_token=__REDACTED_2__');
  assert.equal(response.content.text, '{"password":"__REDACTED_3__"}');
});

test('a compressed body is redacted inside and stays compressed; one in an unknown encoding is left alone', () => {
  const gzipped = gzipSync(JSON.stringify({ token: TOKEN })).toString('base64');
  const [out, unknown] = redactEntries(
    [
      entry({
        responseHeaders: [{ name: 'Content-Encoding', value: 'gzip' }],
        content: { size: 30, mimeType: 'application/json', text: gzipped, encoding: 'base64' },
      }),
      entry({
        content: { size: 30, mimeType: 'application/json', text: gzipped, encoding: 'base64' },
      }),
    ],
    redactor(),
    null,
  );
  const body = gunzipSync(Buffer.from(out!.response.content.text!, 'base64')).toString();
  assert.equal(body, '{"token":"__REDACTED_1__"}');
  assert.equal(out!.response.content.size, 30, 'the size of a compressed body is the decoded one, unchanged');
  assert.equal(unknown!.response.content.text, gzipped);
});

test('a JSON request body is redacted by its rules before the secrets it reveals are replaced elsewhere', () => {
  const [signup, later] = redactEntries(
    [
      entry({ postData: { mimeType: 'application/json', text: JSON.stringify({ password: PASSWORD }) } }),
      entry({ url: `http://127.0.0.1/echo?q=${PASSWORD}` }),
    ],
    redactor(),
    null,
  );
  assert.equal(signup!.request.postData!.text, '{"password":"__REDACTED_1__"}');
  assert.equal(later!.request.url, 'http://127.0.0.1/echo?q=__REDACTED_1__');
});

test('extending a recording numbers new placeholders after the ones it already has', () => {
  const existing = { log: { entries: [entry({ url: 'http://127.0.0.1/?token=__REDACTED_7__' })] } } as Har;
  const [out] = redactEntries([entry({ url: `http://127.0.0.1/?token=${TOKEN}` })], redactor(), existing);
  assert.equal(out!.request.url, 'http://127.0.0.1/?token=__REDACTED_8__');
  const [fresh] = redactEntries([entry({ url: `http://127.0.0.1/?token=${TOKEN}` })], redactor(), null);
  assert.equal(fresh!.request.url, 'http://127.0.0.1/?token=__REDACTED_1__');
});
