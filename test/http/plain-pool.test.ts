import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/until.ts';
import { startHttpServer } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

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
