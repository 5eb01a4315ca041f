import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenOnLoopback, type TestServer } from '../helpers/servers.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { startHttpServer, startHttpsServer } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

/** A forward proxy on loopback that counts what it is asked: every host it is asked for is 127.0.0.1. */
interface CountingProxy extends TestServer {
  /** Request targets of plain requests (absolute form). */
  forwarded: string[];
  /** Authorities of CONNECT requests. */
  tunnels: string[];
  /** Proxy-Authorization of each request, plain or CONNECT. */
  credentials: (string | undefined)[];
  /** Answer CONNECT with this status instead of opening a tunnel. */
  refuseWith: number | null;
}

async function startCountingProxy(): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    proxy.forwarded.push(req.url ?? '');
    proxy.credentials.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '');
    const headers: IncomingHttpHeaders = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    proxy.tunnels.push(req.url ?? '');
    proxy.credentials.push(req.headers['proxy-authorization']);
    sockets.add(client);
    client.on('error', () => {});
    if (proxy.refuseWith !== null) {
      client.end(`HTTP/1.1 ${proxy.refuseWith} Refused\r\n\r\n`);
      return;
    }
    const port = Number((req.url ?? '').split(':').at(-1));
    const upstream = connectTcp(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const listening = await listenOnLoopback(server);
  const proxy: CountingProxy = {
    ...listening,
    forwarded: [],
    tunnels: [],
    credentials: [],
    refuseWith: null,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return listening.close();
    },
  };
  return proxy;
}

const certificate = selfSignedCertificate();
let proxy: CountingProxy;
let plain: TestServer;
let secure: TestServer | undefined;
/** Host headers the servers received. */
const hosts: string[] = [];

before(async () => {
  proxy = await startCountingProxy();
  plain = await startHttpServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    res.end(`plain ${req.url}`);
  });
  if (certificate !== null) {
    secure = await startHttpsServer(certificate, (req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end(`secure ${req.url}`);
    });
  }
});

after(async () => {
  await proxy.close();
  await plain.close();
  await secure?.close();
});

function reset(): void {
  proxy.forwarded.length = 0;
  proxy.tunnels.length = 0;
  proxy.credentials.length = 0;
  proxy.refuseWith = null;
  hosts.length = 0;
}

describeEachTransport('HTTP proxies', (transport) => {
  it('sends a plain request through --proxy in absolute form', async () => {
    reset();
    const t = transport.client(plain.url, {}, { proxy: proxy.url, connections: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await t.client.get(`/a?n=${i}`);
        assert.equal(res.error, null);
        assert.equal(res.text(), `plain /a?n=${i}`);
      }
      assert.deepEqual(
        proxy.forwarded,
        [0, 1, 2].map((i) => `${plain.url}/a?n=${i}`),
      );
      assert.deepEqual(hosts, Array(3).fill(`127.0.0.1:${plain.port}`));
    } finally {
      await t.transport.destroy();
    }
  });

  it('tunnels https requests through --proxy with one CONNECT per connection', {
    skip: certificate === null ? 'openssl is not available to make a test certificate' : false,
  }, async () => {
    reset();
    const t = transport.client(secure?.url ?? '', {}, { proxy: proxy.url, insecure: true, connections: 1 });
    try {
      const first = await t.client.get('/s');
      assert.equal(first.error, null);
      assert.equal(first.text(), 'secure /s');
      // undici's ProxyAgent does not tell when its tunnel and handshake ended (docs/http.md).
      if (transport.fastPath) assert.ok(first.timings.tls > 0, `tls ${first.timings.tls}`);
      assert.equal((await t.client.get('/s')).error, null);
      assert.deepEqual(proxy.tunnels, [`127.0.0.1:${secure?.port}`]);
      assert.deepEqual(proxy.forwarded, []);
    } finally {
      await t.transport.destroy();
    }
  });

  it('sends the credentials of the proxy URL as Proxy-Authorization, to the proxy only', async () => {
    reset();
    const withCredentials = proxy.url.replace('http://', 'http://user:pa%20ss@');
    const t = transport.client(plain.url, {}, { proxy: withCredentials });
    try {
      assert.equal((await t.client.get('/auth')).error, null);
      assert.deepEqual(proxy.credentials, [`Basic ${Buffer.from('user:pa ss').toString('base64')}`]);
    } finally {
      await t.transport.destroy();
    }
  });

  it('takes HTTP_PROXY from the environment, except for loopback', async () => {
    reset();
    const environment = { HTTP_PROXY: proxy.url };
    // The proxy resolves the name (to 127.0.0.1): volley never looks it up.
    const named = transport.client(`http://volley-proxy-test.invalid:${plain.port}`, {}, { environment });
    const loopback = transport.client(plain.url, {}, { environment });
    try {
      assert.equal((await named.client.get('/named')).text(), 'plain /named');
      assert.equal((await loopback.client.get('/direct')).text(), 'plain /direct');
      assert.deepEqual(proxy.forwarded, [`http://volley-proxy-test.invalid:${plain.port}/named`]);
      assert.deepEqual(hosts, [`volley-proxy-test.invalid:${plain.port}`, `127.0.0.1:${plain.port}`]);
    } finally {
      await named.transport.destroy();
      await loopback.transport.destroy();
    }
  });

  it('connects directly to a host NO_PROXY names', async () => {
    reset();
    const t = transport.client(
      plain.url,
      {},
      { proxy: proxy.url, environment: { NO_PROXY: 'example.com,127.0.0.1' } },
    );
    try {
      assert.equal((await t.client.get('/direct')).text(), 'plain /direct');
      assert.deepEqual(proxy.forwarded, []);
    } finally {
      await t.transport.destroy();
    }
  });

  it('fails a request whose tunnel the proxy refuses, saying so', {
    skip: certificate === null ? 'openssl is not available to make a test certificate' : false,
  }, async () => {
    reset();
    proxy.refuseWith = 403;
    const t = transport.client(secure?.url ?? '', {}, { proxy: proxy.url, insecure: true });
    try {
      const res = await t.client.get('/refused');
      assert.equal(res.status, 0);
      assert.equal(res.error, 'proxy refused the tunnel (HTTP 403)');
      assert.equal(t.sink.only().error, res.error);
      assert.deepEqual(hosts, []);
    } finally {
      await t.transport.destroy();
    }
  });
});

describe('proxy settings', () => {
  it('fails a proxy URL that is not http://, naming where it came from', () => {
    assert.throws(() => transportWith({ proxy: 'socks5://127.0.0.1:1080' }), {
      message: '--proxy: only http:// proxies are supported, got "socks5://127.0.0.1:1080"',
    });
    assert.throws(() => transportWith({ environment: { HTTPS_PROXY: 'http://[bad' } }), {
      message: 'HTTPS_PROXY: invalid proxy URL "http://[bad"; use e.g. http://proxy.example:3128',
    });
  });
});

import { HttpTransport, type HttpTransportOptions } from '../../src/http/transport.ts';

function transportWith(options: HttpTransportOptions): HttpTransport {
  return new HttpTransport(options);
}
