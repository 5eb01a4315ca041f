import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeNetworkError, ResponseTimeoutError } from '../../src/http/errors.ts';
import { mergeHeaders, removeHeader, setHeader } from '../../src/http/headers.ts';
import { redirectMethod } from '../../src/http/redirect.ts';
import {
  defaultSampleName,
  InvalidBaseUrlError,
  parseBaseUrl,
  resolveLocation,
  resolveTarget,
  withQuery,
} from '../../src/http/url.ts';

function systemError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} happened`), { code }, fields);
}

describe('URL resolution (Locust-style join)', () => {
  const root = parseBaseUrl('http://h:8080');
  const api = parseBaseUrl('https://h/api/v1/');

  it('joins relative paths to the base, keeping its prefix', () => {
    assert.deepEqual(resolveTarget(root, '/a?b=1'), { origin: 'http://h:8080', path: '/a?b=1' });
    assert.deepEqual(resolveTarget(root, 'a'), { origin: 'http://h:8080', path: '/a' });
    assert.deepEqual(resolveTarget(api, '/users'), { origin: 'https://h', path: '/api/v1/users' });
    assert.deepEqual(resolveTarget(api, 'users'), { origin: 'https://h', path: '/api/v1/users' });
  });

  it('passes absolute URLs through', () => {
    assert.deepEqual(resolveTarget(api, 'http://other:81/x?y'), { origin: 'http://other:81', path: '/x?y' });
  });

  it('resolves redirect locations against the answering URL', () => {
    assert.deepEqual(resolveLocation('../b', 'http://h/a/c'), { origin: 'http://h', path: '/b' });
    assert.deepEqual(resolveLocation('https://o/x', 'http://h/a'), { origin: 'https://o', path: '/x' });
  });

  it('rejects a base URL that is not http(s)', () => {
    assert.throws(() => parseBaseUrl('ftp://h'), InvalidBaseUrlError);
    assert.throws(() => parseBaseUrl('localhost:8080'), InvalidBaseUrlError);
  });

  it('appends query strings', () => {
    assert.equal(withQuery('/a', { x: 1, y: 'a&b' }), '/a?x=1&y=a%26b');
    assert.equal(withQuery('/a?z=0', { x: true }), '/a?z=0&x=true');
    assert.equal(withQuery('/a', {}), '/a');
  });

  it('names samples by the URL as written, without query or fragment', () => {
    assert.equal(defaultSampleName('/items/1?full=1'), '/items/1');
    assert.equal(defaultSampleName('/items#top'), '/items');
    assert.equal(defaultSampleName('http://h/x?y'), 'http://h/x');
    // The same URL again, and another after it: each named by its own text.
    assert.equal(defaultSampleName('http://h/x?y'), 'http://h/x');
    assert.equal(defaultSampleName('/plain'), '/plain');
    assert.equal(defaultSampleName('/items/1?full=1'), '/items/1');
  });
});

describe('headers', () => {
  it('replaces a header under any spelling', () => {
    const h: Record<string, string> = { Authorization: 'a', 'X-Y': '1' };
    setHeader(h, 'authorization', 'b');
    assert.deepEqual(h, { 'X-Y': '1', authorization: 'b' });
    removeHeader(h, 'x-y');
    assert.deepEqual(h, { authorization: 'b' });
    assert.deepEqual(mergeHeaders({ Accept: 'a', k: 'v' }, { accept: 'b' }), { k: 'v', accept: 'b' });
  });
});

describe('redirect methods (like requests)', () => {
  it('switches to GET on 303, on 302, and on 301 after POST', () => {
    assert.equal(redirectMethod(303, 'PUT'), 'GET');
    assert.equal(redirectMethod(302, 'POST'), 'GET');
    assert.equal(redirectMethod(301, 'POST'), 'GET');
    assert.equal(redirectMethod(301, 'PUT'), 'PUT');
    assert.equal(redirectMethod(307, 'POST'), 'POST');
    assert.equal(redirectMethod(308, 'PATCH'), 'PATCH');
    assert.equal(redirectMethod(303, 'HEAD'), 'HEAD');
  });
});

describe('network error messages', () => {
  it('classifies refused, reset and unreachable with the address', () => {
    assert.equal(
      describeNetworkError(systemError('ECONNREFUSED', { address: '127.0.0.1', port: 1 })),
      'connection refused (ECONNREFUSED 127.0.0.1:1)',
    );
    assert.equal(describeNetworkError(systemError('ECONNRESET')), 'connection reset (ECONNRESET)');
    const socketError = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      socket: { remoteAddress: '10.0.0.1', remotePort: 80 },
    });
    assert.equal(describeNetworkError(socketError), 'connection reset (other side closed 10.0.0.1:80)');
    assert.equal(
      describeNetworkError(systemError('EHOSTUNREACH', { address: '10.1.2.3', port: 443 })),
      'host unreachable (EHOSTUNREACH 10.1.2.3:443)',
    );
  });

  it('describes the first attempt of an AggregateError (happy eyeballs)', () => {
    const aggregate = new AggregateError([
      systemError('ECONNREFUSED', { address: '::1', port: 80 }),
      systemError('ECONNREFUSED', { address: '127.0.0.1', port: 80 }),
    ]);
    assert.equal(describeNetworkError(aggregate), 'connection refused (ECONNREFUSED ::1:80)');
  });

  it('classifies DNS failures with the host name', () => {
    assert.equal(
      describeNetworkError(systemError('ENOTFOUND', { hostname: 'nope.invalid' })),
      'DNS lookup failed (ENOTFOUND nope.invalid)',
    );
    assert.equal(
      describeNetworkError(systemError('EAI_AGAIN', { hostname: 'slow.dns' })),
      'DNS lookup failed (EAI_AGAIN slow.dns)',
    );
  });

  it('classifies timeouts', () => {
    assert.equal(describeNetworkError(new ResponseTimeoutError(5000)), 'timeout: no response within 5000 ms');
    const connect = Object.assign(
      new Error('Connect Timeout Error (attempted address: example.com:443, timeout: 10000ms)'),
      { code: 'UND_ERR_CONNECT_TIMEOUT' },
    );
    assert.equal(
      describeNetworkError(connect),
      'connect timeout: no connection to example.com:443 within 10000 ms',
    );
    assert.match(
      describeNetworkError(systemError('UND_ERR_HEADERS_TIMEOUT')),
      /^timeout: no response headers/,
    );
    assert.match(
      describeNetworkError(systemError('UND_ERR_BODY_TIMEOUT')),
      /^timeout: response body stalled/,
    );
  });

  it('points at --insecure for certificate errors', () => {
    assert.equal(
      describeNetworkError(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })),
      'TLS certificate error (CERT_HAS_EXPIRED: certificate has expired); use --insecure to skip verification',
    );
  });

  it('keeps one line of anything else', () => {
    assert.equal(describeNetworkError(new Error('odd\nstack-ish detail')), 'odd');
    assert.equal(describeNetworkError(systemError('EWEIRD')), 'EWEIRD happened');
    assert.equal(describeNetworkError('a string'), 'a string');
  });
});
