/**
 * Workers over TCP: the coordinator listens and waits for the expected number of workers to connect
 * (`volley run … --master HOST:PORT --expect-workers N`); a worker connects to it
 * (`volley worker --master HOST:PORT`), retrying while the coordinator is not up yet.
 */
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from './cluster-error.ts';
import type { Link } from './link.ts';
import {
  type CoordinatorMessage,
  isCoordinatorMessage,
  isWorkerMessage,
  type WorkerMessage,
} from './protocol.ts';
import { socketLink } from './socket-link.ts';
import type { WorkerLink } from './worker-state.ts';

export interface ListenOptions {
  host: string;
  port: number;
  expectWorkers: number;
  /** Give up when not all workers connected by then. Default 5 minutes. */
  timeoutMs?: number;
  /** Told once listening (with the actual port, e.g. for port 0) and as each worker connects. */
  onListening?: (port: number) => void;
  onWorker?: (label: string, connected: number) => void;
  /** Aborting it stops waiting. */
  signal?: AbortSignal;
}

/** Resolves with one link per worker once `expectWorkers` have connected; the listener is then closed. */
export function acceptWorkers(options: ListenOptions): Promise<WorkerLink[]> {
  return new Promise((resolve, reject) => {
    const links: WorkerLink[] = [];
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      if (links.length >= options.expectWorkers) {
        socket.destroy();
        return;
      }
      sockets.push(socket);
      const label = `worker ${links.length + 1} (${socket.remoteAddress}:${socket.remotePort})`;
      links.push(socketLink<CoordinatorMessage, WorkerMessage>(socket, label, isWorkerMessage));
      options.onWorker?.(label, links.length);
      if (links.length === options.expectWorkers) finish(null);
    });
    const timer = setTimeout(
      () =>
        finish(
          new ClusterError(
            `only ${links.length} of ${options.expectWorkers} workers connected within ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s`,
          ),
        ),
      options.timeoutMs ?? 300_000,
    );
    const onAbort = () => finish(new ClusterError('stopped while waiting for workers'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      server.close();
      if (error) {
        for (const socket of sockets) socket.destroy();
        reject(error);
      } else resolve(links);
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

/** Connects to a coordinator, retrying every 500 ms for `timeoutMs` (it may start after its workers). */
export async function connectToCoordinator(
  host: string,
  port: number,
  timeoutMs = 60_000,
): Promise<Link<WorkerMessage, CoordinatorMessage>> {
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
      );
    } catch (error) {
      if (performance.now() >= deadline) {
        throw new ClusterError(
          `cannot reach the coordinator at ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      await sleep(500);
    }
  }
}
