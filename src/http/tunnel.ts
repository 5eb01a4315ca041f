/**
 * A CONNECT tunnel through an HTTP proxy (RFC 9110 §9.3.6), for the fast path's `https:` origins: the
 * request on a new connection to the proxy, and its answer read up to the blank line. TLS then runs
 * over the same socket.
 */
import type { Socket } from 'node:net';
import { ProxyRefusedError } from './errors.ts';

/** The most a proxy's answer to CONNECT may hold before the blank line. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Asks the proxy on `socket` (connected) for a tunnel to `authority` (`host:port`); `done` gets null
 * once the tunnel is open, or the error to destroy the socket with.
 */
export function openTunnel(
  socket: Socket,
  authority: string,
  authorization: string | null,
  done: (error: Error | null) => void,
): void {
  const auth = authorization === null ? '' : `proxy-authorization: ${authorization}\r\n`;
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n${auth}\r\n`, 'latin1');
  let answer = '';
  const onData = (chunk: Buffer) => {
    answer += chunk.toString('latin1');
    const end = answer.indexOf('\r\n\r\n');
    if (end === -1) {
      if (answer.length > MAX_ANSWER_BYTES) finish(new Error('invalid proxy response: head too large'));
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
    if (status === null) finish(new Error('invalid proxy response to CONNECT'));
    else if (!status[1]?.startsWith('2')) finish(new ProxyRefusedError(Number(status[1])));
    // The server speaks first only after the TLS handshake: bytes beyond the answer are a broken proxy.
    else if (end + 4 !== answer.length) finish(new Error('invalid proxy response: bytes after the answer'));
    else finish(null);
  };
  const finish = (error: Error | null) => {
    socket.removeListener('data', onData);
    socket.pause();
    done(error);
  };
  socket.on('data', onData);
}
