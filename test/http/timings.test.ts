import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Timings } from '../../src/http/types.ts';
import { measuringLoopDelay } from '../helpers/loop-delay.ts';
import { type LocalServer, startHttpServer } from './helpers.ts';
import { describeEachTransport } from './transports.ts';

let server: LocalServer;

describeEachTransport('timings', (transport) => {
  before(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/slow-body' });
        res.end();
        return;
      }
      // Headers after ~30 ms, the end of the body ~150 ms later (wide gaps: the test machine is busy).
      setTimeout(() => {
        res.writeHead(200, { 'content-length': '8' });
        res.write('part');
        setTimeout(() => res.end('more'), 150);
      }, 30);
    });
  });

  after(() => server.close());

  function assertConsistent(t: Timings): void {
    for (const [phase, ms] of Object.entries(t)) assert.ok(ms >= 0, `${phase} = ${ms}`);
    assert.ok(t.total >= t.wait, `total ${t.total} >= wait ${t.wait}`);
    const sum = t.connect + t.tls + t.wait + t.receive;
    assert.ok(Math.abs(sum - t.total) < 0.01, `phases add up: ${sum} vs ${t.total}`);
  }

  describe('timings', () => {
    it('splits a request into connect, wait and receive; connect only on a new connection', async () => {
      const t = transport.client(server.url, {}, { connections: 1 });
      // The client sees the headers when its event loop gets to them: a loop held up moves that moment
      // towards the end of the body, and the receive phase shrinks by as much.
      try {
        const { result: first, heldUpMs } = await measuringLoopDelay(() => t.client.get('/slow-body'));
        assertConsistent(first.timings);
        assert.ok(first.timings.connect > 0, 'a new connection was opened');
        assert.equal(first.timings.tls, 0, 'plain HTTP');
        assert.ok(first.timings.wait >= 25, `wait ${first.timings.wait}`);
        // The body's second half is written 150 ms after the headers.
        assert.ok(
          first.timings.receive >= 145 - heldUpMs,
          `receive ${first.timings.receive}, loop held up ${heldUpMs} ms`,
        );
        assert.ok(first.timings.total >= 175, `total ${first.timings.total}`);
        assert.ok(
          Math.abs(first.timings.total - (t.sink.samples[0]?.ms ?? 0)) < 0.001,
          'the sample is the total',
        );

        const second = await t.client.get('/slow-body');
        assertConsistent(second.timings);
        assert.equal(second.timings.connect, 0, 'the connection was reused');
      } finally {
        await t.transport.destroy();
      }
    });

    it('times a redirect chain as one exchange', async () => {
      const t = transport.client(server.url);
      try {
        const { result: res, heldUpMs } = await measuringLoopDelay(() => t.client.get('/redirect'));
        assertConsistent(res.timings);
        assert.ok(res.timings.connect > 0);
        assert.ok(res.timings.wait >= 25, `wait ${res.timings.wait}`);
        assert.ok(
          res.timings.receive >= 145 - heldUpMs,
          `receive ${res.timings.receive}, loop held up ${heldUpMs} ms`,
        );
        assert.equal(t.sink.only().name, '/redirect');
      } finally {
        await t.transport.destroy();
      }
    });

    it('gives each of many concurrent users its own connection timing', async () => {
      const t = transport.client(server.url, {}, { connections: 8 });
      try {
        const responses = await Promise.all(Array.from({ length: 8 }, () => t.client.get('/slow-body')));
        for (const res of responses) {
          assertConsistent(res.timings);
          assert.ok(res.timings.connect > 0, 'eight requests at once open eight connections');
        }
        assert.equal(t.sink.samples.length, 8);
        // Reused: eight more at once open no new connection.
        const again = await Promise.all(Array.from({ length: 8 }, () => t.client.get('/slow-body')));
        for (const res of again) assert.equal(res.timings.connect, 0);
      } finally {
        await t.transport.destroy();
      }
    });
  });
});
