import { connect, createServer, type Socket } from 'node:net';

/** Two ends of a TCP connection on loopback (port 0); `close` stops the listener. */
export async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  let accepted: (s: Socket) => void = () => {};
  const serverSide = new Promise<Socket>((resolve) => {
    accepted = resolve;
  });
  const listener = createServer((s) => accepted(s));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  const client = connect({ host: '127.0.0.1', port });
  const server = await serverSide;
  return { server, client, close: () => listener.close() };
}
