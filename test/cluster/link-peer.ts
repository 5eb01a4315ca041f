import type { Link } from '../../src/cluster/link.ts';
import type { CoordinatorMessage, WorkerMessage } from '../../src/cluster/protocol.ts';

/** Messages the peer sends on 'start': many small ones and one large, to check order and wholeness. */
export const PEER_MESSAGES = 200;
export const LARGE = 'x'.repeat(1_000_000);

/**
 * The far end of a link under contract test, as a worker would be: says hello, answers 'start' with
 * PEER_MESSAGES log lines numbered in order then one large one, and closes its end on 'stop'.
 */
export function runLinkPeer(link: Link<WorkerMessage, CoordinatorMessage>): void {
  link.onMessage((message) => {
    if (message.type === 'start') {
      for (let i = 0; i < PEER_MESSAGES; i++)
        void link.send({ type: 'log', level: 'info', message: String(i) });
      void link.send({ type: 'log', level: 'info', message: LARGE });
    } else if (message.type === 'stop') {
      link.close();
    }
  });
  void link.send({ type: 'log', level: 'info', message: 'hello' });
}
