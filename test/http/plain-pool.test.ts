import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isPlainRequest, isPlainRequestLine, PlainPool } from '../../src/http/plain-pool.ts';
import { until } from '../helpers/until.ts';
import { startHttpServer } from './helpers.ts';
import { GET, recorder } from './pool-recorder.ts';
import { describeEachTransport } from './transports.ts';

const OPTIONS = {
  connections: 10,
  connectTimeoutMs: 5000,
  keepAliveTimeoutMs: 30_000,
  tls: { rejectUnauthorized: true },
};

/** A raw TCP server answering each request head with whatever `answer` returns for its path. */
async function rawServer(answer: (path: string, socket: Socket) => string | null): Promise<{
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const path = head.split(' ')[1] ?? '/';
        const reply = answer(path, socket);
        if (reply !== null) socket.write(reply, 'latin1');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describeEachTransport('plain HTTP/1.1 client', (transport) => {
  describe('plain HTTP/1.1 client (fast path)', () => {
    let raw: Awaited<ReturnType<typeof rawServer>>;

    before(async () => {
      raw = await rawServer((path, socket) => {
        switch (path) {
          case '/chunked':
            return 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n';
          case '/close':
            return 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nclose';
          case '/until-close':
            socket.end('HTTP/1.1 200 OK\r\n\r\nall of it');
            return null;
          case '/garbage':
            return 'SPDY/3 200 OK\r\n\r\n';
          case '/extra':
            return 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA';
          case '/cookies':
            return 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; Path=/\r\nContent-Length: 0\r\n\r\n';
          default:
            return 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
        }
      });
    });

    after(() => raw.close());

    it("sends each request's own line and headers on a kept connection, however the last one looked", async () => {
      const server = await startHttpServer((req, res) => {
        res.end(
          `${req.method} ${req.url} ${req.headers['x-a'] ?? '-'} ${req.headers['content-length'] ?? '-'}`,
        );
      });
      const t = transport.client(server.url, {}, { connections: 1 });
      try {
        const seen: string[] = [];
        for (const send of [
          () => t.client.get('/a'),
          () => t.client.get('/a'),
          () => t.client.get('/a', { headers: { 'x-a': '1' } }),
          () => t.client.get('/a'),
          () => t.client.get('/b'),
          () => t.client.post('/b'),
          () => t.client.get('/b'),
        ]) {
          seen.push((await send()).text());
        }
        assert.deepEqual(seen, [
          'GET /a - -',
          'GET /a - -',
          'GET /a 1 -',
          'GET /a - -',
          'GET /b - -',
          'POST /b - 0',
          'GET /b - -',
        ]);
      } finally {
        await t.transport.destroy();
        await server.close();
      }
    });

    it('keeps one connection alive across requests', async () => {
      const t = transport.client(raw.url, {}, { connections: 1 });
      try {
        const before = raw.connections();
        for (let i = 0; i < 5; i++) assert.equal((await t.client.get('/')).text(), 'ok');
        assert.equal(raw.connections() - before, 1);
      } finally {
        await t.transport.destroy();
      }
    });

    it('reads chunked bodies, bodies until close, and reconnects after Connection: close', async () => {
      const t = transport.client(raw.url);
      try {
        assert.equal((await t.client.get('/chunked')).text(), 'abcdef');
        assert.equal((await t.client.get('/close')).text(), 'close');
        assert.equal((await t.client.get('/until-close')).text(), 'all of it');
        assert.equal((await t.client.get('/')).text(), 'ok');
        assert.ok(t.sink.samples.every((s) => s.error === null));
      } finally {
        await t.transport.destroy();
      }
    });

    it('fails a request whose response is not HTTP/1.x, and recovers', async () => {
      const t = transport.client(raw.url);
      try {
        const res = await t.client.get('/garbage');
        assert.equal(res.ok, false);
        assert.equal(res.status, 0);
        const wanted = transport.fastPath
          ? /^invalid HTTP response: not an HTTP\/1.x response \(starts with "SPDY\/3 200 OK"\)$/
          : /^invalid HTTP response: /;
        assert.match(res.error ?? '', wanted);
        assert.equal((await t.client.get('/')).text(), 'ok');
      } finally {
        await t.transport.destroy();
      }
    });

    it('closes a connection that sent more than the response, without failing the response', async () => {
      const t = transport.client(raw.url);
      try {
        const before = raw.connections();
        assert.equal((await t.client.get('/extra')).text(), 'ok');
        assert.equal((await t.client.get('/')).text(), 'ok');
        assert.equal(raw.connections() - before, 2);
      } finally {
        await t.transport.destroy();
      }
    });

    it('keeps every Set-Cookie of a response', async () => {
      const t = transport.client(raw.url);
      try {
        await t.client.get('/cookies');
        assert.deepEqual(t.client.cookies(), { a: '1', b: '2' });
      } finally {
        await t.transport.destroy();
      }
    });

    it('queues requests beyond the connection limit', async () => {
      const t = transport.client(raw.url, {}, { connections: 2 });
      try {
        const before = raw.connections();
        const responses = await Promise.all(Array.from({ length: 10 }, () => t.client.get('/')));
        assert.ok(responses.every((r) => r.text() === 'ok'));
        assert.ok(raw.connections() - before <= 2);
      } finally {
        await t.transport.destroy();
      }
    });

    it('sends bodies with their length, and an empty POST with content-length: 0', async () => {
      const seen: { method: string; length: string | undefined; body: string }[] = [];
      const server = await startHttpServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => {
          body += chunk;
        });
        req.on('end', () => {
          seen.push({ method: req.method ?? '', length: req.headers['content-length'], body });
          res.end('done');
        });
      });
      const t = transport.client(server.url);
      try {
        await t.client.post('/a', { json: { name: 'Zoë' } });
        await t.client.put('/b', { body: new Uint8Array([104, 105]) });
        await t.client.post('/c');
        assert.deepEqual(seen, [
          { method: 'POST', length: '15', body: '{"name":"Zoë"}' },
          { method: 'PUT', length: '2', body: 'hi' },
          { method: 'POST', length: '0', body: '' },
        ]);
      } finally {
        await t.transport.destroy();
        await server.close();
      }
    });

    it('close() waits for requests in flight and queued', async () => {
      // The server holds every answer until the test lets go, so close() is called with one request in
      // flight and two queued behind it on the one connection.
      let received = 0;
      let letGo = false;
      const held: ServerResponse[] = [];
      const server = await startHttpServer((_req, res) => {
        received += 1;
        if (letGo) res.end('late');
        else held.push(res);
      });
      const t = transport.client(server.url, {}, { connections: 1 });
      try {
        const pending = [t.client.get('/'), t.client.get('/'), t.client.get('/')];
        await until(() => received === 1, 'the first request at the server');
        let closed = false;
        const closing = t.transport.close().then(() => {
          closed = true;
        });
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(closed, false, 'close() waits while a request is in flight');
        letGo = true;
        for (const res of held) res.end('late');
        await closing;
        assert.equal(received, 3, 'the queued requests were sent, not dropped');
        for (const response of await Promise.all(pending)) assert.equal(response.text(), 'late');
      } finally {
        await server.close();
      }
    });
  });
});

describe('which requests the plain pool takes (the rest go to undici)', () => {
  it('takes string, byte and absent bodies with plain header names and values', () => {
    assert.equal(isPlainRequest(null, { accept: 'text/plain', 'x-tab': 'a\tb', 'x-utf8': 'é' }), true);
    assert.equal(isPlainRequest(undefined, {}), true);
    assert.equal(isPlainRequest('text', {}), true);
    assert.equal(isPlainRequest(new Uint8Array([1]), {}), true);
  });

  it('leaves other bodies, odd headers and framing or connection headers to undici', () => {
    assert.equal(isPlainRequest(new FormData(), {}), false);
    assert.equal(isPlainRequest({ a: 1 }, {}), false);
    assert.equal(isPlainRequest(null, { 'bad name': 'x' }), false);
    assert.equal(isPlainRequest(null, { ok: 'line\r\nbreak' }), false);
    assert.equal(isPlainRequest(null, { ok: ['a', 'b'] as unknown as string }), false);
    for (const name of [
      'Host',
      'connection',
      'content-length',
      'transfer-encoding',
      'keep-alive',
      'upgrade',
      'expect',
      'te',
    ]) {
      assert.equal(isPlainRequest(null, { [name]: 'x' }), false, name);
    }
  });

  it('takes token methods and printable paths, never CONNECT', () => {
    assert.equal(isPlainRequestLine('GET', '/a?b=1'), true);
    assert.equal(isPlainRequestLine('PURGE', '/é'), true);
    assert.equal(isPlainRequestLine('CONNECT', 'h:443'), false);
    assert.equal(isPlainRequestLine('GE T', '/'), false);
    assert.equal(isPlainRequestLine('GET', '/a b'), false);
    assert.equal(isPlainRequestLine('GET', ''), false);
    // The last valid line is remembered: a different one is checked again.
    assert.equal(isPlainRequestLine('GET', '/'), true);
    assert.equal(isPlainRequestLine('GET', '/ x'), false);
    assert.equal(isPlainRequestLine('G T', '/'), false);
    assert.equal(isPlainRequestLine('CONNECT', '/'), false);
    assert.equal(isPlainRequestLine('GET', '/'), true);
  });
});

describe('the plain pool on its own', () => {
  /**
   * A raw server that answers each request at once (no keep-alive hint, so the pool's own timeout
   * applies), or never while `hold` is set; it counts connections opened and closed.
   */
  async function countingServer(options: { head?: string; dropSecondRequest?: boolean } = {}) {
    const state = { opened: 0, closed: 0, received: 0, hold: false };
    const head = options.head ?? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n';
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      state.opened++;
      sockets.add(socket);
      socket.on('close', () => {
        state.closed++;
        sockets.delete(socket);
      });
      socket.on('error', () => {});
      let pending = '';
      let onThisConnection = 0;
      socket.on('data', (data) => {
        pending += data.toString('latin1');
        for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
          pending = pending.slice(end + 4);
          state.received++;
          onThisConnection++;
          // A server closing a kept-alive connection just as the next request arrives.
          if (options.dropSecondRequest === true && onThisConnection === 2) socket.destroy();
          else if (!state.hold) socket.write(`${head}ok`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const close = () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    return { server: { url: `http://127.0.0.1:${port}`, close }, state };
  }

  it('fails a request dispatched after close() at once', async () => {
    const pool = new PlainPool('http://127.0.0.1:1', OPTIONS, PlainPool.readBuffer());
    await pool.close();
    const r = recorder();
    pool.dispatch(GET, r.handler);
    await r.done;
    assert.equal(r.seen.error, 'the HTTP transport is closed');
  });

  it('closes a connection idle for longer than the keep-alive timeout at a sweep, not before', async () => {
    const { server, state } = await countingServer();
    const pool = new PlainPool(server.url, { ...OPTIONS, keepAliveTimeoutMs: 1000 }, PlainPool.readBuffer());
    try {
      // Whole milliseconds: (t + 1000) - t is then exactly 1000, not a rounding error either side of it.
      const t = Math.floor(performance.now());
      pool.sweep(t); // the pool's clock: a connection going idle now is idle since t
      const first = recorder();
      pool.dispatch(GET, first.handler);
      await first.done;
      assert.equal(first.seen.body, 'ok');
      pool.sweep(t + 1000);
      const second = recorder();
      pool.dispatch(GET, second.handler);
      await second.done;
      assert.equal(state.opened, 1, 'reused after exactly the timeout');
      // Idle again since the last sweep's time, t + 1000: a millisecond past the timeout at t + 2001.
      pool.sweep(t + 2001);
      await until(() => state.closed === 1, 'the idle connection closed');
      const third = recorder();
      pool.dispatch(GET, third.handler);
      await third.done;
      assert.equal(state.opened, 2);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('destroy() fails the requests in flight and queued, and closes every connection', async () => {
    const { server, state } = await countingServer();
    state.hold = true;
    const pool = new PlainPool(server.url, { ...OPTIONS, connections: 1 }, PlainPool.readBuffer());
    try {
      const requests = [recorder(), recorder(), recorder()];
      for (const r of requests) pool.dispatch(GET, r.handler);
      await until(() => state.received === 1, 'the first request at the server');
      pool.destroy();
      await Promise.all(requests.map((r) => r.done));
      assert.deepEqual(
        requests.map((r) => r.seen.error),
        Array(3).fill('the HTTP transport was destroyed'),
      );
      await until(() => state.closed === 1, 'the connection closed');
    } finally {
      await server.close();
    }
  });

  it('a refused connection fails the oldest waiting request, and the next one connects again', async () => {
    const { server } = await countingServer();
    const url = server.url;
    await server.close(); // nothing listens there now
    const pool = new PlainPool(url, { ...OPTIONS, connections: 1 }, PlainPool.readBuffer());
    try {
      const requests = [recorder(), recorder()];
      for (const r of requests) pool.dispatch(GET, r.handler);
      await Promise.all(requests.map((r) => r.done));
      for (const r of requests) assert.match(r.seen.error ?? '', /ECONNREFUSED/);
    } finally {
      pool.destroy();
    }
  });

  it('close() resolves once the last request is done, with nothing left open', async () => {
    const { server, state } = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const r = recorder();
      pool.dispatch(GET, r.handler);
      await r.done;
      await pool.close();
      await until(() => state.closed === state.opened, 'every connection closed');
    } finally {
      await server.close();
    }
  });

  it('sends a request again on a new connection when a reused one turns out closed', async () => {
    const { server, state } = await countingServer({ dropSecondRequest: true });
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      for (let i = 0; i < 2; i++) {
        const r = recorder();
        pool.dispatch(GET, r.handler);
        await r.done;
        assert.deepEqual([r.seen.body, r.seen.error], ['ok', undefined], `request ${i + 1}`);
      }
      assert.equal(state.opened, 2);
      assert.equal(state.received, 3, 'the dropped request was sent once more');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('does not reuse a connection idle for longer than its server said it keeps connections', async () => {
    // timeout=2: the pool keeps it a second less, 1 s, like undici.
    const { server, state } = await countingServer({
      head: 'HTTP/1.1 200 OK\r\nKeep-Alive: timeout=2\r\nContent-Length: 2\r\n\r\n',
    });
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const first = recorder();
      pool.dispatch(GET, first.handler);
      await first.done;
      const soon = recorder();
      pool.dispatch(GET, soon.handler);
      await soon.done;
      assert.equal(state.opened, 1, 'reused within the second');
      const idleFrom = performance.now();
      // The rule is about time passing: wait until the connection has been idle for over a second.
      await until(() => performance.now() - idleFrom > 1100, 'a second and a bit', 5000);
      const late = recorder();
      pool.dispatch(GET, late.handler);
      await late.done;
      assert.equal(late.seen.body, 'ok');
      assert.equal(state.opened, 2);
      await until(() => state.closed === 1, 'the expired connection closed, not just left');
    } finally {
      pool.destroy();
      await server.close();
    }
  });
});
