import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LocalServer, readBody, startHttpServer, type TestClient } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

let server: LocalServer;
let other: LocalServer;
let t: TestClient;

interface Seen {
  method: string;
  url: string;
  body: string;
  contentType: string | null;
  authorization: string | null;
}

describeEachTransport('redirects', (transport) => {
  before(async () => {
    other = await startHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
    });
    server = await startHttpServer(async (req, res) => {
      const body = (await readBody(req)).toString();
      const url = new URL(req.url ?? '/', 'http://x');
      const redirect = /^\/redirect\/(\d+)$/.exec(url.pathname);
      if (redirect !== null) {
        res.writeHead(Number(redirect[1]), { location: url.searchParams.get('to') ?? '/seen' });
        res.end('moved');
      } else if (url.pathname === '/loop') {
        const n = Number(url.searchParams.get('n') ?? 0);
        res.writeHead(302, { location: `/loop?n=${n + 1}` });
        res.end();
      } else if (url.pathname === '/chain') {
        const left = Number(url.searchParams.get('left'));
        res.writeHead(302, { location: left === 0 ? '/seen' : `/chain?left=${left - 1}` });
        res.end();
      } else if (url.pathname === '/no-location') {
        res.writeHead(302);
        res.end();
      } else if (url.pathname === '/to-other') {
        res.writeHead(302, { location: `${other.url}/landing` });
        res.end();
      } else {
        const seen: Seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          body,
          contentType: req.headers['content-type'] ?? null,
          authorization: req.headers.authorization ?? null,
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(seen));
      }
    });
    t = transport.client(server.url);
  });

  after(async () => {
    await t.transport.destroy();
    await server.close();
    await other.close();
  });

  describe('redirects', () => {
    it('303 turns a POST into a GET without body, one sample under the original name', async () => {
      const before = t.sink.samples.length;
      const res = await t.client.post('/redirect/303', { json: { a: 1 } });
      assert.equal(res.status, 200);
      assert.equal(res.url, `${server.url}/seen`);
      assert.deepEqual(res.json(), {
        method: 'GET',
        url: '/seen',
        body: '',
        contentType: null,
        authorization: null,
      });
      assert.equal(t.sink.samples.length, before + 1);
      const sample = t.sink.samples.at(-1);
      assert.equal(sample?.name, '/redirect/303');
      assert.equal(sample?.method, 'POST');
      assert.equal(sample?.error, null);
    });

    it('302 and 301 turn a POST into a GET', async () => {
      for (const status of [301, 302]) {
        const seen = (await t.client.post(`/redirect/${status}`, { body: 'x' })).json<Seen>();
        assert.equal(seen.method, 'GET', `status ${status}`);
        assert.equal(seen.body, '');
      }
    });

    it('307 and 308 keep the method and the body', async () => {
      for (const status of [307, 308]) {
        const seen = (await t.client.put(`/redirect/${status}`, { json: { keep: status } })).json<Seen>();
        assert.equal(seen.method, 'PUT');
        assert.deepEqual(JSON.parse(seen.body), { keep: status });
        assert.equal(seen.contentType, 'application/json');
      }
    });

    it('keeps a multipart body across a 307', async () => {
      const seen = (
        await t.client.post('/redirect/307', {
          fields: { a: '1' },
          files: { f: { data: 'abc', filename: 'f.txt' } },
        })
      ).json<Seen>();
      assert.match(seen.contentType ?? '', /^multipart\/form-data; boundary=/);
      assert.match(seen.body, /name="f"; filename="f.txt"/);
    });

    it('follows a chain of 10 redirects', async () => {
      const res = await t.client.get('/chain?left=9');
      assert.equal(res.status, 200);
      assert.equal(res.url, `${server.url}/seen`);
    });

    it('fails after 10 redirects, returning the last one', async () => {
      const res = await t.client.get('/loop');
      assert.equal(res.ok, false);
      assert.equal(res.error, 'too many redirects (more than 10)');
      assert.equal(res.status, 302);
      assert.equal(res.url, `${server.url}/loop?n=10`);
      assert.equal(t.sink.samples.at(-1)?.error, 'too many redirects (more than 10)');
      assert.equal(t.sink.samples.at(-1)?.name, '/loop');
    });

    it('redirect: false returns the redirect itself', async () => {
      const res = await t.client.get('/redirect/302', { redirect: false });
      assert.equal(res.status, 302);
      assert.equal(res.ok, true);
      assert.equal(res.headers.location, '/seen');
      assert.equal(res.text(), 'moved');
    });

    it('returns a redirect without Location as it is', async () => {
      const res = await t.client.get('/no-location');
      assert.equal(res.status, 302);
      assert.equal(res.ok, true);
    });

    it('does not send the Authorization header to another origin', async () => {
      const res = await t.client.get('/to-other', { bearer: 'secret' });
      assert.equal(res.url, `${other.url}/landing`);
      assert.deepEqual(res.json(), { authorization: null });
    });
  });
});
