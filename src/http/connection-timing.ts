import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';

/** When a new connection was started, got its TCP handshake done, and became ready for requests (after TLS). */
export interface OpenedConnection {
  readonly startedAt: number;
  readonly tcpAt: number;
  readonly readyAt: number;
}

/**
 * The connection undici is handing its first request to, or null.
 *
 * Why a module-level slot: undici writes the first queued request synchronously inside the
 * connector's callback, so a request that sees a non-null value here in `onRequestStart` is the
 * one that opened the connection. This costs nothing per request, unlike diagnostics channels.
 */
export let openingConnection: OpenedConnection | null = null;

/** Publishes `opened` while `start` hands the connection its first request (for clients other than undici's). */
export function startingOnNewConnection(opened: OpenedConnection, start: () => void): void {
  openingConnection = opened;
  try {
    start();
  } finally {
    openingConnection = null;
  }
}

type Connector = buildConnector.connector;
// The built-in connector returns the socket it creates, which its type does not say.
type SocketReturningConnector = (
  options: buildConnector.Options,
  callback: buildConnector.Callback,
) => Socket | undefined;

/** Wraps a connector so each new connection publishes its set-up times to `openingConnection`. */
export function timedConnector(connect: Connector): Connector {
  const connectReturningSocket = connect as unknown as SocketReturningConnector;
  const timed: SocketReturningConnector = (options, callback) => {
    const startedAt = performance.now();
    let tcpAt = 0;
    const socket = connectReturningSocket(options, (err, socket) => {
      if (err !== null) {
        callback(err, null);
        return;
      }
      const readyAt = performance.now();
      openingConnection = { startedAt, tcpAt: tcpAt === 0 ? readyAt : tcpAt, readyAt };
      try {
        callback(null, socket);
      } finally {
        openingConnection = null;
      }
    });
    // For TLS the callback fires after the handshake; 'connect' marks the end of the TCP part.
    if (options.protocol === 'https:' && socket !== undefined) {
      socket.once('connect', () => {
        tcpAt = performance.now();
      });
    }
    // Returned so undici can cancel a pending attempt.
    return socket;
  };
  return timed;
}
