import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { childLink } from '../../src/cluster/ipc-link.ts';
import type { Link } from '../../src/cluster/link.ts';
import {
  type CoordinatorMessage,
  isCoordinatorMessage,
  isWorkerMessage,
  type WorkerMessage,
} from '../../src/cluster/protocol.ts';
import { socketLink } from '../../src/cluster/socket-link.ts';
import { until } from '../helpers/until.ts';
import { LARGE, PEER_MESSAGES, runLinkPeer } from './link-peer.ts';
import { linkPair } from './memory-links.ts';
import { socketPair } from './socket-pair.ts';

type CoordinatorEnd = Link<CoordinatorMessage, WorkerMessage>;

/** Every way a coordinator reaches a worker; the far end runs runLinkPeer. */
const IMPLEMENTATIONS: Record<string, () => Promise<{ link: CoordinatorEnd; cleanup: () => void }>> = {
  memory: async () => {
    const { near, far } = linkPair<CoordinatorMessage, WorkerMessage>('worker 1');
    runLinkPeer(far);
    return { link: near, cleanup: () => {} };
  },
  ipc: async () => {
    const child = fork(fileURLToPath(new URL('./fixtures/ipc-link-peer.ts', import.meta.url)), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return { link: childLink(child, `worker 1 (pid ${child.pid})`), cleanup: () => child.kill('SIGKILL') };
  },
  socket: async () => {
    const { server, client, close } = await socketPair();
    runLinkPeer(socketLink<WorkerMessage, CoordinatorMessage>(client, 'coordinator', isCoordinatorMessage));
    return {
      link: socketLink<CoordinatorMessage, WorkerMessage>(server, 'worker 1', isWorkerMessage),
      cleanup: () => {
        client.destroy();
        close();
      },
    };
  },
};

for (const [name, open] of Object.entries(IMPLEMENTATIONS)) {
  describe(`the ${name} link`, () => {
    test('delivers messages whole and in order, a large one included', async () => {
      const { link, cleanup } = await open();
      const got: string[] = [];
      link.onMessage((m) => {
        if (m.type === 'log') got.push(m.message);
      });
      await until(() => got.length === 1, 'hello');
      assert.equal(got[0], 'hello');
      await link.send({ type: 'start' });
      await until(() => got.length === PEER_MESSAGES + 2, 'every message');
      assert.deepEqual(
        got.slice(1, -1),
        Array.from({ length: PEER_MESSAGES }, (_, i) => String(i)),
      );
      assert.equal(got.at(-1), LARGE);
      link.close();
      cleanup();
    });

    test('reports its end once, as one line, to every handler, even one added after the end', async () => {
      const { link, cleanup } = await open();
      const reasons: string[] = [];
      link.onClose((reason) => reasons.push(reason));
      await link.send({ type: 'stop' });
      await until(() => reasons.length > 0, 'the end of the link');
      const late = await new Promise<string>((resolve) => link.onClose(resolve));
      assert.equal(late, reasons[0]);
      assert.equal(reasons.length, 1);
      assert.match(reasons[0] ?? '', /^[^\n]+$/);
      // Sending on a closed link resolves: the end was already reported.
      await link.send({ type: 'start' });
      link.close();
      cleanup();
    });
  });
}
