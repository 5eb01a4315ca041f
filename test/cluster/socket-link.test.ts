import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostPort, socketLink } from '../../src/cluster/socket-link.ts';
import { until } from '../helpers/until.ts';
import { socketPair } from './socket-pair.ts';

const anyMessage = (value: unknown): value is { type: string; n?: number } =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

test('messages split across chunks or sharing one arrive whole, in order; early ones wait for a listener', async () => {
  const { server, client, close } = await socketPair();
  const link = socketLink(server, 'worker 1', anyMessage);
  const got: { type: string; n?: number }[] = [];
  const big = 'x'.repeat(200_000);
  // One write holding two messages and the start of a third, then the rest in pieces.
  const third = JSON.stringify({ type: 'stats', n: 3, big });
  const writes = [
    `${JSON.stringify({ type: 'hello', n: 1 })}\n{"type":"ready","n":2}\n${third.slice(0, 10)}`,
    third.slice(10, 5000),
    `${third.slice(5000)}\n\n{"not":"a message"}\n`,
  ];
  for (const chunk of writes) client.write(chunk);
  // Every byte read by the link before anyone listens: the messages must have waited.
  const sent = writes.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
  await until(() => server.bytesRead === sent, 'the link to read every byte sent');
  const all = new Promise<void>((resolve) =>
    link.onMessage((m) => {
      got.push(m);
      if (got.length === 3) resolve();
    }),
  );
  await all;
  assert.deepEqual(
    got.map((m) => [m.type, m.n]),
    [
      ['hello', 1],
      ['ready', 2],
      ['stats', 3],
    ],
  );
  const closed = new Promise<string>((resolve) => link.onClose(resolve));
  client.write('not json\n');
  assert.equal(await closed, 'sent something that is not a volley message');
  client.destroy();
  close();
});

test('HOST:PORT parsing, IPv6 in brackets; port 0 only to listen', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:5557'), { host: '127.0.0.1', port: 5557 });
  assert.deepEqual(parseHostPort('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseHostPort('master.volley.svc:5557'), { host: 'master.volley.svc', port: 5557 });
  assert.equal(parseHostPort('127.0.0.1:0'), null);
  assert.deepEqual(parseHostPort('127.0.0.1:0', true), { host: '127.0.0.1', port: 0 });
  for (const bad of ['127.0.0.1', ':80', 'host:99999', '::1:80', 'host:port'])
    assert.equal(parseHostPort(bad), null, bad);
});
