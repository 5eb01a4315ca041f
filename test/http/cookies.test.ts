import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LocalServer, startHttpServer, type TestClient } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

let server: LocalServer;

describeEachTransport('cookies', (transport) => {
  before(async () => {
    server = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/login') {
        res.writeHead(200, { 'set-cookie': ['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/'] });
        res.end();
      } else if (url.pathname === '/login-and-redirect') {
        res.writeHead(302, { 'set-cookie': 'session=from-redirect; Path=/', location: '/whoami' });
        res.end();
      } else if (url.pathname === '/first-hop') {
        // No cookie on the first hop: the next one sets it, the last one must receive it.
        res.writeHead(302, { location: '/second-hop' });
        res.end();
      } else if (url.pathname === '/second-hop') {
        res.writeHead(302, { 'set-cookie': 'late=yes; Path=/', location: '/whoami' });
        res.end();
      } else if (url.pathname === '/scoped') {
        res.writeHead(200, { 'set-cookie': 'scoped=1; Path=/private' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(req.headers.cookie ?? '');
      }
    });
  });

  after(() => server.close());

  async function withClient(fn: (t: TestClient) => Promise<void>): Promise<void> {
    const t = transport.client(server.url);
    try {
      await fn(t);
    } finally {
      await t.transport.destroy();
    }
  }

  describe('cookies', () => {
    it('sends no cookie until one is set, then sends it on later requests', () =>
      withClient(async ({ client }) => {
        assert.equal((await client.get('/whoami')).text(), '');
        await client.get('/login');
        assert.equal((await client.get('/whoami')).text(), 'session=abc; theme=dark');
        assert.deepEqual(client.cookies(), { session: 'abc', theme: 'dark' });
      }));

    it('keeps cookies set along a redirect and sends them on the next hop', () =>
      withClient(async ({ client }) => {
        const hop = await client.get('/login-and-redirect', { redirect: false });
        assert.deepEqual(hop.headers['set-cookie'], ['session=from-redirect; Path=/'], 'always an array');
        client.clearCookies();
        const res = await client.get('/login-and-redirect');
        assert.equal(res.url, `${server.url}/whoami`);
        assert.equal(res.text(), 'session=from-redirect');
      }));

    it('keeps a cookie set on a later hop of a redirect chain, for the rest of the chain and after', () =>
      withClient(async ({ client }) => {
        const res = await client.get('/first-hop');
        assert.equal(res.url, `${server.url}/whoami`);
        assert.equal(res.text(), 'late=yes');
        assert.deepEqual(client.cookies(), { late: 'yes' });
      }));

    it('sends cookies only to matching paths', () =>
      withClient(async ({ client }) => {
        await client.get('/scoped');
        assert.equal((await client.get('/whoami')).text(), '');
        assert.equal((await client.get('/private/whoami')).text(), 'scoped=1');
      }));

    it('merges the jar with a Cookie header the request sets', () =>
      withClient(async ({ client }) => {
        await client.get('/login');
        const res = await client.get('/whoami', { headers: { Cookie: 'extra=1' } });
        assert.equal(res.text(), 'extra=1; session=abc; theme=dark');
      }));

    it('is per client, and clearCookies empties it', async () => {
      const a = transport.client(server.url);
      const b = transport.client(server.url, {}, {});
      try {
        await a.client.get('/login');
        assert.equal((await b.client.get('/whoami')).text(), '');
        a.client.clearCookies();
        assert.deepEqual(a.client.cookies(), {});
        assert.equal((await a.client.get('/whoami')).text(), '');
      } finally {
        await a.transport.destroy();
        await b.transport.destroy();
      }
    });
  });
});
