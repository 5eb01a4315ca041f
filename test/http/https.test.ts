import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { type LocalServer, startHttpsServer } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

const tls = selfSignedCertificate();
let server: LocalServer | undefined;

describeEachTransport('HTTPS client', (transport) => {
  before(async () => {
    if (tls !== null) server = await startHttpsServer(tls, (_req, res) => res.end('secret'));
  });

  after(() => server?.close());

  describe('HTTPS', {
    skip: tls === null ? 'openssl is not available to make a test certificate' : false,
  }, () => {
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
  });
});
