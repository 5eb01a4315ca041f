import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { delayOf, MAX_DELAY_MS } from '../../src/demo/delay-knob.ts';
import { FaultRateError, FaultSwitch } from '../../src/demo/fault-switch.ts';
import { type DemoServer, startDemoServer } from '../../src/demo/server.ts';
import { call, obj } from './http.ts';

// The knobs sit in front of every route and do not touch the database: SQLite covers them.
describe('test knobs over HTTP', () => {
  let server: DemoServer;
  before(async () => {
    server = await startDemoServer({ port: 0 });
  });
  after(async () => {
    await server.close();
  });

  test('?delay=MS holds the response at least that long, on any endpoint', async () => {
    for (const path of ['/health?delay=300', '/students?limit=1&delay=300']) {
      const started = performance.now();
      const res = await call(server.url, 'GET', path);
      const took = performance.now() - started;
      assert.equal(res.status, 200);
      assert.ok(took >= 295, `${path} took ${took.toFixed(0)} ms`);
    }
    const quick = performance.now();
    await call(server.url, 'GET', '/health?delay=0');
    // Far below the delay asked above, with room for a busy machine's stall.
    assert.ok(performance.now() - quick < 250);
  });

  test('a malformed delay is 400 naming the parameter', async () => {
    for (const bad of ['abc', '-5', '1.5', '']) {
      const res = await call(server.url, 'GET', `/health?delay=${bad}`);
      assert.deepEqual(
        [res.status, res.body],
        [400, { error: 'query parameter "delay" must be a whole number of milliseconds (0–60000)' }],
      );
    }
  });

  test('faults: errorRate 1 makes every request an injected 500; /__faults itself is never faulted', async () => {
    try {
      const set = await call(server.url, 'POST', '/__faults', { json: { errorRate: 1 } });
      assert.deepEqual([set.status, set.body], [200, { errorRate: 1, resetRate: 0 }]);
      assert.deepEqual((await call(server.url, 'GET', '/__faults')).body, { errorRate: 1, resetRate: 0 });
      for (const path of ['/', '/health', '/students']) {
        const res = await call(server.url, 'GET', path);
        assert.equal(res.status, 500, path);
        assert.match(String(obj(res).error), /^injected fault \(errorRate 1\): a volley demo test knob/);
      }
    } finally {
      await call(server.url, 'POST', '/__faults', { json: { errorRate: 0, resetRate: 0 } });
    }
    assert.equal((await call(server.url, 'GET', '/health')).status, 200);
  });

  test('faults: resetRate 1 drops the connection without an answer', async () => {
    try {
      await call(server.url, 'POST', '/__faults', { json: { resetRate: 1 } });
      await assert.rejects(fetch(`${server.url}/health`), (error: Error) => {
        assert.equal(error.name, 'TypeError'); // fetch failed: the socket closed
        return true;
      });
    } finally {
      await call(server.url, 'POST', '/__faults', { json: { resetRate: 0 } });
    }
    assert.equal((await call(server.url, 'GET', '/health')).status, 200);
  });

  test('POST /__faults validates the rates and keeps unchanged ones', async () => {
    const cases: [unknown, string][] = [
      [{ errorRate: 2 }, 'field errorRate must be a number from 0 to 1'],
      [{ resetRate: 'some' }, 'field resetRate must be a number from 0 to 1'],
      [{ errorRate: 0.6, resetRate: 0.6 }, 'field errorRate + resetRate must be at most 1'],
    ];
    for (const [json, error] of cases) {
      const res = await call(server.url, 'POST', '/__faults', { json });
      assert.deepEqual([res.status, res.body], [400, { error }]);
    }
    assert.deepEqual((await call(server.url, 'GET', '/__faults')).body, { errorRate: 0, resetRate: 0 });
  });
});

describe('test knobs: units', () => {
  test('delayOf caps at MAX_DELAY_MS and reads absence as 0', () => {
    assert.equal(delayOf(new URLSearchParams('')), 0);
    assert.equal(delayOf(new URLSearchParams('delay=250')), 250);
    assert.equal(delayOf(new URLSearchParams('delay=999999')), MAX_DELAY_MS);
    assert.equal(MAX_DELAY_MS, 60_000);
  });

  test('FaultSwitch draws reset first, then error, then nothing', () => {
    const draws = [0.05, 0.15, 0.5, 0.95];
    const faults = new FaultSwitch({ resetRate: 0.1, errorRate: 0.2 }, () => draws.shift() ?? 0);
    assert.deepEqual(
      [faults.decide(), faults.decide(), faults.decide(), faults.decide()],
      ['reset', 'error', 'none', 'none'],
    );
    assert.equal(new FaultSwitch().decide(), 'none');
    assert.throws(() => new FaultSwitch({ errorRate: -0.1 }), FaultRateError);
  });

  test('the faults option applies from the first request', async () => {
    const faulty = await startDemoServer({ port: 0, faults: { errorRate: 1 } });
    try {
      assert.equal((await call(faulty.url, 'GET', '/health')).status, 500);
    } finally {
      await faulty.close();
    }
  });
});
