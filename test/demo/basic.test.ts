import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOnBackends } from './backends.ts';
import { call, obj } from './http.ts';

describeOnBackends('basic endpoints', (server, backend) => {
  test('GET / greets in plain text', async () => {
    const res = await call(server().url, 'GET', '/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(res.text, 'Hello from volley!');
  });

  test('GET /health reports healthy and the database kind', async () => {
    const res = await call(server().url, 'GET', '/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'healthy', db: backend.name });
  });

  test('GET /api/count increments on every call, also under concurrency', async () => {
    const first = obj(await call(server().url, 'GET', '/api/count')).count;
    assert.equal(typeof first, 'number');
    const second = obj(await call(server().url, 'GET', '/api/count')).count;
    assert.equal(second, Number(first) + 1);
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => call(server().url, 'GET', '/api/count')),
    );
    const counts = burst.map((r) => Number(obj(r).count)).sort((a, b) => a - b);
    assert.deepEqual(
      counts,
      Array.from({ length: 10 }, (_, i) => Number(second) + 1 + i),
    );
  });

  test('an unknown route is a JSON 404, a known path with the wrong method a 405 with Allow', async () => {
    const missing = await call(server().url, 'GET', '/no/such/thing');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'no route for GET /no/such/thing' });

    const wrong = await call(server().url, 'DELETE', '/health');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    assert.match(String(obj(wrong).error), /DELETE is not allowed on \/health/);
  });
});
