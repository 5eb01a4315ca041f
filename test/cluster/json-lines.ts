/** A raw newline-delimited JSON peer, for tests that play a worker or a coordinator by hand. */
import type { Socket } from 'node:net';
import { until } from '../helpers/until.ts';

export interface JsonLines {
  send(message: unknown): void;
  /** Every message received so far. */
  received: Record<string, unknown>[];
  /** Resolves with the first received message of this type. */
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  closed(): boolean;
}

export function jsonLines(socket: Socket): JsonLines {
  const received: Record<string, unknown>[] = [];
  let buffered = '';
  let ended = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message.type !== 'ping') received.push(message);
    }
  });
  socket.on('close', () => {
    ended = true;
  });
  socket.on('error', () => {});
  return {
    received,
    send: (message) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    },
    next: async (type, timeoutMs = 15_000) => {
      await until(() => received.some((m) => m.type === type) || ended, `a "${type}" message`, timeoutMs);
      const found = received.find((m) => m.type === type);
      if (!found)
        throw new Error(`connection closed before a "${type}" message: ${JSON.stringify(received)}`);
      return found;
    },
    closed: () => ended,
  };
}
