import { Duplex } from 'node:stream';

/**
 * The socket a replayed `node:http` request is given instead of a connection: what the request writes is
 * dropped, and the recorded response is pushed into it as bytes, so Node's own parser builds the
 * IncomingMessage the application reads, exactly as from a real server.
 */
export class FakeSocket extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily = 'IPv4';
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  connecting = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(remote: { host: string; port: number }) {
    super({ allowHalfOpen: true });
    this.remoteAddress = remote.host;
    this.remotePort = remote.port;
  }

  override _write(_chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    done();
  }

  override _read(): void {}

  /** The response: bytes, then the end of the connection. */
  respond(bytes: Buffer): void {
    this.push(bytes);
    this.push(null);
  }

  /** Idle timeouts still fire (the application may rely on them); they are real time, not recorded. */
  setTimeout(ms: number, callback?: () => void): this {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (callback !== undefined) this.once('timeout', callback);
    if (ms > 0) {
      this.#timer = setTimeout(() => this.emit('timeout'), ms);
      this.#timer.unref();
    }
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: 0 };
  }
  destroySoon(): void {
    this.end();
    this.destroy();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    done(error);
  }
}
