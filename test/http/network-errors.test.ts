import assert from 'node:assert/strict';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RequestFailedError } from '../../src/http/errors.ts';
import { type LocalServer, startHttpServer } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

let server: LocalServer;

describeEachTransport('network errors', (transport) => {
  before(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/stall-body') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('only part');
        return; // never finishes
      }
      if (req.url === '/reset') {
        // Headers and part of the body, then the connection drops.
        res.writeHead(200, { 'content-length': '1000' });
        res.write('x'.repeat(100), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      if (req.url === '/rst') {
        req.socket.resetAndDestroy(); // TCP RST instead of an answer
        return;
      }
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 300);
        return;
      }
      res.end('ok');
    });
  });

  after(() => server.close());

  async function closedPort(): Promise<number> {
    const s = await startHttpServer(() => {});
    await s.close();
    return s.port;
  }

  describe('network errors', () => {
    it('connection refused: status 0 and a one-line message with the address', async () => {
      const port = await closedPort();
      const t = transport.client(`http://127.0.0.1:${port}`);
      try {
        const res = await t.client.get('/x');
        assert.equal(res.status, 0);
        assert.equal(res.ok, false);
        assert.equal(res.error, `connection refused (ECONNREFUSED 127.0.0.1:${port})`);
        const sample = t.sink.only();
        assert.equal(sample.error, res.error);
        assert.equal(sample.bytes, 0);
        await assert.rejects(t.client.get('/x', { throwOnFailure: true }), RequestFailedError);
      } finally {
        await t.transport.destroy();
      }
    });

    it('connection reset mid-response', async () => {
      const t = transport.client(server.url);
      try {
        const res = await t.client.get('/reset');
        assert.equal(res.status, 200, 'the headers had arrived');
        assert.equal(res.ok, false);
        assert.match(res.error ?? '', /^connection reset \(.*127\.0\.0\.1:\d+\)$/);
        assert.equal(t.sink.only().bytes, 100);
        // The pool recovers: the next request gets a new connection.
        assert.equal((await t.client.get('/')).text(), 'ok');
      } finally {
        await t.transport.destroy();
      }
    });

    it('connection reset by a TCP RST', async () => {
      const t = transport.client(server.url);
      try {
        const res = await t.client.get('/rst');
        assert.equal(res.status, 0);
        assert.match(res.error ?? '', /^connection reset \(ECONNRESET( 127\.0\.0\.1:\d+)?\)$/);
        assert.equal(t.sink.only().error, res.error);
      } finally {
        await t.transport.destroy();
      }
    });

    it('times out a request with no response, per request or by the client default', async () => {
      const t = transport.client(server.url, { timeoutMs: 150 });
      try {
        let res = await t.client.get('/hang', { timeout: 100 });
        assert.equal(res.status, 0);
        assert.equal(res.error, 'timeout: no response within 100 ms');
        const ms = t.sink.samples[0]?.ms ?? 0;
        assert.ok(ms >= 95 && ms < 1000, `took ${ms} ms`);
        res = await t.client.get('/hang');
        assert.equal(res.error, 'timeout: no response within 150 ms');
        res = await t.client.get('/stall-body', { timeout: 100 });
        assert.equal(res.error, 'timeout: no response within 100 ms');
        assert.equal(t.sink.samples.at(-1)?.bytes, 9);
        // The default timeout leaves time for a slower answer; a longer per-request one too.
        assert.equal((await t.client.get('/slow', { timeout: 2000 })).text(), 'late');
        assert.equal(t.sink.samples.length, 4);
      } finally {
        await t.transport.destroy();
      }
    });

    it('connect timeout from the transport (a TLS handshake that never completes)', async () => {
      const silent = createNetServer(() => {}); // accepts, never speaks TLS
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      const t = transport.client(`https://127.0.0.1:${port}`, {}, { connectTimeoutMs: 100 });
      try {
        const res = await t.client.get('/x');
        assert.equal(res.status, 0);
        assert.equal(res.error, `connect timeout: no connection to 127.0.0.1:${port} within 100 ms`);
      } finally {
        await t.transport.destroy();
        silent.close();
      }
    });
  });
});
