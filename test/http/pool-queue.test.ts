import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { response, startTortureServer, type TortureServer } from './torture-server.ts';
import { describeEachTransport } from './transports.ts';

describeEachTransport('requests waiting for a connection', (transport) => {
  let server: TortureServer;
  // Enough for a recursion per request to overflow the stack; undici drains its queue more slowly.
  const QUEUED = transport.fastPath ? 5_000 : 1_000;

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
      const queued = Array.from({ length: QUEUED }, () => t.client.get('/', { timeout: 50 }));
      const responses = await Promise.all(queued);
      assert.equal((await slow).text(), 'ok');
      assert.ok(responses.every((r) => r.error === 'timeout: no response within 50 ms'));
      // The connection still serves requests.
      assert.equal((await t.client.get('/')).text(), 'ok');
      assert.equal(t.sink.samples.length, QUEUED + 2);
    } finally {
      await t.transport.destroy();
    }
  });

  it('drops requests that timed out while their connection was opening', async () => {
    const t = transport.client(server.url, {}, { connections: 1 });
    try {
      // Queuing this many takes longer than their timeout: all have expired when the connection opens.
      const queued = Array.from({ length: QUEUED }, () => t.client.get('/', { timeout: 1 }));
      const responses = await Promise.all(queued);
      assert.ok(responses.every((r) => r.error === 'timeout: no response within 1 ms'));
      assert.equal((await t.client.get('/')).text(), 'ok');
    } finally {
      await t.transport.destroy();
    }
  });
});
