import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { listenOnLoopback } from '../helpers/servers.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { type Handler, type LocalServer, startHttpsServer } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

const tls = selfSignedCertificate();
/** A second certificate: the client's, for mutual TLS. */
const clientTls = selfSignedCertificate();
const noOpenssl =
  tls === null || clientTls === null ? 'openssl is not available to make a test certificate' : false;

/** What the server saw of each request's TLS connection. */
interface SeenConnection {
  resumed: boolean;
  alpn: string | false | null;
  servername: string | false | null | undefined;
  clientCertificate: boolean;
}

function startTlsServer(
  options: ServerOptions,
  seen: SeenConnection[],
  handler: Handler,
): Promise<LocalServer> {
  return listenOnLoopback(
    createHttpsServer({ ...tls, ALPNProtocols: ['http/1.1'], ...options }, (req, res) => {
      const socket = req.socket as TLSSocket;
      seen.push({
        resumed: socket.isSessionReused(),
        alpn: socket.alpnProtocol,
        servername: socket.servername,
        clientCertificate: socket.getPeerCertificate().subject !== undefined,
      });
      handler(req, res);
    }),
    'https',
  );
}

let server: LocalServer | undefined;

describeEachTransport('HTTPS client', (transport) => {
  before(async () => {
    if (tls !== null) server = await startHttpsServer(tls, (_req, res) => res.end('secret'));
  });

  after(() => server?.close());

  describe('HTTPS', { skip: noOpenssl }, () => {
    it('fails verification of a self-signed certificate, with a hint', async () => {
      const t = transport.client(server?.url ?? '');
      try {
        const res = await t.client.get('/');
        assert.equal(res.status, 0);
        assert.match(
          res.error ?? '',
          /^TLS certificate error \(DEPTH_ZERO_SELF_SIGNED_CERT: .*\); use --insecure to skip verification$/,
        );
        assert.equal(t.sink.only().error, res.error);
      } finally {
        await t.transport.destroy();
      }
    });

    it('connects with insecure, and times the TLS handshake of a new connection only', async () => {
      const t = transport.client(server?.url ?? '', {}, { insecure: true, connections: 1 });
      try {
        const first = await t.client.get('/');
        assert.equal(first.text(), 'secret');
        assert.ok(first.timings.connect > 0, `connect ${first.timings.connect}`);
        assert.ok(first.timings.tls > 0, `tls ${first.timings.tls}`);
        const second = await t.client.get('/');
        assert.equal(second.timings.connect, 0);
        assert.equal(second.timings.tls, 0);
      } finally {
        await t.transport.destroy();
      }
    });

    it('verifies the server against the given CA and offers ALPN http/1.1', async () => {
      const seen: SeenConnection[] = [];
      const s = await startTlsServer({}, seen, (_req, res) => res.end('trusted'));
      const t = transport.client(s.url, {}, { ca: tls?.cert ?? '' });
      try {
        const res = await t.client.get('/');
        assert.equal(res.error, null);
        assert.equal(res.text(), 'trusted');
        assert.equal(seen[0]?.alpn, 'http/1.1');
      } finally {
        await t.transport.destroy();
        await s.close();
      }
    });

    it('resumes the TLS session on later connections', async () => {
      const seen: SeenConnection[] = [];
      // Each response closes its connection: every request makes a new one.
      const s = await startTlsServer({}, seen, (_req, res) => {
        res.setHeader('connection', 'close');
        res.end('ok');
      });
      const t = transport.client(s.url, {}, { insecure: true, connections: 1 });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await t.client.get('/');
          assert.equal(res.error, null);
          assert.ok(res.timings.tls > 0, `tls ${res.timings.tls}`);
        }
        assert.deepEqual(
          seen.map((c) => c.resumed),
          [false, true, true],
        );
      } finally {
        await t.transport.destroy();
        await s.close();
      }
    });

    it('sends the host name for SNI, and no name for an address', async () => {
      const seen: SeenConnection[] = [];
      const s = await startTlsServer({}, seen, (_req, res) => res.end('ok'));
      const byName = transport.client(`https://localhost:${s.port}`, {}, { insecure: true });
      const byAddress = transport.client(s.url, {}, { insecure: true });
      try {
        assert.equal((await byName.client.get('/')).error, null);
        assert.equal((await byAddress.client.get('/')).error, null);
        assert.equal(seen[0]?.servername, 'localhost');
        assert.ok(!seen[1]?.servername, `servername ${seen[1]?.servername}`);
      } finally {
        await byName.transport.destroy();
        await byAddress.transport.destroy();
        await s.close();
      }
    });

    it('presents a client certificate to a server that requires one (mutual TLS)', async () => {
      const seen: SeenConnection[] = [];
      const s = await startTlsServer(
        { requestCert: true, rejectUnauthorized: true, ca: clientTls?.cert ?? '' },
        seen,
        (_req, res) => res.end('hello, client'),
      );
      const withCert = transport.client(
        s.url,
        {},
        {
          ca: tls?.cert ?? '',
          cert: clientTls?.cert ?? '',
          key: clientTls?.key ?? '',
        },
      );
      const without = transport.client(s.url, {}, { ca: tls?.cert ?? '' });
      try {
        const res = await withCert.client.get('/');
        assert.equal(res.error, null);
        assert.equal(res.text(), 'hello, client');
        assert.equal(seen[0]?.clientCertificate, true);
        const refused = await without.client.get('/');
        assert.equal(refused.status, 0);
        assert.notEqual(refused.error, null);
        assert.equal(seen.length, 1, 'the server answered no request without a certificate');
      } finally {
        await withCert.transport.destroy();
        await without.transport.destroy();
        await s.close();
      }
    });
  });
});
