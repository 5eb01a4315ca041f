import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port; `close()` also ends kept-alive connections. */
export async function listenOnLoopback(
  server: Server,
  scheme: 'http' | 'https' = 'http',
): Promise<TestServer> {
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A node:http server on 127.0.0.1 with a free port. */
export function startServer(handler: Handler): Promise<TestServer> {
  return listenOnLoopback(createServer(handler));
}

/**
 * A port nothing listens on. It is taken below the kernel's range of ephemeral ports when there is room:
 * a port from that range, bound and closed, could be handed to the next `listen(0)` of a test running
 * beside this one (once it was the capture proxy's own port, which then forwarded to itself).
 */
export async function closedPort(): Promise<number> {
  const low = ephemeralPortsFrom();
  for (let attempt = 0; attempt < 20 && low > 2048; attempt++) {
    const port = 1024 + Math.floor(Math.random() * (low - 1024));
    if (await refuses(port)) return port;
  }
  const s = await startServer(() => {});
  await s.close();
  return s.port;
}

/** The first port of net.ipv4.ip_local_port_range (Linux's default 32768 elsewhere). */
function ephemeralPortsFrom(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether a connection to 127.0.0.1:port is refused (nothing listens there). */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
