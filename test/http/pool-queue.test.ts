import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { response, startTortureServer, type TortureServer } from './torture-server.ts';
import { describeEachTransport } from './transports.ts';

describeEachTransport('requests waiting for a connection', (transport) => {
  let server: TortureServer;

  before(async () => {
    server = await startTortureServer(async (socket, request) => {
      if (request.path === '/slow') await sleep(300);
      socket.write(response('ok'));
    });
  });

  after(() => server.close());

  it('drops thousands of requests that timed out while queued without overflowing the stack', async () => {
    const t = transport.client(server.url, {}, { connections: 1 });
    try {
      const slow = t.client.get('/slow');
      const queued = Array.from({ length: 5_000 }, () => t.client.get('/', { timeout: 50 }));
      const responses = await Promise.all(queued);
      assert.equal((await slow).text(), 'ok');
      assert.ok(responses.every((r) => r.error === 'timeout: no response within 50 ms'));
      // The connection still serves requests.
      assert.equal((await t.client.get('/')).text(), 'ok');
      assert.equal(t.sink.samples.length, 5_002);
    } finally {
      await t.transport.destroy();
    }
  });
});
