/**
 * A stand-in for nginx's `return 200` when nginx is not installed: a raw TCP server answering every
 * request head with the same small JSON response (nginx's headers, Date updated each second). Run as
 * its own process: `node bench/lib/fixed-server.ts LOAD_PORT STATS_PORT`; a connection to STATS_PORT
 * reads the number of requests answered so far.
 */
import { connect, createServer } from 'node:net';

const BODY = '{"ok":true,"service":"bench","n":12345}\n';

export function requestsServed(statsPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(statsPort, '127.0.0.1');
    socket.on('data', (data) => {
      text += data.toString();
    });
    socket.on('end', () => resolve(Number(text)));
    socket.on('error', reject);
  });
}

function serve(loadPort: number, statsPort: number): void {
  let served = 0;
  let date = new Date().toUTCString();
  setInterval(() => {
    date = new Date().toUTCString();
  }, 1000).unref();
  const load = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (data: Buffer) => {
      pending += data.toString('latin1');
      let out = '';
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        served++;
        out +=
          `HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: ${date}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${BODY.length}\r\nConnection: keep-alive\r\n\r\n${BODY}`;
      }
      if (out !== '') socket.write(out);
    });
  });
  load.listen(loadPort, '127.0.0.1');
  createServer((socket) => socket.end(String(served))).listen(statsPort, '127.0.0.1');
}

if (import.meta.main) serve(Number(process.argv[2]), Number(process.argv[3]));
