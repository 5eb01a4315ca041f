import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ResponseTimeoutError } from '../../src/http/errors.ts';
import type { Exchange } from '../../src/http/exchange.ts';
import { outcomeOf } from '../../src/http/outcome.ts';
import { MAX_REDIRECTS } from '../../src/http/redirect.ts';

/** A finished exchange as the transports leave it: status, headers, body chunks or an error. */
function exchange(fields: {
  status?: number;
  headers?: Record<string, string>;
  body?: Buffer;
  error?: Error;
}) {
  const body = fields.body ?? null;
  return {
    status: fields.status ?? 200,
    headers: fields.headers ?? {},
    error: fields.error ?? null,
    received: body?.length ?? 0,
    firstChunk: body,
    moreChunks: null,
    startedAt: 0,
    endedAt: 1,
    headersAt: 0,
    connectMs: 0,
    tlsMs: 0,
  } as unknown as Exchange;
}

const outcome = (e: Exchange, options: { tooMany?: boolean; keepBody?: boolean; expect?: unknown } = {}) =>
  outcomeOf(
    e,
    'http://127.0.0.1/x',
    null,
    options.tooMany ?? false,
    options.keepBody ?? true,
    options.expect as Parameters<typeof outcomeOf>[5],
  );

describe('how an exchange fared', () => {
  it('is a success for an expected status, with its body as received', () => {
    const response = outcome(exchange({ status: 200, body: Buffer.from('hello') }));
    assert.equal(response.ok, true);
    assert.equal(response.error, null);
    assert.equal(response.status, 200);
    assert.equal(response.text(), 'hello');
    assert.equal(response.url, 'http://127.0.0.1/x');
  });

  it('fails an unexpected status with its status line', () => {
    const response = outcome(exchange({ status: 503 }));
    assert.equal(response.ok, false);
    assert.equal(response.error, 'HTTP 503 Service Unavailable');
    const expected = outcome(exchange({ status: 503 }), { expect: 503 });
    assert.equal(expected.ok, true);
  });

  it('fails a network error first, whatever the status', () => {
    const response = outcome(exchange({ status: 200, error: new ResponseTimeoutError(1000) }), {
      tooMany: true,
    });
    assert.equal(response.ok, false);
    assert.equal(response.error, new ResponseTimeoutError(1000).message);
  });

  it('fails too many redirects before looking at the status or the body', () => {
    const response = outcome(
      exchange({ status: 302, headers: { 'content-encoding': 'gzip' }, body: Buffer.from('not gzip') }),
      { tooMany: true, expect: 302 },
    );
    assert.equal(response.error, `too many redirects (more than ${MAX_REDIRECTS})`);
  });

  it('decodes a compressed body it keeps, and counts the decoded bytes', () => {
    const text = 'decoded body '.repeat(20);
    const response = outcome(exchange({ headers: { 'content-encoding': 'gzip' }, body: gzipSync(text) }));
    assert.equal(response.ok, true);
    assert.equal(response.text(), text);
    assert.equal(response.contentBytes, Buffer.byteLength(text));
  });

  it('fails a body that does not decode, naming the encoding, even with an expected status', () => {
    const response = outcome(
      exchange({ headers: { 'content-encoding': 'gzip' }, body: Buffer.from('plain') }),
    );
    assert.equal(response.ok, false);
    assert.match(response.error ?? '', /^invalid gzip body \(.+\)$/);
  });

  it('leaves a dropped or empty body undecoded: nothing to fail on, the status still judged', () => {
    const dropped = outcome(
      exchange({ headers: { 'content-encoding': 'gzip' }, body: Buffer.from('plain') }),
      {
        keepBody: false,
      },
    );
    assert.equal(dropped.ok, true);
    assert.equal(dropped.contentBytes, 5);
    assert.throws(() => dropped.text());
    const empty = outcome(exchange({ status: 500, headers: { 'content-encoding': 'gzip' } }));
    assert.equal(empty.error, 'HTTP 500 Internal Server Error');
  });
});
