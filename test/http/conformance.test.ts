/**
 * The HTTP/1.1 conformance suite: crafted, broken and hostile responses from a raw TCP server, each
 * case run over both transports. Each asserts what volley counts (one sample), the failure's class,
 * the body bytes, the requests the server saw, and that the client gave its answer in bounded time.
 * Where the transports differ on purpose, the case says so and docs/http.md says why.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { selfSignedCertificate } from '../helpers/tls.ts';
import {
  type Answer,
  type ReceivedRequest,
  resetConnection,
  response,
  startTortureServer,
  type TortureServer,
  writeInPieces,
} from './torture-server.ts';
import { describeEachTransport, type TransportUnderTest } from './transports.ts';

/** What a case expects: a response (status, body, some headers), or a failure of a class. */
type Outcome =
  | { status: number; body: string | Buffer; headers?: Record<string, string | string[]> }
  | { error: 'invalid' | 'reset' | 'timeout' };

interface Case {
  name: string;
  method?: 'GET' | 'HEAD' | 'POST';
  answer: Answer;
  expect: Outcome;
  /** When undici behaves otherwise on purpose (docs/http.md). */
  undici?: Outcome;
  /** Requests the server receives for the case: 1 unless said. */
  requests?: number;
  /** The client's timeout; cases that stall set it short. */
  timeoutMs?: number;
  /** Whether the next request goes over the same connection; unchecked when undefined. */
  reuses?: boolean;
  /** When undici reuses otherwise on purpose (docs/http.md). */
  undiciReuses?: boolean;
  /** The answer comes within this; default 2 s, well under the default timeout of 10 s. */
  withinMs?: number;
}

const ERROR_CLASSES = {
  invalid: /^invalid HTTP response: /,
  reset: /^connection reset \(/,
  timeout: /^timeout: /,
};

const OK = (body: string, headers?: Record<string, string | string[]>): Outcome => ({
  status: 200,
  body,
  ...(headers === undefined ? {} : { headers }),
});
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
const bigHead = (bytes: number) =>
  `HTTP/1.1 200 OK\r\nX-Big: ${'h'.repeat(bytes)}\r\nContent-Length: 2\r\n\r\nok`;
const MiB = 1024 * 1024;
const bigBody = Buffer.alloc(8 * MiB, 'b');

function write(wire: string | Buffer): Answer {
  return (socket) => {
    socket.write(wire);
  };
}

function end(wire: string | Buffer): Answer {
  return (socket) => {
    socket.end(wire);
  };
}

function inPieces(wire: string, size: number): Answer {
  return (socket) => writeInPieces(socket, wire, size);
}

/** Writes `wire`, then resets the connection (RST) once it is sent. */
function thenReset(wire: string): Answer {
  return (socket) => {
    if (wire === '') resetConnection(socket);
    else socket.write(wire, () => resetConnection(socket));
  };
}

const CASES: Case[] = [
  // Content-Length
  {
    name: 'reads a Content-Length body and reuses the connection',
    answer: write(response('hello')),
    expect: OK('hello'),
    reuses: true,
  },
  {
    name: 'does not reuse a connection after Connection: close',
    answer: write(response('bye', ['Connection: close'])),
    expect: OK('bye'),
    reuses: false,
  },
  {
    name: 'does not reuse a connection the server keeps for Keep-Alive: timeout=1',
    answer: write(response('ok', ['Keep-Alive: timeout=1'])),
    expect: OK('ok'),
    reuses: false,
  },
  {
    name: 'reads a response written one byte at a time',
    answer: inPieces(response('hello', ['Server: trickle']), 1),
    expect: OK('hello', { server: 'trickle' }),
  },
  { name: 'reads an empty Content-Length body', answer: write(response('')), expect: OK('') },
  {
    name: 'reads an 8 MiB body',
    answer: (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${bigBody.length}\r\n\r\n`);
      socket.write(bigBody);
    },
    expect: OK(bigBody.toString('latin1')),
  },
  {
    name: 'accepts a status line without a reason phrase',
    answer: write('HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok'),
    expect: OK('ok'),
  },
  {
    name: 'reads a 201 with its status',
    answer: write(response('made', [], '201 Created')),
    expect: { status: 201, body: 'made' },
  },

  // Chunked transfer coding
  {
    name: 'reads a chunked body',
    answer: write(`${CHUNKED}5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`),
    expect: OK('hello world'),
    reuses: true,
  },
  {
    name: 'reads chunk sizes in upper case hex with leading zeros',
    answer: write(`${CHUNKED}000A\r\n0123456789\r\n0\r\n\r\n`),
    expect: OK('0123456789'),
  },
  {
    name: 'reads a chunked body with chunk extensions',
    answer: write(`${CHUNKED}5;name=value;flag\r\nhello\r\n0;last\r\n\r\n`),
    expect: OK('hello'),
  },
  {
    name: 'reads a chunked body with a 2 KB chunk extension',
    answer: write(`${CHUNKED}5;ext="${'e'.repeat(2048)}"\r\nhello\r\n0\r\n\r\n`),
    expect: OK('hello'),
  },
  {
    name: 'reads a chunked body with trailers',
    answer: write(`${CHUNKED}5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n`),
    expect: OK('hello'),
  },
  {
    name: 'reads a chunked body with extensions and trailers written one byte at a time',
    answer: inPieces(`${CHUNKED}3;a=b\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n`, 1),
    expect: OK('abcde'),
  },
  {
    name: 'reads Transfer-Encoding: Chunked in any case',
    answer: write('HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'),
    expect: OK('ok'),
  },
  {
    name: 'reads a 4 MiB chunked body in 64 KiB chunks',
    answer: (socket) => {
      socket.write(CHUNKED);
      const chunk = Buffer.alloc(64 * 1024, 'c');
      for (let i = 0; i < 64; i++)
        socket.write(Buffer.concat([Buffer.from('10000\r\n'), chunk, Buffer.from('\r\n')]));
      socket.write('0\r\n\r\n');
    },
    expect: OK('c'.repeat(4 * MiB)),
  },
  {
    name: 'fails a chunk size that is not hex',
    answer: write(`${CHUNKED}zz\r\nhello\r\n0\r\n\r\n`),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a chunk not followed by CRLF',
    answer: write(`${CHUNKED}2\r\nokX\r\n0\r\n\r\n`),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails at once on a chunk-size line ended by a bare LF',
    answer: write(`${CHUNKED}2\nok\r\n0\r\n\r\n`),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a chunked body cut short by the end of the connection',
    answer: end(`${CHUNKED}5\r\nhel`),
    expect: { error: 'reset' },
  },

  // Bodies delimited by the end of the connection; HTTP/1.0
  {
    name: 'reads a body delimited by the end of the connection',
    answer: end('HTTP/1.1 200 OK\r\n\r\nuntil the end'),
    expect: OK('until the end'),
  },
  {
    name: 'fails a body delimited by the end of the connection when a reset cuts it',
    answer: thenReset('HTTP/1.1 200 OK\r\n\r\ncut short'),
    expect: { error: 'reset' },
    undici: OK('cut short'),
  },
  {
    name: 'reads an HTTP/1.0 response delimited by the end of the connection',
    answer: end('HTTP/1.0 200 OK\r\nServer: old\r\n\r\nten bytes!'),
    expect: OK('ten bytes!', { server: 'old' }),
  },
  {
    name: 'reads an HTTP/1.0 response with a Content-Length',
    answer: write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'),
    expect: OK('ok'),
    reuses: false,
  },
  {
    name: 'reuses an HTTP/1.0 connection kept alive by Connection: keep-alive',
    answer: write('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok'),
    expect: OK('ok'),
    reuses: true,
  },

  // 1xx, 204, 304, HEAD
  {
    name: 'skips 100 Continue before the final response',
    answer: write(`HTTP/1.1 100 Continue\r\n\r\n${response('final')}`),
    expect: OK('final'),
    // undici fails a 100 Continue it did not ask for (no Expect: 100-continue); RFC 9110 §15.2 says parse it.
    undici: { error: 'invalid' },
  },
  {
    name: 'skips 103 Early Hints, written apart, before the final response',
    answer: async (socket) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n');
      await sleep(20);
      socket.write(response('final'));
    },
    expect: OK('final'),
  },
  {
    name: 'fails an unexpected 101 Switching Protocols',
    answer: write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
    expect: { error: 'invalid' },
  },
  {
    name: 'reads a 204 as having no body',
    answer: write('HTTP/1.1 204 No Content\r\n\r\n'),
    expect: { status: 204, body: '' },
  },
  {
    name: 'reads a 304 as having no body, whatever its Content-Length',
    answer: write('HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n'),
    expect: { status: 304, body: '' },
  },
  {
    name: 'reads the response to HEAD as having no body, whatever its Content-Length',
    method: 'HEAD',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'),
    expect: OK('', { 'content-length': '1234' }),
    reuses: true,
    // undici closes the connection after every HEAD, in case the server sends a body anyway.
    undiciReuses: false,
  },

  // Framing that cannot be trusted
  {
    name: 'fails Content-Length together with Transfer-Encoding',
    answer: write(
      `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n`,
    ),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a folded Transfer-Encoding',
    answer: write('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'),
    expect: { error: 'invalid' },
  },
  {
    name: 'reads a Content-Length repeated with the same value',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'),
    expect: OK('ok'),
    // RFC 9110 §8.6 allows either; undici rejects any repeated Content-Length.
    undici: { error: 'invalid' },
  },
  {
    name: 'fails conflicting Content-Lengths',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a Content-Length that is not a number',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a negative Content-Length',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a space between a header name and its colon',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a body shorter than its Content-Length when the connection ends',
    answer: end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'),
    expect: { error: 'reset' },
  },

  // Sizes
  { name: 'reads a 60 KiB head', answer: write(bigHead(60 * 1024)), expect: OK('ok') },
  {
    name: 'fails a 70 KiB head written in 4 KiB pieces',
    answer: inPieces(bigHead(70 * 1024), 4096),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a 120 KiB head written at once',
    answer: write(bigHead(120 * 1024)),
    expect: { error: 'invalid' },
  },

  // Resets, ends and stalls
  { name: 'fails a reset before any byte', answer: thenReset(''), expect: { error: 'reset' } },
  {
    name: 'fails a reset in the middle of a body',
    answer: thenReset('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome of it'),
    expect: { error: 'reset' },
  },
  {
    name: 'fails a connection ended before any byte',
    answer: (socket) => {
      socket.end();
    },
    expect: { error: 'reset' },
  },
  {
    name: 'times out on a server that never answers',
    answer: () => {},
    expect: { error: 'timeout' },
    timeoutMs: 300,
  },
  {
    name: 'times out on a body that stalls',
    answer: write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome of it'),
    expect: { error: 'timeout' },
    timeoutMs: 300,
  },

  // Not HTTP
  {
    name: 'fails at once on an SSH banner',
    answer: write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'),
    expect: { error: 'invalid' },
    withinMs: 1000,
  },
  {
    name: 'fails at once on a head whose lines end with a bare LF',
    answer: write('HTTP/1.1 200 OK\nContent-Length: 2\n\nok'),
    expect: { error: 'invalid' },
    withinMs: 1000,
  },
  {
    name: 'fails a status code of four digits',
    answer: write('HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails an HTTP/2 status line',
    answer: write('HTTP/2 200\r\ncontent-length: 2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'reads a response followed by junk, and does not reuse that connection',
    answer: write(`${response('ok')}JUNK AFTER THE RESPONSE`),
    expect: OK('ok'),
    reuses: false,
  },

  // Headers
  {
    name: 'lower-cases header names sent in odd case',
    answer: write(
      'HTTP/1.1 200 OK\r\ncOnTeNt-TyPe: text/plain\r\nX-MiXeD: Value\r\ncontent-LENGTH: 2\r\n\r\nok',
    ),
    expect: OK('ok', { 'content-type': 'text/plain', 'x-mixed': 'Value' }),
  },
  {
    name: 'keeps every value of a repeated header',
    answer: write(response('ok', ['X-Multi: one', 'X-Multi: two', 'Set-Cookie: a=1', 'Set-Cookie: b=2'])),
    expect: OK('ok', { 'x-multi': ['one', 'two'], 'set-cookie': ['a=1', 'b=2'] }),
  },
  {
    name: 'reads non-ASCII header values byte for byte (latin1)',
    answer: write(
      Buffer.concat([
        Buffer.from('HTTP/1.1 200 OK\r\nX-Name: '),
        Buffer.from('Zoë ✓'),
        Buffer.from('\r\nContent-Length: 2\r\n\r\nok'),
      ]),
    ),
    expect: OK('ok', { 'x-name': Buffer.from('Zoë ✓').toString('latin1') }),
  },
  {
    name: 'joins a folded header value with a space',
    answer: write('HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nContent-Length: 2\r\n\r\nok'),
    expect: OK('ok', { 'x-folded': 'one two' }),
    // RFC 9112 §5.2: a user agent replaces obs-fold with spaces; undici's llhttp rejects it.
    undici: { error: 'invalid' },
  },
  {
    name: 'fails a header name that is not a token',
    answer: write('HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a NUL in a header value',
    answer: write('HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
  {
    name: 'fails a bare CR in a header value',
    answer: write('HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok'),
    expect: { error: 'invalid' },
  },
];

const certificate = selfSignedCertificate();

/** Every case over plain TCP and over TLS (the same bytes, encrypted), each over both transports. */
for (const overTls of [false, true]) {
  describeEachTransport(`HTTP/1.1 conformance${overTls ? ' over TLS' : ''}`, (transport) => {
    let server: TortureServer;
    const skip =
      overTls && certificate === null ? 'openssl is not available to make a test certificate' : false;

    before(async () => {
      if (skip !== false) return;
      server = await startTortureServer(
        (socket: Socket, request: ReceivedRequest) => {
          if (request.path === '/ok') {
            socket.write(response('ok'));
            return;
          }
          const index = Number(request.path.slice('/case/'.length));
          return (CASES[index] as Case).answer(socket, request);
        },
        overTls ? certificate : null,
      );
    });

    after(() => server?.close());

    CASES.forEach((testCase, index) => {
      const expected = (!transport.fastPath && testCase.undici) || testCase.expect;
      it(testCase.name, { skip }, async () => {
        await runCase(transport, server, testCase, index, expected);
      });
    });
  });
}

async function runCase(
  transport: TransportUnderTest,
  server: TortureServer,
  testCase: Case,
  index: number,
  expected: Outcome,
): Promise<void> {
  const timeoutMs = testCase.timeoutMs ?? 10_000;
  // The TLS server's certificate is self-signed.
  const t = transport.client(server.url, { timeoutMs }, { connections: 1, insecure: true });
  try {
    const before = server.requests();
    const startedAt = performance.now();
    const res =
      testCase.method === 'HEAD'
        ? await t.client.head(`/case/${index}`)
        : await t.client.get(`/case/${index}`);
    const tookMs = performance.now() - startedAt;
    assert.equal(t.sink.samples.length, 1, 'counted once');
    assert.equal(server.requests() - before, testCase.requests ?? 1, 'requests the server received');
    if ('error' in expected) {
      assert.match(res.error ?? 'no error', ERROR_CLASSES[expected.error]);
    } else {
      assert.equal(res.error, null);
      assert.equal(res.status, expected.status);
      const body = Buffer.from(res.bytes());
      const wanted = typeof expected.body === 'string' ? Buffer.from(expected.body, 'latin1') : expected.body;
      assert.equal(body.length, wanted.length, 'body length');
      assert.ok(body.equals(wanted), 'body bytes');
      for (const [name, value] of Object.entries(expected.headers ?? {})) {
        assert.deepEqual(res.headers[name], value, `header ${name}`);
      }
    }
    const withinMs = testCase.withinMs ?? (testCase.timeoutMs === undefined ? 2000 : timeoutMs + 2000);
    assert.ok(tookMs < withinMs, `answered in ${Math.round(tookMs)} ms, not within ${withinMs} ms`);
    // Whatever happened, the client recovers: the next request succeeds.
    const connections = server.connections();
    const next = await t.client.get('/ok');
    assert.equal(next.error, null);
    assert.equal(next.text(), 'ok');
    const reuses = transport.fastPath ? testCase.reuses : (testCase.undiciReuses ?? testCase.reuses);
    if (reuses !== undefined) assert.equal(server.connections() === connections, reuses, 'connection reused');
  } finally {
    await t.transport.destroy();
  }
}
