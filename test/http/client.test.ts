import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BodyDiscardedError, RequestFailedError, ResponseNotJsonError } from '../../src/http/errors.ts';
import type { RequestOptions } from '../../src/http/types.ts';
import { type LocalServer, readBody, startHttpServer, type TestClient } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

const BIG = Buffer.alloc(200_000, 'x');

let server: LocalServer;
let other: LocalServer;
let t: TestClient;

describeEachTransport('HTTP client', (transport) => {
  before(async () => {
    server = await startHttpServer(async (req, res) => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://x');
      const status = /^\/status\/(\d+)$/.exec(url.pathname);
      if (status !== null) {
        res.writeHead(Number(status[1]), { 'content-type': 'text/plain' });
        res.end(`status ${status[1]}`);
      } else if (url.pathname.endsWith('/echo')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString() }),
        );
      } else if (url.pathname === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"hello":"world"}');
      } else if (url.pathname === '/early') {
        res.writeEarlyHints({ link: '</style.css>; rel=preload' });
        res.writeHead(201, { 'x-final': 'yes' });
        res.end('final');
      } else if (url.pathname === '/html') {
        res.end('<html>not json</html>');
      } else if (url.pathname === '/big') {
        // Several writes, so the client gets several chunks.
        for (let i = 0; i < BIG.length; i += 50_000) res.write(BIG.subarray(i, i + 50_000));
        res.end();
      } else if (url.pathname === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync('decoded text '.repeat(100)));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    other = await startHttpServer((_req, res) => res.end('other server'));
    t = transport.client(server.url);
  });

  after(async () => {
    await t.transport.destroy();
    await server.close();
    await other.close();
  });

  function lastSample() {
    const sample = t.sink.samples.at(-1);
    assert.ok(sample, 'a sample was recorded');
    return sample;
  }

  describe('responses', () => {
    it('returns status, headers, url and body, and records one sample named by the path', async () => {
      const before = t.sink.samples.length;
      const res = await t.client.get('/json?x=1');
      assert.equal(res.status, 200);
      assert.equal(res.ok, true);
      assert.equal(res.error, null);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.url, `${server.url}/json?x=1`);
      assert.equal(res.text(), '{"hello":"world"}');
      assert.deepEqual(res.json(), { hello: 'world' });
      assert.equal(Buffer.from(res.bytes()).toString(), '{"hello":"world"}');
      assert.equal(t.sink.samples.length, before + 1);
      const sample = lastSample();
      assert.deepEqual({ ...sample, ms: 0 }, { method: 'GET', name: '/json', ms: 0, bytes: 17, error: null });
      assert.ok(sample.ms > 0);
    });

    it('uses the given name for the sample', async () => {
      await t.client.get('/json', { name: 'the json' });
      assert.equal(lastSample().name, 'the json');
    });

    it('joins a body received in several chunks', async () => {
      const res = await t.client.get('/big');
      assert.equal(res.bytes().length, BIG.length);
      assert.ok(Buffer.from(res.bytes()).equals(BIG));
      assert.equal(lastSample().bytes, BIG.length);
    });

    it('decodes a gzip body and counts decoded bytes', async () => {
      const res = await t.client.get('/gzip', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.text(), 'decoded text '.repeat(100));
      assert.equal(lastSample().bytes, 1300);
    });

    it('discardBody counts the bytes and makes the body unavailable', async () => {
      const res = await t.client.get('/big', { discardBody: true });
      assert.equal(res.ok, true);
      assert.equal(lastSample().bytes, BIG.length);
      assert.throws(() => res.text(), BodyDiscardedError);
      assert.throws(() => res.bytes(), /was discarded \(discardBody: true\)/);
    });

    it('json() names the URL when the body is not JSON', async () => {
      const res = await t.client.get('/html');
      assert.throws(
        () => res.json(),
        (error: unknown) =>
          error instanceof ResponseNotJsonError &&
          error.message.includes(`${server.url}/html`) &&
          error.message.includes('<html>not json'),
      );
    });

    it('skips informational responses (103 Early Hints) for the final one', async () => {
      const res = await t.client.get('/early');
      assert.equal(res.status, 201);
      assert.equal(res.headers['x-final'], 'yes');
      assert.equal(res.text(), 'final');
    });

    it('HEAD has no body', async () => {
      const res = await t.client.head('/json');
      assert.equal(res.status, 200);
      assert.equal(res.text(), '');
      assert.equal(lastSample().method, 'HEAD');
    });

    it('request() takes any method, upper-cased', async () => {
      const res = await t.client.request('options', '/echo');
      assert.equal(res.json<{ method: string }>().method, 'OPTIONS');
      assert.equal(lastSample().method, 'OPTIONS');
    });
  });

  describe('statuses and expect', () => {
    it('fails statuses from 400 with the standard reason', async () => {
      const res = await t.client.get('/status/404');
      assert.equal(res.status, 404);
      assert.equal(res.ok, false);
      assert.equal(res.error, 'HTTP 404 Not Found');
      assert.equal(lastSample().error, 'HTTP 404 Not Found');
      assert.equal((await t.client.get('/status/503')).error, 'HTTP 503 Service Unavailable');
      assert.equal((await t.client.get('/status/399')).error, null);
      // The boundary itself: 400 is the first failing status.
      assert.equal((await t.client.get('/status/400')).error, 'HTTP 400 Bad Request');
    });

    it('expect allows exactly the statuses it names', async () => {
      assert.equal((await t.client.get('/status/404', { expect: 404 })).ok, true);
      assert.equal((await t.client.get('/status/200', { expect: 201 })).error, 'HTTP 200 OK (expected 201)');
      assert.equal((await t.client.get('/status/409', { expect: [200, 409] })).ok, true);
      assert.equal(
        (await t.client.get('/status/204', { expect: [200, 201] })).error,
        'HTTP 204 No Content (expected 200, 201)',
      );
      assert.equal((await t.client.get('/status/500', { expect: (s) => s >= 500 })).ok, true);
      assert.equal(
        (await t.client.get('/status/200', { expect: (s) => s >= 500 })).error,
        'HTTP 200 OK (not expected)',
      );
    });
  });

  describe('check', () => {
    it('passes on true or undefined', async () => {
      assert.equal((await t.client.get('/json', { check: () => true })).ok, true);
      assert.equal((await t.client.get('/json', { check: () => undefined })).ok, true);
    });

    it('fails with "check failed" on false, with the string, or with the thrown message', async () => {
      let res = await t.client.get('/json', { check: (r) => r.json<{ hello: string }>().hello === 'nope' });
      assert.equal(res.error, 'check failed');
      assert.equal(lastSample().error, 'check failed');
      res = await t.client.get('/json', { check: () => 'wrong hello' });
      assert.equal(res.error, 'wrong hello');
      assert.equal(res.ok, false);
      res = await t.client.get('/html', { check: (r) => r.json() !== null });
      assert.match(res.error ?? '', /is not JSON/);
      assert.match(lastSample().error ?? '', /is not JSON/);
    });

    it('fails an async check instead of letting its promise pass', async () => {
      const check = (async () => false) as unknown as () => boolean;
      assert.equal(
        (await t.client.get('/json', { check })).error,
        'check returned a promise: checks must be synchronous',
      );
    });

    it('does not run on a failed request', async () => {
      let ran = false;
      const res = await t.client.get('/status/500', {
        check: () => {
          ran = true;
        },
      });
      assert.equal(ran, false);
      assert.equal(res.error, 'HTTP 500 Internal Server Error');
    });
  });

  describe('named checks', () => {
    /** The checks the sink counted for the requests made in `run`, as [check, passed]. */
    async function counted(run: () => Promise<unknown>): Promise<[string, boolean][]> {
      const before = t.sink.checks.length;
      await run();
      return t.sink.checks.slice(before).map((c) => [c.check, c.passed]);
    }

    it('runs every check, counts each under the endpoint, and passes when all pass', async () => {
      const before = t.sink.checks.length;
      const res = await t.client.get('/json?x=1', {
        check: {
          'status is 200': (r) => r.status === 200,
          'says hello': (r) => r.json<{ hello: string }>().hello === 'world',
          'returns nothing': () => {},
        },
      });
      assert.equal(res.ok, true);
      assert.equal(lastSample().error, null);
      assert.deepEqual(t.sink.checks.slice(before), [
        { method: 'GET', name: '/json', check: 'status is 200', passed: true },
        { method: 'GET', name: '/json', check: 'says hello', passed: true },
        { method: 'GET', name: '/json', check: 'returns nothing', passed: true },
      ]);
    });

    it('does not stop at a failing check; the request fails with the first failure, naming its check', async () => {
      let res: Awaited<ReturnType<typeof t.client.get>> | undefined;
      const checks = await counted(async () => {
        res = await t.client.get('/json', {
          name: 'hello',
          check: {
            'status is 201': (r) => r.status === 201,
            'says hello': () => true,
            'has an id': () => 'no id in the body',
          },
        });
      });
      assert.deepEqual(checks, [
        ['status is 201', false],
        ['says hello', true],
        ['has an id', false],
      ]);
      assert.equal(res?.ok, false);
      assert.equal(res?.error, 'check "status is 201" failed');
      assert.equal(lastSample().name, 'hello');
      assert.equal(lastSample().error, 'check "status is 201" failed');
      assert.deepEqual(
        t.sink.checks.slice(-3).map((c) => `${c.method} ${c.name}`),
        ['GET hello', 'GET hello', 'GET hello'],
      );
      res = await t.client.get('/json', { check: { 'has an id': () => 'no id in the body' } });
      assert.equal(res.error, 'check "has an id": no id in the body');
    });

    it('counts a check that throws or returns a promise as failed, with its message', async () => {
      let thrown: string | null | undefined;
      const checks = await counted(async () => {
        thrown = (await t.client.get('/html', { check: { 'is json': (r) => r.json() !== null } })).error;
      });
      assert.deepEqual(checks, [['is json', false]]);
      assert.match(thrown ?? '', /^check "is json": response from .* is not JSON/);
      const asyncCheck = (async () => true) as unknown as () => boolean;
      const rejecting = (async () => {
        throw new Error('rejected later');
      }) as unknown as () => boolean;
      let res: Awaited<ReturnType<typeof t.client.get>> | undefined;
      const asyncChecks = await counted(async () => {
        res = await t.client.get('/json', { check: { 'async ok': asyncCheck, 'async throws': rejecting } });
      });
      assert.deepEqual(asyncChecks, [
        ['async ok', false],
        ['async throws', false],
      ]);
      assert.equal(res?.error, 'check "async ok" returned a promise: checks must be synchronous');
      // TypeScript refuses anything but functions of the response…
      // @ts-expect-error: a named check is a function
      const refused: RequestOptions['check'] = { 'not a function': 42 };
      assert.ok(refused);
      // …and a plain-JS scenario's mistake fails that check instead of throwing.
      const notAFunction = { 'not a function': 42 } as unknown as Record<string, () => boolean>;
      assert.equal(
        (await t.client.get('/json', { check: notAFunction })).error,
        'check "not a function": not a function',
      );
    });

    it('runs on a failed response too, keeping its own failure message', async () => {
      let res: Awaited<ReturnType<typeof t.client.get>> | undefined;
      const checks = await counted(async () => {
        res = await t.client.get('/status/500', {
          check: { 'status is 200': (r) => r.status === 200, 'is an error': (r) => r.status >= 500 },
        });
      });
      assert.deepEqual(checks, [
        ['status is 200', false],
        ['is an error', true],
      ]);
      assert.equal(res?.error, 'HTTP 500 Internal Server Error');
    });

    it('an empty record checks nothing; a plain function check is not counted by name', async () => {
      const checks = await counted(async () => {
        assert.equal((await t.client.get('/json', { check: {} })).ok, true);
        assert.equal((await t.client.get('/json', { check: () => false })).error, 'check failed');
      });
      assert.deepEqual(checks, []);
    });
  });

  describe('request bodies, query and headers', () => {
    interface Echo {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    }

    it('sends json with its content-type', async () => {
      const echo = (await t.client.post('/echo', { json: { a: 1, b: [true] } })).json<Echo>();
      assert.equal(echo.method, 'POST');
      assert.equal(echo.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(echo.body), { a: 1, b: [true] });
    });

    it('keeps a content-type the request sets', async () => {
      const echo = (
        await t.client.put('/echo', { json: { a: 1 }, headers: { 'Content-Type': 'application/vnd.x+json' } })
      ).json<Echo>();
      assert.equal(echo.headers['content-type'], 'application/vnd.x+json');
    });

    it('sends an url-encoded form', async () => {
      const echo = (await t.client.post('/echo', { form: { q: 'a b&c', n: 2, ok: true } })).json<Echo>();
      assert.equal(echo.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(echo.body, 'q=a+b%26c&n=2&ok=true');
    });

    it('sends raw bodies as they are', async () => {
      let echo = (await t.client.patch('/echo', { body: 'plain text' })).json<Echo>();
      assert.equal(echo.body, 'plain text');
      assert.equal(echo.method, 'PATCH');
      echo = (await t.client.post('/echo', { body: new Uint8Array([104, 105]) })).json<Echo>();
      assert.equal(echo.body, 'hi');
      assert.equal(echo.headers['content-length'], '2');
    });

    it('appends query parameters, also to an existing query, and names the sample without them', async () => {
      let echo = (await t.client.get('/echo', { query: { q: 'a b', n: 1 } })).json<Echo>();
      assert.equal(echo.url, '/echo?q=a%20b&n=1');
      assert.equal(lastSample().name, '/echo');
      echo = (await t.client.delete('/echo?x=1', { query: { y: true } })).json<Echo>();
      assert.equal(echo.url, '/echo?x=1&y=true');
      assert.equal(lastSample().name, '/echo');
    });

    it('sends default and per-request headers', async () => {
      const c = transport.client(server.url, { headers: { 'X-Default': 'd', 'x-both': 'default' } });
      try {
        const echo = (await c.client.get('/echo', { headers: { 'X-Both': 'request' } })).json<Echo>();
        assert.equal(echo.headers['x-default'], 'd');
        assert.equal(echo.headers['x-both'], 'request');
      } finally {
        await c.transport.destroy();
      }
    });

    it('sends a bearer token per request or as the client default, and clears it', async () => {
      const c = transport.client(server.url);
      try {
        let echo = (await c.client.get('/echo', { bearer: 'one' })).json<Echo>();
        assert.equal(echo.headers.authorization, 'Bearer one');
        echo = (await c.client.get('/echo')).json<Echo>();
        assert.equal(echo.headers.authorization, undefined);
        c.client.bearer('two');
        assert.equal(c.client.headers.authorization, 'Bearer two');
        echo = (await c.client.get('/echo')).json<Echo>();
        assert.equal(echo.headers.authorization, 'Bearer two');
        echo = (await c.client.get('/echo', { bearer: 'three' })).json<Echo>();
        assert.equal(echo.headers.authorization, 'Bearer three');
        c.client.bearer(null);
        echo = (await c.client.get('/echo')).json<Echo>();
        assert.equal(echo.headers.authorization, undefined);
      } finally {
        await c.transport.destroy();
      }
    });
  });

  describe('URLs', () => {
    it('keeps the path prefix of the base URL, joined by one slash', async () => {
      for (const [base, path] of [
        [`${server.url}/api`, '/echo'],
        [`${server.url}/api/`, '/echo'],
        [`${server.url}/api`, 'echo'],
      ] as const) {
        const c = transport.client(base);
        try {
          const res = await c.client.get(path);
          assert.equal(res.json<{ url: string }>().url, '/api/echo', `${base} + ${path}`);
          assert.equal(res.url, `${server.url}/api/echo`);
          assert.equal(c.sink.only().name, path);
        } finally {
          await c.transport.destroy();
        }
      }
    });

    it('sends absolute URLs where they point', async () => {
      const res = await t.client.get(`${other.url}/somewhere?x=1`);
      assert.equal(res.text(), 'other server');
      assert.equal(lastSample().name, `${other.url}/somewhere`);
    });

    it('records an unusable URL as a failed request', async () => {
      const before = t.sink.samples.length;
      const res = await t.client.get('http://exa mple.com:99999/');
      assert.equal(res.status, 0);
      assert.equal(res.ok, false);
      assert.match(res.error ?? '', /Invalid URL/);
      assert.equal(t.sink.samples.length, before + 1);
      // Failing again, and a good URL after it still goes where it points.
      assert.equal((await t.client.get('http://exa mple.com:99999/')).ok, false);
      assert.equal((await t.client.get(`${other.url}/somewhere`)).text(), 'other server');
    });

    it('sends each request where its own URL points, whatever the one before', async () => {
      const urls = [`${other.url}/a`, `${other.url}/a`, '/echo', `${other.url}/b?x`, '/echo', '/echo'];
      const texts: string[] = [];
      for (const url of urls) texts.push((await t.client.get(url)).text());
      assert.deepEqual(
        texts.map((text) => text === 'other server'),
        [true, true, false, true, false, false],
      );
      assert.deepEqual(
        t.sink.samples.slice(-urls.length).map((sample) => sample.name),
        [`${other.url}/a`, `${other.url}/a`, '/echo', `${other.url}/b`, '/echo', '/echo'],
      );
    });
  });

  describe('throwOnFailure', () => {
    it('throws a RequestFailedError carrying the response, after recording the sample', async () => {
      const before = t.sink.samples.length;
      await assert.rejects(
        t.client.get('/status/502', { throwOnFailure: true }),
        (error: unknown) =>
          error instanceof RequestFailedError &&
          error.response.status === 502 &&
          error.message === 'GET /status/502 failed: HTTP 502 Bad Gateway',
      );
      assert.equal(t.sink.samples.length, before + 1);
      assert.equal((await t.client.get('/json', { throwOnFailure: true })).ok, true);
    });
  });
});
