/** The capturing proxy in-process: what it sends the upstream, and the entries it hands over. */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type IncomingMessage, request } from 'node:http';
import { test } from 'node:test';
import { startCaptureProxy } from '../../src/record/capture-proxy.ts';
import type { HarEntry } from '../../src/record/har.ts';
import { closedPort, startServer } from '../helpers/servers.ts';

/** A GET with headers exactly as given (raw names, repeated ones kept). */
function get(url: string, rawHeaders: [string, string][]): Promise<number> {
  return new Promise((resolve, reject) => {
    // A raw list: Node then adds no Host of its own.
    const headers = [['Host', new URL(url).host], ...rawHeaders].flat();
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the upstream gets Host set to it, X-Forwarded-For extended once, and the client’s X-Forwarded-Host kept whatever its case', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const p = await proxied((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  try {
    assert.equal(
      await get(`${p.url}/a`, [
        ['X-Forwarded-For', '10.0.0.1'],
        ['x-forwarded-for', '10.0.0.2'],
        ['X-Forwarded-Host', 'shop.example'],
        ['X-Trace', 't1'],
      ]),
      200,
    );
    assert.equal(await get(`${p.url}/b`, []), 200);
    const [first, second] = seen;
    assert.equal(first?.host, new URL(p.serviceUrl).host);
    assert.equal(first?.['x-forwarded-for'], '10.0.0.1, 10.0.0.2, 127.0.0.1');
    assert.equal(first?.['x-forwarded-host'], 'shop.example');
    assert.equal(first?.['x-forwarded-proto'], 'http');
    assert.equal(first?.['x-trace'], 't1');
    assert.equal(second?.['x-forwarded-for'], '127.0.0.1');
    assert.equal(second?.['x-forwarded-host'], new URL(p.url).host);
    assert.deepEqual(
      (await entriesOf(p.entries, 2)).map((e) => new URL(e.request.url).pathname),
      ['/a', '/b'],
    );
  } finally {
    await p.close();
  }
});

/** A proxy in front of `handler`'s server, and the entries it hands over. */
async function proxied(
  handler: Parameters<typeof startServer>[0],
  upstreamOf: (serviceUrl: string) => string = (serviceUrl) => serviceUrl,
): Promise<{ url: string; serviceUrl: string; entries: HarEntry[]; close(): Promise<void> }> {
  const service = await startServer(handler);
  const entries: HarEntry[] = [];
  const proxy = await startCaptureProxy({
    host: '127.0.0.1',
    port: 0,
    upstream: new URL(upstreamOf(service.url)),
    token: null,
    onEntry: (entry) => entries.push(entry),
  });
  return {
    url: proxy.url,
    serviceUrl: service.url,
    entries,
    async close() {
      await proxy.close(100);
      await service.close();
    },
  };
}

/** A promise and what settles it: for a test to wait on an event the server sees. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

interface Answer {
  status: number;
  headers: string[];
  body: Buffer;
  /** The response ended whole (false: the connection broke first). */
  complete: boolean;
}

/** The response read whole, once it closes. */
function answerOf(res: IncomingMessage): Promise<Answer> {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    res.on('close', () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: res.rawHeaders,
        body: Buffer.concat(chunks),
        complete: res.complete,
      }),
    );
  });
}

/** One request over its own keep-alive agent (or `agent`), the answer read whole. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => resolve(answerOf(res)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function entriesOf(entries: HarEntry[], count: number): Promise<HarEntry[]> {
  const until = Date.now() + 5000;
  while (entries.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  return entries;
}

test('an upstream nothing listens on gets a 502 that names it, and an entry with the error', async () => {
  const port = await closedPort();
  const p = await proxied(
    (_req, res) => res.end(),
    () => `http://127.0.0.1:${port}`,
  );
  try {
    const answer = await send(`${p.url}/x`);
    assert.equal(answer.status, 502);
    assert.match(answer.body.toString(), new RegExp(`upstream http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
    const [entry] = await entriesOf(p.entries, 1);
    assert.equal(entry?.response.status, 0);
    assert.match(entry?.response._error ?? '', /^upstream: ECONNREFUSED/);
  } finally {
    await p.close();
  }
});

test('an upstream that breaks off mid-body breaks the client’s response off too, and the entry says so', async () => {
  const p = await proxied((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only part of it');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  try {
    const answer = await send(`${p.url}/broken`);
    assert.equal(answer.status, 200);
    assert.equal(answer.complete, false);
    const [entry] = await entriesOf(p.entries, 1);
    assert.ok(entry?.response._error !== undefined, 'the entry records the failure');
  } finally {
    await p.close();
  }
});

test('a client that goes away mid-response, or before any answer, ends the upstream request too', async () => {
  const upstreamClosed = signal();
  const silentClosed = signal();
  const p = await proxied((req, res) => {
    if (req.url === '/silent') {
      res.on('close', () => silentClosed.resolve());
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part\n');
    res.on('close', () => upstreamClosed.resolve());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${p.url}/stream`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.end();
      setTimeout(() => reject(new Error('no first chunk')), 5000).unref();
    });
    await upstreamClosed.promise;
    const [entry] = await entriesOf(p.entries, 1);
    assert.equal(entry?.response.status, 200);
    assert.equal(entry?.response._error, 'the client closed the connection before the response ended');
    const gaveUp = request(`${p.url}/silent`);
    gaveUp.on('error', () => {});
    gaveUp.end();
    setTimeout(() => gaveUp.destroy(), 50);
    await silentClosed.promise;
    const silent = (await entriesOf(p.entries, 2))[1];
    assert.equal(silent?.response.status, 0);
    assert.equal(silent?.response._error, 'the client closed the connection before the response ended');
  } finally {
    await p.close();
  }
});

test('an upload the upstream answers without reading is answered, and the client’s connection goes on', async () => {
  const p = await proxied((req, res) => {
    if (req.url === '/too-big') {
      res.writeHead(413, { 'content-type': 'text/plain' });
      res.end('too big');
      return;
    }
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const big = Buffer.alloc(4 * 1024 * 1024, 1);
    const refused = await send(`${p.url}/too-big`, { method: 'POST', body: big, agent });
    assert.equal(refused.status, 413);
    assert.equal(refused.body.toString(), 'too big');
    const next = await send(`${p.url}/next`, { method: 'POST', body: Buffer.from('small'), agent });
    assert.equal(next.status, 200);
    assert.equal(next.body.toString(), 'ok');
  } finally {
    agent.destroy();
    await p.close();
  }
});

test('HEAD, 204 and 304 pass through with no body; repeated Set-Cookie headers stay separate', async () => {
  const p = await proxied((req, res) => {
    if (req.url === '/none') res.writeHead(204).end();
    else if (req.url === '/same') res.writeHead(304, { etag: '"v1"' }).end();
    else {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.setHeader('content-type', 'text/plain');
      res.end('body');
    }
  });
  try {
    const head = await send(`${p.url}/page`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const none = await send(`${p.url}/none`);
    assert.deepEqual([none.status, none.body.length], [204, 0]);
    const same = await send(`${p.url}/same`, { headers: { 'if-none-match': '"v1"' } });
    assert.deepEqual([same.status, same.body.length], [304, 0]);
    const page = await send(`${p.url}/page`);
    const cookies = page.headers.filter(
      (_, i) => i % 2 === 1 && /^set-cookie$/i.test(page.headers[i - 1] ?? ''),
    );
    assert.deepEqual(cookies, ['a=1; Path=/', 'b=2; Path=/']);
    const entries = await entriesOf(p.entries, 4);
    assert.deepEqual(
      entries.map((e) => `${e.request.method} ${e.response.status} ${e.response.bodySize}`),
      ['HEAD 200 0', 'GET 204 0', 'GET 304 0', 'GET 200 4'],
    );
    assert.deepEqual(
      entries[3]?.response.cookies.map((c) => `${c.name}=${c.value}`),
      ['a=1', 'b=2'],
    );
  } finally {
    await p.close();
  }
});

test('a large response to a slow reader arrives whole (back-pressure both ways), and an Expect: 100-continue upload goes through', async () => {
  const large = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < large.length; i++) large[i] = i % 251;
  const p = await proxied((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    req.on('end', () => {
      if (req.url === '/large') res.end(large);
      else res.end(String(bytes));
    });
  });
  try {
    const received = await new Promise<Buffer>((resolve, reject) => {
      const req = request(`${p.url}/large`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          // Read slowly: the proxy must hold the upstream back, not buffer 8 MB unboundedly fast.
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(received.length, large.length);
    assert.ok(received.equals(large), 'the same bytes');
    const upload = await new Promise<Answer>((resolve, reject) => {
      const body = Buffer.alloc(100_000, 3);
      const req = request(`${p.url}/continue`, {
        method: 'PUT',
        headers: { expect: '100-continue', 'content-length': String(body.length) },
      });
      req.on('continue', () => req.end(body));
      req.on('response', (res) => resolve(answerOf(res)));
      req.on('error', reject);
    });
    assert.deepEqual([upload.status, upload.body.toString()], [200, '100000']);
  } finally {
    await p.close();
  }
});

test('a client that gives up mid-upload leaves the proxy serving the next one', async () => {
  const upstreamGone = signal();
  const p = await proxied((req, res) => {
    if (req.url === '/upload') {
      req.on('data', () => {});
      req.on('close', () => upstreamGone.resolve());
      return;
    }
    res.end('next');
  });
  try {
    await new Promise<void>((resolve) => {
      const req = request(`${p.url}/upload`, {
        method: 'PUT',
        headers: { 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024 * 1024, 5), () => {
        req.destroy();
        resolve();
      });
    });
    await upstreamGone.promise;
    const next = await send(`${p.url}/next`);
    assert.deepEqual([next.status, next.body.toString()], [200, 'next']);
    const entries = await entriesOf(p.entries, 2);
    assert.deepEqual(
      entries.map((e) => new URL(e.request.url).pathname),
      ['/upload', '/next'],
    );
  } finally {
    await p.close();
  }
});

test('an upstream with a path puts it before every request’s path, absolute-form targets included', async () => {
  const seen: string[] = [];
  const p = await proxied(
    (req, res) => {
      seen.push(req.url ?? '');
      res.end('ok');
    },
    (serviceUrl) => `${serviceUrl}/base/`,
  );
  try {
    assert.equal((await send(`${p.url}/items?x=1`)).status, 200);
    // A client that speaks to it as to a forward proxy: the request target is a whole URL.
    const absolute = await new Promise<number>((resolve, reject) => {
      const target = new URL(p.url);
      const req = request(
        { host: target.hostname, port: target.port, path: 'http://elsewhere.example/abs?q=2' },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(absolute, 200);
    assert.deepEqual(seen, ['/base/items?x=1', '/base/abs?q=2']);
    assert.deepEqual(
      (await entriesOf(p.entries, 2)).map((e) => e.request.url),
      [`${p.serviceUrl}/base/items?x=1`, `${p.serviceUrl}/base/abs?q=2`],
    );
  } finally {
    await p.close();
  }
});
