/**
 * Workers over TCP: the coordinator listens and waits for the expected number of workers to connect
 * (`volley run … --master HOST:PORT --expect-workers N`); a worker connects to it
 * (`volley worker --master HOST:PORT`), retrying while the coordinator is not up yet (a pod whose image
 * is still being pulled, a Service whose DNS name does not resolve yet).
 *
 * Each connection is taken only after the handshake: same protocol version, the cluster token proven
 * both ways (cluster-auth.ts), and a free index (the worker's share). Anything else is refused with a
 * reason the worker prints, and the coordinator logs. The listener stays open until the run ends so that a
 * late or extra worker is told why rather than left retrying.
 */
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { VOLLEY_VERSION } from '../version.ts';
import { coordinatorProof, newNonce, proofsEqual, workerProof } from './cluster-auth.ts';
import { ClusterError } from './cluster-error.ts';
import type { Link } from './link.ts';
import {
  CLUSTER_PROTOCOL_VERSION,
  type CoordinatorMessage,
  type HelloMessage,
  isCoordinatorMessage,
  isWorkerMessage,
  type WorkerMessage,
} from './protocol.ts';
import { type SocketLink, socketLink } from './socket-link.ts';
import type { WorkerLink } from './worker-state.ts';

/** Default for --wait-for-workers: long enough for a cluster to schedule pods and pull an image. */
export const DEFAULT_WAIT_FOR_WORKERS_MS = 600_000;
/** Default for `volley worker --connect-timeout`: as long. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 600_000;
/** A connection that has not finished the handshake by then is dropped. */
const HANDSHAKE_TIMEOUT_MS = 30_000;

export interface ListenOptions {
  host: string;
  port: number;
  expectWorkers: number;
  /** The cluster token ('' for none: loopback only). */
  token: string;
  /** Give up when not all workers connected by then. Default 10 minutes. */
  timeoutMs?: number;
  heartbeatTimeoutMs?: number;
  /** Told once listening (with the actual port, e.g. for port 0) and as each worker connects. */
  onListening?: (port: number) => void;
  onWorker?: (label: string, connected: number) => void;
  /** A connection that was refused, or a waiting worker that went away (for the log). */
  onRefused?: (who: string, reason: string) => void;
  /** Aborting it stops waiting. */
  signal?: AbortSignal;
}

export interface AcceptedWorkers {
  /** One per index, in index order. */
  links: WorkerLink[];
  /** Stops listening (late workers are refused until then). */
  close(): void;
}

/** Resolves once a worker holds every index from 0 to `expectWorkers - 1`. */
export function acceptWorkers(options: ListenOptions): Promise<AcceptedWorkers> {
  const expected = options.expectWorkers;
  const slots: (WorkerLink | undefined)[] = new Array(expected).fill(undefined);
  const pending = new Set<Socket>();
  let full = false;
  let closed = false;
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      pending.add(socket);
      socket.on('close', () => pending.delete(socket));
      handshake(socket);
    });
    const close = () => {
      closed = true;
      server.close();
      for (const socket of pending) socket.destroy();
    };

    const handshake = (socket: Socket) => {
      const link = socketLink<CoordinatorMessage, WorkerMessage>(
        socket,
        `worker at ${socket.remoteAddress}:${socket.remotePort}`,
        isWorkerMessage,
        options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {},
      );
      const nonce = newNonce();
      let hello: HelloMessage | null = null;
      let accepted: AcceptedLink | null = null;
      const refuse = (reason: string) => {
        clearTimeout(timer);
        options.onRefused?.(link.label, reason);
        void link.send({ type: 'refuse', reason }).then(() => link.close());
      };
      const timer = setTimeout(
        () => refuse(`did not complete the handshake within ${HANDSHAKE_TIMEOUT_MS / 1000} s`),
        HANDSHAKE_TIMEOUT_MS,
      );
      link.onClose((reason) => {
        clearTimeout(timer);
        if (!accepted || full) return;
        // Still waiting for the others: its index is free again (a restarted pod may take it).
        const index = slots.indexOf(accepted);
        if (index !== -1) slots[index] = undefined;
        options.onRefused?.(link.label, `${reason} before the run started: index ${index} is free again`);
      });
      link.onMessage((message) => {
        if (accepted) return accepted.deliver(message);
        if (!hello) {
          if (message.type !== 'hello') return refuse('spoke before its hello');
          if (message.protocol !== CLUSTER_PROTOCOL_VERSION) {
            return refuse(
              `speaks cluster protocol ${message.protocol} (volley ${message.volleyVersion}), this coordinator ${CLUSTER_PROTOCOL_VERSION} (volley ${VOLLEY_VERSION}): run the same volley version everywhere`,
            );
          }
          if (typeof message.nonce !== 'string' || !/^[0-9a-f]{64}$/.test(message.nonce)) {
            return refuse('sent no valid nonce in its hello');
          }
          hello = message;
          if (typeof message.worker === 'string')
            link.label = `worker ${message.worker.slice(0, 200)} at ${link.remote}`;
          void link.send({
            type: 'challenge',
            nonce,
            proof: coordinatorProof(options.token, message.nonce, nonce),
          });
          return;
        }
        if (
          message.type !== 'auth' ||
          !proofsEqual(workerProof(options.token, nonce, hello.nonce as string), message.proof)
        ) {
          return refuse(
            'wrong cluster token: give the coordinator and every worker the same --cluster-token (or VOLLEY_CLUSTER_TOKEN)',
          );
        }
        const index = claim(hello.index);
        if (typeof index === 'string') return refuse(index);
        clearTimeout(timer);
        link.label = `worker index ${index} (${typeof hello.worker === 'string' ? hello.worker.slice(0, 200) : '?'} at ${link.remote})`;
        accepted = acceptedLink(link, hello);
        slots[index] = accepted;
        pending.delete(socket);
        options.onWorker?.(link.label, slots.filter(Boolean).length);
        if (slots.every(Boolean)) {
          full = true;
          finish(null);
        }
      });
    };

    /** The index this worker takes, or why it gets none. */
    const claim = (asked: unknown): number | string => {
      if (full || closed) {
        return `the run already has its ${expected} worker(s): this one came late or is one too many`;
      }
      if (asked === null || asked === undefined) {
        const free = slots.indexOf(undefined);
        return free === -1 ? `all ${expected} indexes are taken` : free;
      }
      if (!Number.isInteger(asked) || (asked as number) < 0 || (asked as number) >= expected) {
        return `index ${String(asked)} is out of range: --expect-workers ${expected} takes indexes 0 to ${expected - 1}`;
      }
      const holder = slots[asked as number];
      return holder ? `index ${asked} is already taken by ${holder.label}` : (asked as number);
    };

    const waitMs = options.timeoutMs ?? DEFAULT_WAIT_FOR_WORKERS_MS;
    const timer = setTimeout(
      () =>
        finish(
          new ClusterError(
            `only ${slots.filter(Boolean).length} of ${expected} workers connected within ${Math.round(waitMs / 1000)} s (--wait-for-workers)`,
          ),
        ),
      waitMs,
    );
    const onAbort = () => finish(new ClusterError('stopped while waiting for workers'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        close();
        for (const link of slots) {
          void link
            ?.send({ type: 'refuse', reason: `the coordinator gave up: ${error.message}` })
            .then(() => link.close());
        }
        reject(error);
      } else resolve({ links: slots as WorkerLink[], close });
    };
    server.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        new ClusterError(
          `--master ${options.host}:${options.port}: cannot listen: ${error.code ?? error.message}`,
        ),
      ),
    );
    server.listen(options.port, options.host, () => {
      const address = server.address();
      options.onListening?.(typeof address === 'object' && address ? address.port : options.port);
    });
  });
}

type AcceptedLink = WorkerLink & { deliver(message: WorkerMessage): void };

/** The coordinator's view of a handshaken worker: its first message is its hello, as over IPC. */
function acceptedLink(
  link: SocketLink<CoordinatorMessage, WorkerMessage>,
  hello: HelloMessage,
): AcceptedLink {
  const handlers: ((message: WorkerMessage) => void)[] = [];
  const early: WorkerMessage[] = [hello];
  return {
    get label() {
      return link.label;
    },
    send: (message) => link.send(message),
    onClose: (handler) => link.onClose(handler),
    close: () => link.close(),
    onMessage: (handler) => {
      handlers.push(handler);
      for (const message of early.splice(0)) handler(message);
    },
    deliver: (message) => {
      if (handlers.length === 0) early.push(message);
      for (const handler of handlers) handler(message);
    },
  };
}

export interface ConnectOptions {
  /** Keep retrying for this long. Default 10 minutes. */
  timeoutMs?: number;
  heartbeatTimeoutMs?: number;
}

/** Connects to a coordinator, retrying every 500 ms (it may start after its workers, or not resolve yet). */
export async function connectToCoordinator(
  host: string,
  port: number,
  options: ConnectOptions = {},
): Promise<Link<WorkerMessage, CoordinatorMessage>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host, port }, () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
      return socketLink<WorkerMessage, CoordinatorMessage>(
        socket,
        `coordinator ${host}:${port}`,
        isCoordinatorMessage,
        options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {},
      );
    } catch (error) {
      if (performance.now() >= deadline) {
        throw new ClusterError(
          `cannot reach the coordinator at ${host}:${port} within ${Math.round(timeoutMs / 1000)} s (--connect-timeout): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      await sleep(500);
    }
  }
}
