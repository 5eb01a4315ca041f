import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { PlainPool } from '../../src/http/plain-pool.ts';
import { listenOnLoopback, type TestServer } from '../helpers/servers.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { until } from '../helpers/until.ts';
import { GET, recorder } from './pool-recorder.ts';

const certificate = selfSignedCertificate();
const noOpenssl = certificate === null ? 'openssl is not available to make a test certificate' : false;
/** A name nobody resolves: only the proxy sees it, and it sends everything to 127.0.0.1. */
const NAME = 'volley-pool-test.invalid';
const OPTIONS = {
  connections: 1,
  connectTimeoutMs: 5000,
  keepAliveTimeoutMs: 30_000,
  tls: { rejectUnauthorized: false },
};

/** What an HTTPS server saw of each request and its TLS connection. */
interface Seen {
  resumed: boolean;
  alpn: string | false | null;
  servername: string | false | null | undefined;
  host: string | undefined;
  proxyAuthorization: string | undefined;
}

/** An HTTPS server on loopback closing the connection after each response, so each request opens one. */
async function tlsServer(): Promise<TestServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createHttpsServer({ ...certificate, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const socket = req.socket as TLSSocket;
    seen.push({
      resumed: socket.isSessionReused(),
      alpn: socket.alpnProtocol,
      servername: socket.servername,
      host: req.headers.host,
      proxyAuthorization: req.headers['proxy-authorization'],
    });
    res.setHeader('connection', 'close');
    res.end('secure');
  });
  return { ...(await listenOnLoopback(server, 'https')), seen };
}

/** A proxy on loopback (or `::1`): answers plain requests itself with their request line; tunnels CONNECT to 127.0.0.1. */
async function rawProxy(host = '127.0.0.1') {
  const asked: { line: string; headers: IncomingHttpHeaders }[] = [];
  const state = { refuseWith: null as number | null };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => sockets.delete(client));
    let pending = '';
    const onData = (data: Buffer) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const [line = '', ...fields] = pending.slice(0, end).split('\r\n');
        pending = pending.slice(end + 4);
        const headers: IncomingHttpHeaders = {};
        for (const field of fields) {
          const colon = field.indexOf(':');
          headers[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
        }
        asked.push({ line, headers });
        const [method, target = ''] = line.split(' ');
        if (method !== 'CONNECT') {
          client.write(`HTTP/1.1 200 OK\r\nContent-Length: ${line.length}\r\n\r\n${line}`);
          continue;
        }
        client.removeListener('data', onData);
        if (state.refuseWith !== null) {
          client.end(`HTTP/1.1 ${state.refuseWith} Refused\r\n\r\n`);
          return;
        }
        const upstream = connect(Number(target.split(':').at(-1)), '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client);
          client.pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        return;
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port, asked, state, close };
}

async function send(pool: PlainPool, path = '/') {
  const r = recorder();
  pool.dispatch({ ...GET, path }, r.handler);
  await r.done;
  return r.seen;
}

describe('the plain pool over TLS', { skip: noOpenssl }, () => {
  let server: Awaited<ReturnType<typeof tlsServer>>;
  before(async () => {
    server = await tlsServer();
  });
  after(() => server.close());

  it('verifies the certificate against the given CA and resumes the TLS session on the next connection', async () => {
    server.seen.length = 0;
    const tls = { rejectUnauthorized: true, ca: certificate?.cert };
    const pool = new PlainPool(server.url, { ...OPTIONS, tls }, PlainPool.readBuffer());
    try {
      for (let i = 0; i < 2; i++) {
        const seen = await send(pool);
        assert.deepEqual(
          [seen.status, seen.body, seen.error],
          [200, 'secure', undefined],
          `request ${i + 1}`,
        );
      }
      const host = new URL(server.url).host;
      // An address is never sent as SNI (RFC 6066 §3): the server sees none.
      assert.deepEqual(server.seen, [
        { resumed: false, alpn: 'http/1.1', servername: false, host, proxyAuthorization: undefined },
        { resumed: true, alpn: 'http/1.1', servername: false, host, proxyAuthorization: undefined },
      ]);
    } finally {
      pool.destroy();
    }
  });

  it('fails a server whose certificate it does not trust', async () => {
    const tls = { rejectUnauthorized: true };
    const pool = new PlainPool(server.url, { ...OPTIONS, tls }, PlainPool.readBuffer());
    try {
      assert.match((await send(pool)).error ?? '', /self-signed certificate/);
    } finally {
      pool.destroy();
    }
  });
});

describe('the plain pool through an HTTP proxy', () => {
  let proxy: Awaited<ReturnType<typeof rawProxy>>;
  before(async () => {
    proxy = await rawProxy();
  });
  after(() => proxy.close());

  it("sends plain requests to the proxy in absolute form, with the proxy URL's credentials", async () => {
    proxy.asked.length = 0;
    const url = new URL(`http://user:pa%20ss@127.0.0.1:${proxy.port}`);
    const withPort = new PlainPool(`http://${NAME}:8080`, OPTIONS, PlainPool.readBuffer(), url);
    const withoutPort = new PlainPool(`http://${NAME}`, OPTIONS, PlainPool.readBuffer(), url);
    try {
      assert.equal((await send(withPort, '/a?b=1')).body, `GET http://${NAME}:8080/a?b=1 HTTP/1.1`);
      assert.equal((await send(withoutPort, '/c')).body, `GET http://${NAME}/c HTTP/1.1`);
      const credentials = `Basic ${Buffer.from('user:pa ss').toString('base64')}`;
      assert.deepEqual(
        proxy.asked.map(({ headers }) => [headers.host, headers['proxy-authorization']]),
        [
          [`${NAME}:8080`, credentials],
          [NAME, credentials],
        ],
      );
    } finally {
      withPort.destroy();
      withoutPort.destroy();
    }
  });

  it('sends no credentials when the proxy URL has none', async () => {
    proxy.asked.length = 0;
    const pool = new PlainPool(
      `http://${NAME}`,
      OPTIONS,
      PlainPool.readBuffer(),
      new URL(`http://127.0.0.1:${proxy.port}`),
    );
    try {
      assert.equal((await send(pool, '/')).body, `GET http://${NAME}/ HTTP/1.1`);
      assert.deepEqual(Object.keys(proxy.asked[0]?.headers ?? {}), ['host', 'connection']);
    } finally {
      pool.destroy();
    }
  });

  it('tunnels https through CONNECT to the named host and port, naming the host by SNI inside', {
    skip: noOpenssl,
  }, async () => {
    proxy.asked.length = 0;
    const server = await tlsServer();
    const url = new URL(`http://user:pw@127.0.0.1:${proxy.port}`);
    const origin = `https://${NAME}:${server.port}`;
    const pool = new PlainPool(origin, OPTIONS, PlainPool.readBuffer(), url);
    try {
      const seen = await send(pool, '/s');
      assert.deepEqual([seen.status, seen.body, seen.error], [200, 'secure', undefined]);
      const credentials = `Basic ${Buffer.from('user:pw').toString('base64')}`;
      assert.deepEqual(proxy.asked, [
        {
          line: `CONNECT ${NAME}:${server.port} HTTP/1.1`,
          headers: { host: `${NAME}:${server.port}`, 'proxy-authorization': credentials },
        },
      ]);
      // The credentials are the proxy's: never sent to the server inside the tunnel.
      assert.deepEqual(server.seen, [
        {
          resumed: false,
          alpn: 'http/1.1',
          servername: NAME,
          host: `${NAME}:${server.port}`,
          proxyAuthorization: undefined,
        },
      ]);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('asks the proxy for port 443 when the https origin names none, and fails when it refuses', async () => {
    proxy.asked.length = 0;
    proxy.state.refuseWith = 403;
    const pool = new PlainPool(
      `https://${NAME}`,
      OPTIONS,
      PlainPool.readBuffer(),
      new URL(`http://127.0.0.1:${proxy.port}`),
    );
    try {
      assert.equal((await send(pool)).error, 'proxy refused the tunnel (HTTP 403)');
      assert.deepEqual(
        proxy.asked.map((a) => a.line),
        [`CONNECT ${NAME}:443 HTTP/1.1`],
      );
    } finally {
      proxy.state.refuseWith = null;
      pool.destroy();
    }
  });
});

describe('the plain pool at an IPv6 address', () => {
  it('connects to the address between the brackets, directly and to a proxy', async (t) => {
    let proxy: Awaited<ReturnType<typeof rawProxy>>;
    try {
      proxy = await rawProxy('::1');
    } catch (error) {
      t.skip(`no IPv6 loopback here: ${(error as Error).message}`);
      return;
    }
    const direct = new PlainPool(`http://[::1]:${proxy.port}`, OPTIONS, PlainPool.readBuffer());
    const proxied = new PlainPool(
      `http://${NAME}`,
      OPTIONS,
      PlainPool.readBuffer(),
      new URL(`http://[::1]:${proxy.port}`),
    );
    try {
      // The proxy answers plain requests itself: a direct request reaches it as one in origin form.
      assert.equal((await send(direct, '/d')).body, 'GET /d HTTP/1.1');
      assert.equal((await send(proxied, '/p')).body, `GET http://${NAME}/p HTTP/1.1`);
      assert.equal(proxy.asked[0]?.headers.host, `[::1]:${proxy.port}`);
    } finally {
      direct.destroy();
      proxied.destroy();
      await proxy.close();
    }
  });
});

/**
 * A kept-alive HTTPS server holding /hold, behind a TCP relay that holds the second connection's
 * handshake until `letSecondThrough()`: the first connection can serve the request the second was
 * opened for. Counts the server's handshakes, and the pool's connections closed at the relay.
 */
async function slowSecondConnection() {
  const state = { held: [] as (() => void)[], handshakes: 0, relayed: 0, relayClosed: 0 };
  const tls = createHttpsServer({ ...certificate }, (req, res) => {
    if (req.url === '/hold') state.held.push(() => res.end('held'));
    else res.end('quick');
  });
  tls.on('secureConnection', () => state.handshakes++);
  const upstream = await listenOnLoopback(tls, 'https');
  let letSecondThrough = () => {};
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    state.relayed++;
    sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => state.relayClosed++);
    client.pause();
    const through = () => {
      const server = connect(upstream.port, '127.0.0.1', () => {
        client.pipe(server);
        server.pipe(client);
        client.resume();
      });
      server.on('error', () => {});
      sockets.add(server);
    };
    if (state.relayed === 2) letSecondThrough = through;
    else through();
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as AddressInfo;
  const pool = new PlainPool(
    `https://127.0.0.1:${port}`,
    { ...OPTIONS, connections: 2 },
    PlainPool.readBuffer(),
  );
  /** Both requests served by the first connection while the second is held at the relay. */
  const serveBothOnFirst = async () => {
    const first = recorder();
    pool.dispatch({ ...GET, path: '/hold' }, first.handler);
    await until(() => state.held.length === 1, 'the first request at the server');
    const second = recorder();
    pool.dispatch(GET, second.handler);
    await until(() => state.relayed === 2, 'the second connection at the relay');
    state.held[0]?.();
    await second.done;
    assert.deepEqual([first.seen.body, second.seen.body], ['held', 'quick'], 'both on the first connection');
  };
  const close = async () => {
    pool.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await upstream.close();
  };
  return { state, pool, serveBothOnFirst, letSecondThrough: () => letSecondThrough(), close };
}

describe('the plain pool: a connection slower than the others', { skip: noOpenssl }, () => {
  it('a new connection that finds no request waiting goes idle, and close() does not wait for it', async () => {
    const slow = await slowSecondConnection();
    try {
      await slow.serveBothOnFirst();
      slow.letSecondThrough();
      // The server counts a handshake once the client has finished its own.
      await until(() => slow.state.handshakes === 2, 'the second connection ready');
      await slow.pool.close();
    } finally {
      await slow.close();
    }
  });

  it('a connection that opens after close() resolved is closed at once', async () => {
    const slow = await slowSecondConnection();
    try {
      await slow.serveBothOnFirst();
      await slow.pool.close();
      slow.letSecondThrough();
      // Closed by the pool as soon as its handshake is done (the server may not even see it finish).
      await until(() => slow.state.relayClosed === 2, 'both connections closed');
    } finally {
      await slow.close();
    }
  });
});
