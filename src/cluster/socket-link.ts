/**
 * A Link over TCP: one JSON message per line (newline-delimited JSON), so a worker on another machine
 * (`volley worker --master host:port`, e.g. a Kubernetes pod) speaks the same protocol as a forked one.
 * Both ends send a ping every few seconds and give the other up when it has been silent for
 * `heartbeatTimeoutMs`: a peer whose machine, pod or network link went away is noticed within that time,
 * not at the end of the run (TCP keepalive alone takes minutes, and never fires while data is unacknowledged).
 * Authentication is the handshake's (cluster-auth.ts); there is no encryption: keep the port private.
 */
import type { Socket } from 'node:net';
import { CloseNotifier, type Link } from './link.ts';

/** A line longer than this is not a volley message: the connection is dropped. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Default for --heartbeat-timeout. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;
const PING = `${JSON.stringify({ type: 'ping' })}\n`;

export interface SocketLinkOptions {
  /** Give the peer up after this long without a byte from it. Default 10 s. */
  heartbeatTimeoutMs?: number;
}

export interface SocketLink<Out, In> extends Link<Out, In> {
  /** Renames the link once the handshake says who is on the other end. */
  label: string;
  readonly remote: string;
}

export function socketLink<Out, In>(
  socket: Socket,
  label: string,
  accept: (value: unknown) => value is In,
  options: SocketLinkOptions = {},
): SocketLink<Out, In> {
  const closed = new CloseNotifier();
  const silenceMs = options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  let heardAt = performance.now();
  // Pings well inside the timeout, so a few lost or late ones do not cost the link.
  const heartbeat = setInterval(
    () => {
      if (performance.now() - heardAt > silenceMs) {
        fail(`was silent for ${Math.round(silenceMs / 1000)} s (no heartbeat: network or host down?)`);
      } else if (socket.writable) socket.write(PING);
    },
    Math.max(100, Math.min(2000, silenceMs / 5)),
  );
  heartbeat.unref();
  closed.add(() => clearInterval(heartbeat));
  const handlers: ((message: In) => void)[] = [];
  // Messages that arrive before anyone listens (a worker says hello while others are still connecting).
  const early: In[] = [];
  let buffered = '';
  socket.setEncoding('utf8');
  socket.setNoDelay(true);
  socket.setKeepAlive(true, Math.min(silenceMs, 5000));
  socket.on('data', (chunk: string) => {
    heardAt = performance.now();
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line.trim() === '') continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        fail('sent something that is not a volley message');
        return;
      }
      if ((message as { type?: unknown } | null)?.type === 'ping' || !accept(message)) continue;
      if (handlers.length === 0) early.push(message);
      for (const handler of handlers) handler(message);
    }
    if (buffered.length > MAX_LINE_BYTES) fail('sent a message larger than 64 MB');
  });
  const fail = (reason: string) => {
    closed.fire(reason);
    socket.destroy();
  };
  socket.on('error', (error: NodeJS.ErrnoException) =>
    closed.fire(`connection failed: ${error.code ?? error.message}`),
  );
  socket.on('close', () => closed.fire('disconnected'));
  return {
    label,
    remote: `${socket.remoteAddress}:${socket.remotePort}`,
    send: (message) =>
      new Promise((resolve) => {
        if (socket.destroyed || !socket.writable) return resolve();
        socket.write(`${JSON.stringify(message)}\n`, () => resolve());
      }),
    onMessage: (handler) => {
      handlers.push(handler);
      for (const message of early.splice(0)) handler(message);
    },
    onClose: (handler) => closed.add(handler),
    close: () => {
      clearInterval(heartbeat);
      socket.end();
      // A peer that does not close its side in time is cut off.
      setTimeout(() => socket.destroy(), 5000).unref();
    },
  };
}

/** "host:port" (or "[v6]:port") → its parts; null when it is not one. Port 0 ("any free port") only to listen. */
export function parseHostPort(value: string, listen = false): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port < (listen ? 0 : 1) || port > 65535) return null;
  return { host: match[1] ?? match[2] ?? '', port };
}
