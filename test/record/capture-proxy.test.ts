/** The capturing proxy in-process: what it sends the upstream, and the entries it hands over. */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';
import { test } from 'node:test';
import { startCaptureProxy } from '../../src/record/capture-proxy.ts';
import type { HarEntry } from '../../src/record/har.ts';
import { startServer } from '../helpers/servers.ts';

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
  const service = await startServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  const entries: HarEntry[] = [];
  const proxy = await startCaptureProxy({
    host: '127.0.0.1',
    port: 0,
    upstream: new URL(service.url),
    token: null,
    onEntry: (entry) => entries.push(entry),
  });
  try {
    assert.equal(
      await get(`${proxy.url}/a`, [
        ['X-Forwarded-For', '10.0.0.1'],
        ['x-forwarded-for', '10.0.0.2'],
        ['X-Forwarded-Host', 'shop.example'],
        ['X-Trace', 't1'],
      ]),
      200,
    );
    assert.equal(await get(`${proxy.url}/b`, []), 200);
    const [first, second] = seen;
    assert.equal(first?.host, new URL(service.url).host);
    assert.equal(first?.['x-forwarded-for'], '10.0.0.1, 10.0.0.2, 127.0.0.1');
    assert.equal(first?.['x-forwarded-host'], 'shop.example');
    assert.equal(first?.['x-forwarded-proto'], 'http');
    assert.equal(first?.['x-trace'], 't1');
    assert.equal(second?.['x-forwarded-for'], '127.0.0.1');
    assert.equal(second?.['x-forwarded-host'], new URL(proxy.url).host);
    const until = Date.now() + 2000;
    while (entries.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(
      entries.map((e) => new URL(e.request.url).pathname),
      ['/a', '/b'],
    );
  } finally {
    await proxy.close();
    await service.close();
  }
});
