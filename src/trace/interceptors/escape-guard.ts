import net from 'node:net';
import type { Tracer } from '../tracer.ts';

/**
 * Replay makes no real I/O: a socket that something opens anyway (a database client volley does not
 * intercept, an HTTP library it does not know) is reported as escaped I/O with the application's source
 * location, and fails as a refused connection instead of reaching the network.
 */
export function installEscapeGuard(tracer: Tracer): void {
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const [first, second] = args as [unknown, unknown];
    let target: string;
    if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
      const options = first as net.TcpNetConnectOpts & net.IpcNetConnectOpts;
      target = options.path ?? `${options.host ?? 'localhost'}:${options.port}`;
    } else if (Array.isArray(first)) {
      // Node's own normalized form: [options, callback].
      const options = first[0] as net.TcpNetConnectOpts & net.IpcNetConnectOpts;
      target = options.path ?? `${options.host ?? 'localhost'}:${options.port}`;
    } else {
      target = typeof second === 'string' ? `${second}:${first}` : String(first);
    }
    const error = tracer.escaped('net.connect', { target });
    process.nextTick(() => this.destroy(error));
    return this;
  } as typeof net.Socket.prototype.connect;
}
