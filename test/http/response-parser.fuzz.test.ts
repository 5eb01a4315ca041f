/**
 * Property-based fuzz of the response parser (fast-check, fixed seed, bounded runs): whatever bytes
 * arrive, split however, it never throws anything but HttpParseError, always returns, and never
 * reports a response's head or end twice; well-formed responses parse to exactly what was sent.
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HttpParseError, type ResponseEvents, ResponseParser } from '../../src/http/response-parser.ts';

const SEED = 20_261_207;
const RUNS = 1000;

interface Seen {
  heads: number;
  ends: number;
  bodyAfterEnd: boolean;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer[];
}

function watcher(): ResponseEvents & { seen: Seen } {
  const seen: Seen = { heads: 0, ends: 0, bodyAfterEnd: false, status: 0, headers: {}, body: [] };
  return {
    seen,
    onHead(status, headers) {
      seen.heads++;
      seen.status = status;
      seen.headers = headers;
    },
    onBody(data, start, end) {
      if (seen.ends > 0) seen.bodyAfterEnd = true;
      seen.body.push(Buffer.from(data.subarray(start, end)));
    },
    onEnd() {
      seen.ends++;
    },
  };
}

/** Feeds `wire` in pieces of the given sizes (cycled), as a connection would; the parse error, if any. */
function feed(
  wire: Buffer,
  pieces: number[],
  noBody: boolean,
  closeAtEnd: boolean,
): { seen: Seen; error: HttpParseError | null } {
  const parser = new ResponseParser();
  const events = watcher();
  parser.expect(events, noBody);
  let at = 0;
  let piece = 0;
  try {
    while (at < wire.length && !parser.idle) {
      const size = pieces.length === 0 ? wire.length : (pieces[piece++ % pieces.length] as number);
      const data = wire.subarray(at, at + size);
      const consumed = parser.execute(data);
      assert.ok(consumed >= 0 && consumed <= data.length, 'consumes within what it was given');
      // Only a finished response leaves bytes unconsumed.
      if (consumed < data.length) assert.ok(parser.idle, 'bytes left over only after the end');
      at += data.length;
    }
    if (closeAtEnd && parser.endsWithClose) parser.finishAtClose();
    return { seen: events.seen, error: null };
  } catch (error) {
    if (!(error instanceof HttpParseError)) throw error;
    return { seen: events.seen, error };
  }
}

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
const body = fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes));
const pieces = fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 });

/** A well-formed response: its bytes and what it should parse to. */
const wellFormed = fc
  .record({
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    headers: fc.array(fc.tuple(token, fieldValue), { maxLength: 6 }),
    interim: fc.constantFrom(
      '',
      'HTTP/1.1 100 Continue\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n',
    ),
    framing: fc.constantFrom('length', 'chunked', 'close'),
    chunks: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
    extension: fc.constantFrom('', ';a=b', `;long=${'x'.repeat(3000)}`),
    trailers: fc.constantFrom('', 'X-Trailer: t\r\n'),
    body,
  })
  .map((r) => {
    const headers = r.headers.filter(
      ([name]) => !/^(content-length|transfer-encoding|connection|keep-alive)$/i.test(name),
    );
    const lines = [`HTTP/1.1 ${r.status} Reason`, ...headers.map(([n, v]) => `${n}: ${v}`)];
    let encoded: Buffer;
    if (r.framing === 'length') {
      lines.push(`Content-Length: ${r.body.length}`);
      encoded = r.body;
    } else if (r.framing === 'chunked') {
      lines.push('Transfer-Encoding: chunked');
      const parts: Buffer[] = [];
      let at = 0;
      for (let i = 0; at < r.body.length; i++) {
        const size = Math.min(r.chunks[i % r.chunks.length] as number, r.body.length - at);
        parts.push(
          Buffer.from(`${size.toString(16)}${r.extension}\r\n`),
          r.body.subarray(at, at + size),
          Buffer.from('\r\n'),
        );
        at += size;
      }
      parts.push(Buffer.from(`0\r\n${r.trailers}\r\n`));
      encoded = Buffer.concat(parts);
    } else {
      encoded = r.body;
    }
    const wire = Buffer.concat([Buffer.from(`${r.interim}${lines.join('\r\n')}\r\n\r\n`, 'latin1'), encoded]);
    return { wire, status: r.status, body: r.body, closeDelimited: r.framing === 'close' };
  });

/** Changes a few bytes of `wire`: overwrites, inserts (CR, LF, NUL, anything) and deletions. */
const mutation = fc.array(
  fc.record({
    kind: fc.constantFrom('set', 'insert', 'delete'),
    at: fc.nat(),
    byte: fc.oneof(fc.constantFrom(0, 9, 10, 13, 32, 58, 59, 48), fc.integer({ min: 0, max: 255 })),
  }),
  { minLength: 1, maxLength: 4 },
);

function mutate(wire: Buffer, changes: { kind: string; at: number; byte: number }[]): Buffer {
  let bytes = Buffer.from(wire);
  for (const { kind, at, byte } of changes) {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 'set' && bytes.length > 0) bytes[i] = byte;
    else if (kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
    else bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
  }
  return bytes;
}

function assertCountedOnce(seen: Seen): void {
  assert.ok(seen.heads <= 1, `head reported ${seen.heads} times`);
  assert.ok(seen.ends <= 1, `end reported ${seen.ends} times`);
  assert.ok(seen.ends === 0 || seen.heads === 1, 'an end without a head');
  assert.equal(seen.bodyAfterEnd, false, 'body after the end');
}

describe('ResponseParser fuzz', () => {
  it('parses well-formed responses to exactly what was sent, however split', () => {
    fc.assert(
      fc.property(wellFormed, pieces, (response, sizes) => {
        const { seen, error } = feed(response.wire, sizes, false, response.closeDelimited);
        assert.equal(error, null);
        assertCountedOnce(seen);
        assert.equal(seen.ends, 1);
        assert.equal(seen.status, response.status);
        assert.ok(Buffer.concat(seen.body).equals(response.body), 'body bytes');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('on mutated responses, only ever fails with HttpParseError and never counts a response twice', () => {
    fc.assert(
      fc.property(wellFormed, mutation, pieces, fc.boolean(), (response, changes, sizes, noBody) => {
        const { seen } = feed(mutate(response.wire, changes), sizes, noBody, true);
        assertCountedOnce(seen);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('on arbitrary bytes, only ever fails with HttpParseError and never counts a response twice', () => {
    const start = fc.constantFrom(
      '',
      'HTTP/1.1 200 OK\r\n',
      'HTTP/1.0 ',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    fc.assert(
      fc.property(start, fc.uint8Array({ maxLength: 600 }), pieces, (prefix, bytes, sizes) => {
        const { seen } = feed(Buffer.concat([Buffer.from(prefix), bytes]), sizes, false, true);
        assertCountedOnce(seen);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
