import assert from 'node:assert/strict';
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { testClient } from './helpers.ts';

const certificate = selfSignedCertificate();

interface H2Server {
  url: string;
  /** HTTP version of each request received. */
  versions: string[];
  /** Distinct connections (HTTP/2 sessions, or sockets for HTTP/1.1) requests came on. */
  connections: Set<unknown>;
  close(): Promise<void>;
}

async function listen(server: Http2Server | Http2SecureServer, scheme: string): Promise<H2Server> {
  const versions: string[] = [];
  const connections = new Set<unknown>();
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => sessions.add(session));
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    versions.push(req.httpVersion);
    connections.add(req.stream?.session ?? req.socket);
    setTimeout(() => res.end(`hello over ${req.httpVersion}`), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    versions,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

const noOpenssl = certificate === null ? 'openssl is not available to make a test certificate' : false;

describe('HTTP/2 (--http2, through undici)', () => {
  let secure: H2Server;
  let cleartext: H2Server;

  before(async () => {
    if (certificate !== null)
      secure = await listen(createSecureServer({ ...certificate, allowHTTP1: true }), 'https');
    cleartext = await listen(createServer(), 'http');
  });

  after(async () => {
    await secure?.close();
    await cleartext.close();
  });

  it('speaks h2 over TLS (ALPN), many requests as streams of one connection, each with its own timings', {
    skip: noOpenssl,
  }, async () => {
    secure.versions.length = 0;
    secure.connections.clear();
    const t = testClient(secure.url, {}, { http2: true, insecure: true });
    try {
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => t.client.get(`/s${i}`)));
      for (const res of responses) {
        assert.equal(res.error, null);
        assert.equal(res.text(), 'hello over 2.0');
        // Each stream waited for its own response (the server answers after 5 ms).
        assert.ok(res.timings.wait >= 4, `wait ${res.timings.wait}`);
        assert.ok(res.timings.total >= res.timings.wait);
      }
      // The stream that opened the connection carries its set-up: TCP, then the TLS handshake.
      const opening = responses.filter((res) => res.timings.tls > 0);
      assert.equal(opening.length, 1, `TLS timed once: ${responses.map((r) => r.timings.tls).join(', ')}`);
      assert.deepEqual(secure.versions, Array(10).fill('2.0'));
      assert.equal(secure.connections.size, 1, 'one connection');
      assert.equal(t.sink.samples.length, 10);
    } finally {
      await t.transport.destroy();
    }
  });

  it('speaks h2 with prior knowledge over cleartext (h2c)', async () => {
    cleartext.versions.length = 0;
    const t = testClient(cleartext.url, {}, { http2: true });
    try {
      const res = await t.client.get('/c');
      assert.equal(res.error, null);
      assert.equal(res.text(), 'hello over 2.0');
      assert.deepEqual(cleartext.versions, ['2.0']);
    } finally {
      await t.transport.destroy();
    }
  });

  for (const fastPath of [true, false]) {
    it(`offers HTTP/1.1 only without it (${fastPath ? 'fast path' : 'undici'})`, {
      skip: noOpenssl,
    }, async () => {
      secure.versions.length = 0;
      const t = testClient(secure.url, {}, { insecure: true, fastPath });
      try {
        assert.equal((await t.client.get('/one')).text(), 'hello over 1.1');
        assert.deepEqual(secure.versions, ['1.1']);
      } finally {
        await t.transport.destroy();
      }
    });
  }
});
