import { Agent, buildConnector, type Dispatcher } from 'undici';
import { timedConnector } from './connection-timing.ts';

export interface HttpTransportOptions {
  /**
   * Keep-alive connections per origin. Size it to the number of virtual users: each user has one
   * request in flight, so that many connections means no request waits for a free one.
   * Default: unbounded, a new connection whenever all are busy. Set it: undici reuses a connection
   * one event-loop turn after its response ended, so without a bound a user's next request may
   * open another connection instead of waiting for that turn.
   */
  connections?: number;
  /** Skip TLS certificate verification (self-signed or internal certificates). */
  insecure?: boolean;
  /** Milliseconds to establish a connection (TCP + TLS); default 10 000. */
  connectTimeoutMs?: number;
  /** Milliseconds an idle connection stays open, unless the server's keep-alive hint says less; default 30 000. */
  keepAliveTimeoutMs?: number;
  /** Wraps every dispatch (record/replay, src/record); it may answer without calling the pool. */
  interceptor?: Dispatcher.DispatcherComposeInterceptor;
}

/**
 * The connection pools of one run, shared by all virtual users' clients. The only place that
 * builds undici dispatchers.
 */
export class HttpTransport {
  readonly #agent: Agent;
  readonly #dispatcher: Dispatcher;

  constructor(options: HttpTransportOptions = {}) {
    const connect = buildConnector({
      rejectUnauthorized: options.insecure !== true,
      timeout: options.connectTimeoutMs ?? 10_000,
      // HTTP/1.1 only: one request per connection, as a user's browser or requests would do.
      allowH2: false,
    });
    this.#agent = new Agent({
      connections: options.connections ?? null,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connect: timedConnector(connect),
    });
    this.#dispatcher = options.interceptor ? this.#agent.compose(options.interceptor) : this.#agent;
  }

  /** Sends one request; the handler receives the response. Used by the clients. */
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.#dispatcher.dispatch(options, handler);
  }

  /** Waits for in-flight requests, then closes every connection. */
  close(): Promise<void> {
    return this.#agent.close();
  }

  /** Closes every connection now; in-flight requests fail. */
  destroy(): Promise<void> {
    return this.#agent.destroy();
  }
}
