/**
 * A raw TCP server for testing HTTP clients against crafted, broken or hostile responses: each
 * request head is handed to a script that writes whatever bytes it likes, however split, or resets.
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer as createTlsServer } from 'node:tls';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** The request head, without the final blank line. */
  head: string;
  /** Requests received on this connection before this one. */
  onConnection: number;
}

/** Answers one request; may write, end, reset, or do nothing (a stall). */
export type Answer = (socket: Socket, request: ReceivedRequest) => void | Promise<void>;

export interface TortureServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Request heads received so far. */
  requests(): number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 on a free port; `answer` is called for each request head received. With `tls`
 * (a key and certificate), over TLS: the same crafted bytes, encrypted, at an `https:` URL.
 */
export async function startTortureServer(
  answer: Answer,
  tls: { key: string; cert: string } | null = null,
): Promise<TortureServer> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const serve = (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    let bodyLeft = 0;
    let onConnection = 0;
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        if (bodyLeft > 0) {
          const skip = Math.min(bodyLeft, pending.length);
          pending = pending.subarray(skip);
          bodyLeft -= skip;
          if (bodyLeft > 0) return;
        }
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = pending.toString('latin1', 0, end);
        pending = pending.subarray(end + 4);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        bodyLeft = length === null ? 0 : Number(length[1]);
        const [method = '', path = '/'] = head.split(' ');
        requests++;
        const request = { method, path, head, onConnection: onConnection++ };
        Promise.resolve(answer(socket, request)).catch(() => socket.destroy());
      }
    });
  };
  const server: Server = tls === null ? createServer(serve) : createTlsServer(tls, serve);
  // A client that gives up on the handshake (a rejected certificate) is not the server's failure.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === null ? 'http' : 'https'}://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `data` in pieces of `size` bytes, each in its own TCP segment (Nagle off, a pause between). */
export async function writeInPieces(socket: Socket, data: string | Buffer, size: number): Promise<void> {
  socket.setNoDelay(true);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  for (let at = 0; at < bytes.length && !socket.destroyed; at += size) {
    socket.write(bytes.subarray(at, at + size));
    await sleep(1);
  }
}

/** A response with a Content-Length body and the given extra header lines. */
export function response(body: string, headers: string[] = [], status = '200 OK'): string {
  const lines = [`HTTP/1.1 ${status}`, ...headers, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Resets the connection (RST); over TLS, the TCP connection beneath (a TLS socket cannot reset). */
export function resetConnection(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: Socket | null })._parent ?? socket;
  tcp.resetAndDestroy();
}
