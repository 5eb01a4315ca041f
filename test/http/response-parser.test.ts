import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { HttpParseError, type ResponseEvents, ResponseParser } from '../../src/http/response-parser.ts';

interface Parsed {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ended: boolean;
  reusable: boolean;
  heads: number;
}

function recorder(): ResponseEvents & { result: Parsed } {
  const result: Parsed = { status: 0, headers: {}, body: '', ended: false, reusable: false, heads: 0 };
  return {
    result,
    onHead(status, headers) {
      result.status = status;
      result.headers = headers;
      result.heads++;
    },
    onBody(data, start, end) {
      result.body += data.toString('latin1', start, end);
    },
    onEnd(reusable) {
      result.ended = true;
      result.reusable = reusable;
    },
  };
}

/** Feeds `wire` in pieces of `size` bytes (0: all at once); returns what was parsed and the bytes left over. */
function parse(wire: string, size = 0, noBody = false): Parsed & { leftover: number } {
  const parser = new ResponseParser();
  const events = recorder();
  parser.expect(events, noBody);
  const data = Buffer.from(wire, 'latin1');
  let leftover = 0;
  const step = size === 0 ? data.length : size;
  for (let at = 0; at < data.length; at += step) {
    const piece = data.subarray(at, at + step);
    const consumed = parser.execute(piece);
    if (consumed < piece.length) {
      leftover = data.length - at - consumed;
      break;
    }
  }
  return { ...events.result, leftover };
}

/** Every way of splitting the wire: at once and byte by byte, and a few sizes between. */
function everySplit(
  wire: string,
  check: (parsed: Parsed & { leftover: number }) => void,
  noBody = false,
): void {
  for (const size of [0, 1, 2, 3, 5, 7, 16]) check(parse(wire, size, noBody));
}

describe('ResponseParser', () => {
  it('reads a Content-Length body, however the data is split', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
    everySplit(wire, (r) => {
      assert.equal(r.status, 200);
      assert.deepEqual(r.headers, {
        server: 'nginx',
        'content-type': 'application/json',
        'content-length': '11',
      });
      assert.equal(r.body, '{"ok":true}');
      assert.ok(r.ended);
      assert.ok(r.reusable);
      assert.equal(r.leftover, 0);
    });
  });

  it('reads a chunked body with extensions and trailers, however split', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;ext=1\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';
    everySplit(wire, (r) => {
      assert.equal(r.body, 'hello, world');
      assert.ok(r.ended);
      assert.ok(r.reusable);
    });
  });

  it('skips 1xx responses before the final one', () => {
    const wire =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n' +
      'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok';
    everySplit(wire, (r) => {
      assert.equal(r.heads, 1);
      assert.equal(r.status, 201);
      assert.equal(r.headers.link, undefined);
      assert.equal(r.body, 'ok');
    });
  });

  it('HEAD, 204 and 304 responses have no body even with a Content-Length', () => {
    everySplit(
      'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n',
      (r) => {
        assert.ok(r.ended);
        assert.equal(r.body, '');
      },
      true,
    );
    for (const status of [204, 304]) {
      const r = parse(`HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\n`);
      assert.ok(r.ended);
      assert.ok(r.reusable);
    }
  });

  it('a body without framing runs until the connection closes', () => {
    const parser = new ResponseParser();
    const events = recorder();
    parser.expect(events, false);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome'));
    parser.execute(Buffer.from(' text'));
    assert.ok(parser.endsWithClose);
    assert.equal(events.result.ended, false);
    parser.finishAtClose();
    assert.deepEqual(
      [events.result.body, events.result.ended, events.result.reusable],
      ['some text', true, false],
    );
  });

  it('Connection: close and HTTP/1.0 without keep-alive are not reusable', () => {
    assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').reusable, false);
    assert.equal(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').reusable, false);
    assert.equal(
      parse('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').reusable,
      true,
    );
  });

  it('repeated headers become arrays; names are lower-cased, values trimmed; folded lines joined', () => {
    const r = parse(
      'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Long: one\r\n  two\r\nX-Pad:   v  \r\nContent-Length: 0\r\n\r\n',
    );
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.headers['x-long'], 'one two');
    assert.equal(r.headers['x-pad'], 'v');
  });

  it('reports bytes after the end of a response as not consumed', () => {
    const r = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
    assert.equal(r.body, 'ok');
    assert.equal(r.leftover, 5);
  });

  it('rejects what it cannot read', () => {
    const bad = [
      'HTTP/2 200 OK\r\n\r\n',
      'ICY 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n',
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    ];
    for (const wire of bad) assert.throws(() => parse(wire), HttpParseError, wire);
  });

  it('parses a second response after expect() again (keep-alive)', () => {
    const parser = new ResponseParser();
    for (const body of ['first', 'second']) {
      const events = recorder();
      parser.expect(events, false);
      parser.execute(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
      assert.equal(events.result.body, body);
      assert.ok(parser.idle);
    }
  });
});

describe('ResponseParser head reuse', () => {
  it('gives each response its own headers object, even for identical heads', () => {
    const wire = 'HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n';
    const first = parse(wire);
    first.headers['x-a'] = 'changed';
    const second = parse(wire);
    assert.equal(second.headers['x-a'], '1');
    assert.notEqual(first.headers, second.headers);
    const repeated = 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n';
    (parse(repeated).headers['set-cookie'] as string[]).push('c=3');
    assert.deepEqual(parse(repeated).headers['set-cookie'], ['a=1', 'b=2']);
  });

  it('reuses a head only when the same bytes form a whole head: a longer head sharing its start is parsed', () => {
    const short = 'HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n';
    assert.deepEqual(parse(`${short}ok`).headers, { 'x-a': '1', 'content-length': '2' });
    const longer = 'HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\nX-B: 2\r\n\r\n';
    const r = parse(`${longer}ok`);
    assert.deepEqual([r.headers, r.body], [{ 'x-a': '1', 'content-length': '2', 'x-b': '2' }, 'ok']);
    // The same head split over reads, after it was cached whole.
    assert.deepEqual(parse(`${short}ok`, 7).body, 'ok');
  });

  it('reads only up to the end it is given: a reused read buffer holds stale bytes after it', () => {
    const parser = new ResponseParser();
    const buffer = Buffer.alloc(256, 'x');
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    // Stale bytes that would complete the head, and a stale chunk line, past the end of this read.
    buffer.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n', 'latin1');
    const events = recorder();
    parser.expect(events, false);
    const cut = wire.length - 4;
    assert.equal(parser.execute(buffer, cut), cut);
    assert.equal(events.result.heads, 0);
    buffer.write(wire.slice(cut), 'latin1');
    assert.equal(parser.execute(buffer, wire.length - cut), wire.length - cut);
    assert.deepEqual([events.result.status, events.result.body, events.result.ended], [200, 'ok', true]);
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n';
    const second = recorder();
    parser.expect(second, false);
    buffer.write(`${chunked}\n\n`, 'latin1');
    assert.equal(parser.execute(buffer, chunked.length - 1), chunked.length - 1);
    assert.equal(second.result.ended, false);
    buffer.write('\n', 'latin1');
    parser.execute(buffer, 1);
    assert.deepEqual([second.result.body, second.result.ended], ['ok', true]);
  });
});

/** Feeds `wire` in pieces of `size` bytes; returns the error thrown, or null once all is consumed. */
function parseError(wire: string, size = 0): Error | null {
  try {
    parse(wire, size);
    return null;
  } catch (error) {
    return error as Error;
  }
}

describe('ResponseParser against malformed responses (RFC 9112)', () => {
  it('fails at once on bytes that cannot start an HTTP/1.x response, showing them', () => {
    const error = parseError('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
    assert.ok(error instanceof HttpParseError);
    assert.equal(
      error.message,
      'invalid HTTP response: not an HTTP/1.x response (starts with "SSH-2.0-OpenSSH_9.2p1 Debian-2\\r\\n")',
    );
    for (const size of [1, 3]) assert.ok(parseError('HTTP/2 200\r\n', size) instanceof HttpParseError);
  });

  it('fails at once on a bare LF in the head or in a chunk line, however split', () => {
    for (const size of [0, 1, 4]) {
      assert.match(
        parseError('HTTP/1.1 200 OK\nContent-Length: 2\n', size)?.message ?? '',
        /bad line ending/,
      );
      assert.match(parseError('HTTP/1.1 200 OK\r\nX: 1\n', size)?.message ?? '', /bad line ending/);
      const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
      assert.match(
        parseError(`${chunked}2\nok\r\n0\r\n\r\n`, size)?.message ?? '',
        /bad line in chunked body/,
      );
      assert.match(
        parseError(`${chunked}2\r\nok\n0\r\n\r\n`, size)?.message ?? '',
        /bad line in chunked body/,
      );
      assert.match(parseError(`${chunked}0\r\n\n`, size)?.message ?? '', /bad line in chunked body/);
    }
  });

  it('limits the head to 64 KiB however it is split into reads', () => {
    const head = (bytes: number) =>
      `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(bytes)}\r\nContent-Length: 2\r\n\r\nok`;
    for (const size of [0, 4096, 65_536]) {
      assert.match(
        parseError(head(70 * 1024), size)?.message ?? '',
        /head larger than 64 KiB/,
        `pieces ${size}`,
      );
      assert.match(
        parseError(head(120 * 1024), size)?.message ?? '',
        /head larger than 64 KiB/,
        `pieces ${size}`,
      );
      assert.equal(parse(head(60 * 1024), size).body, 'ok');
    }
  });

  it('rejects header names that are not tokens, and CR or NUL in values', () => {
    const bad = [
      'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nX-A\x00: x\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nX-A: x\x00y\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nX-A: x\ry\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\n: x\r\nContent-Length: 2\r\n\r\nok',
    ];
    for (const wire of bad) {
      for (const size of [0, 1])
        assert.ok(parseError(wire, size) instanceof HttpParseError, JSON.stringify(wire));
    }
  });

  it('rejects obs-fold in framing headers and Content-Length with Transfer-Encoding', () => {
    const bad = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length:\r\n 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    ];
    for (const wire of bad) assert.ok(parseError(wire) instanceof HttpParseError, JSON.stringify(wire));
  });

  it('accepts chunk extensions of several kilobytes', () => {
    const wire = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;ext="${'x'.repeat(2048)}"\r\nok\r\n0\r\n\r\n`;
    everySplit(wire, (r) => {
      assert.equal(r.body, 'ok');
      assert.ok(r.ended);
    });
  });
});

describe('ResponseParser, rule by rule', () => {
  const message = (wire: string, size = 0) => parseError(wire, size)?.message;
  const prefix = 'invalid HTTP response: ';

  it('names what is wrong, with the first 40 bytes received when they help', () => {
    const error = parseError('HTTP/1.1 2000 OK\r\n\r\n');
    assert.ok(error instanceof HttpParseError);
    assert.equal(error.name, 'HttpParseError');
    assert.equal(error.code, 'HPE_INVALID_RESPONSE');
    assert.equal(error.message, `${prefix}bad status line (starts with "HTTP/1.1 2000 OK")`);
    const long = `NOT-HTTP ${'x'.repeat(60)}\r\n\r\n`;
    assert.equal(message(long), `${prefix}not an HTTP/1.x response (starts with "${long.slice(0, 40)}")`);
    const name = `Bad ${'N'.repeat(50)}`;
    assert.equal(
      message(`HTTP/1.1 200 OK\r\n${name}: x\r\n\r\n`),
      `${prefix}bad header name "${name.slice(0, 40)}…"`,
    );
    assert.equal(
      message('HTTP/1.1 101 Switching Protocols\r\n\r\n'),
      `${prefix}unexpected protocol upgrade (101)`,
    );
  });

  it('names each malformed header', () => {
    const head = (lines: string) => `HTTP/1.1 200 OK\r\n${lines}\r\n\r\n`;
    assert.equal(message(head('no colon here')), `${prefix}bad header line`);
    assert.equal(message(head(': x')), `${prefix}bad header line`);
    assert.equal(message(head('Bad Name: x')), `${prefix}bad header name "Bad Name"`);
    assert.equal(
      message(head('Content-Length: 1\r\nContent-Length: 2')),
      `${prefix}conflicting content-length`,
    );
    assert.equal(message(head('Content-Length:')), `${prefix}conflicting content-length`);
    assert.equal(message(head('Content-Length: 1x')), `${prefix}bad content-length`);
    assert.equal(message(head('Content-Length: 1234567890123456')), `${prefix}bad content-length`);
    assert.equal(message(head('Content-Length: 2\r\n 3')), `${prefix}folded content-length header`);
    assert.equal(
      message(head('Transfer-Encoding: gzip,\r\n chunked')),
      `${prefix}folded transfer-encoding header`,
    );
    assert.equal(
      message(head('Content-Length: 2\r\nTransfer-Encoding: chunked')),
      `${prefix}both Content-Length and Transfer-Encoding (RFC 9112 §6.3)`,
    );
  });

  it('names each malformed chunk', () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    assert.equal(message(`${chunked}zz\r\n`), `${prefix}bad chunk size (starts with "zz")`);
    assert.equal(
      message(`${chunked}1234567890abc\r\n`),
      `${prefix}bad chunk size (starts with "1234567890abc")`,
    );
    assert.equal(message(`${chunked}2\r\nokX\r\n`), `${prefix}missing CRLF after chunk`);
    assert.equal(
      message(`${chunked}0\r\nno colon\r\n\r\n`),
      `${prefix}bad trailer line (starts with "no colon")`,
    );
    assert.equal(message(`${chunked}0\r\n: x\r\n\r\n`), `${prefix}bad trailer line (starts with ": x")`);
    assert.equal(message(`${chunked}1${';'.repeat(70 * 1024)}`), `${prefix}chunk line longer than 64 KiB`);
    const trailers = Array.from({ length: 70 }, (_, i) => `X-T${i}: ${'t'.repeat(1000)}\r\n`).join('');
    assert.equal(message(`${chunked}0\r\n${trailers}\r\n`), `${prefix}trailers larger than 64 KiB`);
  });

  it('reads chunk sizes in either case, with spaces and extensions around them', () => {
    const wire = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n b ;x=y\r\nabcdefghijk\r\n0\r\n\r\n`;
    everySplit(wire, (r) => {
      assert.equal(r.body, '0123456789abcdefghijk');
      assert.ok(r.ended);
    });
  });

  it('frames by the last transfer coding: chunked last is chunked, anything else runs until close', () => {
    const joined = parse(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    );
    assert.deepEqual([joined.body, joined.ended, joined.reusable], ['ok', true, true]);
    const parser = new ResponseParser();
    const events = recorder();
    parser.expect(events, false);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw'));
    assert.equal(parser.endsWithClose, true);
    parser.finishAtClose();
    assert.deepEqual([events.result.body, events.result.ended, events.result.reusable], ['raw', true, false]);
  });

  it('reuses a connection unless told to close it, in any case and among other tokens; HTTP/1.0 only when told to keep it', () => {
    const reusable = (minor: number, connection: string | null) =>
      parse(
        `HTTP/1.${minor} 200 OK\r\n${connection === null ? '' : `Connection: ${connection}\r\n`}Content-Length: 0\r\n\r\n`,
      ).reusable;
    assert.equal(reusable(1, null), true);
    assert.equal(reusable(1, 'keep-alive'), true);
    assert.equal(reusable(1, 'Upgrade, Close'), false);
    assert.equal(reusable(1, 'TE'), true);
    assert.equal(reusable(0, null), false);
    assert.equal(reusable(0, 'foo, Keep-Alive'), true);
    assert.equal(reusable(0, 'close'), false);
    const repeated = parse(
      'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
    assert.equal(repeated.reusable, false);
  });

  it('accepts a repeated Content-Length with the same value, and a status line without a reason', () => {
    const r = parse('HTTP/1.1 200\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok');
    assert.deepEqual([r.status, r.body, r.ended], [200, 'ok', true]);
    assert.deepEqual(r.headers['content-length'], ['2', '2']);
  });

  it('ends a zero-length body at once, and leaves later bytes unread', () => {
    const r = parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nNEXT');
    assert.deepEqual([r.ended, r.reusable, r.body, r.leftover], [true, true, '', 4]);
  });

  it('trims tabs around values, joins folded lines onto repeated headers, ignores a fold with nothing before it', () => {
    const r = parse(
      'HTTP/1.1 200 OK\r\nX-Tab:\t v \t\r\nX-R: a\r\nX-R: b\r\n\tc\r\nContent-Length: 0\r\n\r\n',
    );
    assert.equal(r.headers['x-tab'], 'v');
    assert.deepEqual(r.headers['x-r'], ['a', 'b c']);
  });

  it('consumes nothing when no response is expected, and finishing at close is a no-op unless the body runs until close', () => {
    const parser = new ResponseParser();
    assert.equal(parser.idle, true);
    assert.equal(parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), 0);
    const events = recorder();
    parser.expect(events, false);
    assert.equal(parser.idle, false);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'));
    assert.equal(parser.endsWithClose, false);
    parser.finishAtClose();
    assert.equal(events.result.ended, false);
    parser.execute(Buffer.from('cde'));
    assert.deepEqual([events.result.body, events.result.ended, parser.idle], ['abcde', true, true]);
  });

  it('reads a head whose blank line is split across reads at every byte', () => {
    for (const cut of [1, 2, 3]) {
      const parser = new ResponseParser();
      const events = recorder();
      parser.expect(events, false);
      const head = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n';
      const at = head.length - 4 + cut;
      parser.execute(Buffer.from(head.slice(0, at)));
      assert.equal(events.result.heads, 0);
      parser.execute(Buffer.from(`${head.slice(at)}ok`));
      assert.deepEqual([events.result.status, events.result.body, events.result.ended], [200, 'ok', true]);
    }
  });
});
