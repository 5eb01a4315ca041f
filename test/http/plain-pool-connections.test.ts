import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Dispatcher } from 'undici';
import { PlainPool } from '../../src/http/plain-pool.ts';
import { until } from '../helpers/until.ts';
import { GET, recorder } from './pool-recorder.ts';

const OPTIONS = {
  connections: 1,
  connectTimeoutMs: 5000,
  keepAliveTimeoutMs: 30_000,
  tls: { rejectUnauthorized: true },
};

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const OK_THEN_CLOSE = 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok';

/**
 * A raw server on loopback answering each request head with `ok` (no keep-alive hint), counting
 * connections and requests. By path: `/hold` waits for `state.held`'s release, `/hold-close` too and
 * then says Connection: close, `/end` closes the connection after the response. `dropSecondRequest`: a
 * kept-alive connection closed just as its second request arrives. `stopListening()` refuses new
 * connections and keeps those open.
 */
async function countingServer(options: { dropSecondRequest?: boolean } = {}) {
  const state = { opened: 0, closed: 0, received: 0, held: [] as (() => void)[], heldOn: [] as Socket[] };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    state.opened++;
    sockets.add(socket);
    socket.on('close', () => {
      state.closed++;
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    let pending = '';
    let onThisConnection = 0;
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const path = pending.slice(0, end).split(' ')[1];
        pending = pending.slice(end + 4);
        state.received++;
        onThisConnection++;
        if (options.dropSecondRequest === true && onThisConnection === 2) socket.destroy();
        else if (path === '/hold') {
          state.held.push(() => socket.write(OK));
          state.heldOn.push(socket);
        } else if (path === '/hold-close') state.held.push(() => socket.write(OK_THEN_CLOSE));
        else if (path === '/end') socket.end(OK);
        else socket.write(OK);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let listening = true;
  const stopListening = () =>
    new Promise<void>((resolve) => {
      listening = false;
      server.close(() => resolve());
    });
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    if (listening) await stopListening();
  };
  return { url: `http://127.0.0.1:${port}`, state, stopListening, close };
}

describe('the plain pool: connections and closing', () => {
  it('close() waits for the request in flight, then closes its connection', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const r = recorder();
      pool.dispatch({ ...GET, path: '/hold' }, r.handler);
      await until(() => server.state.held.length === 1, 'the request at the server');
      let endedWhenClosed: boolean | undefined;
      const closing = pool.close().then(() => {
        endedWhenClosed = r.seen.ended;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(endedWhenClosed, undefined, 'close() waits while the request is in flight');
      server.state.held[0]?.();
      await closing;
      assert.deepEqual([r.seen.body, endedWhenClosed], ['ok', true]);
      await until(() => server.state.closed === 1, 'its connection closed');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('close() waits for a request still waiting for its connection', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const r = recorder();
      pool.dispatch(GET, r.handler);
      let endedWhenClosed: boolean | undefined;
      await pool.close().then(() => {
        endedWhenClosed = r.seen.ended;
      });
      assert.deepEqual([r.seen.body, endedWhenClosed], ['ok', true]);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('close() waits for every request in flight, not only the first to end', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, { ...OPTIONS, connections: 2 }, PlainPool.readBuffer());
    try {
      const [a, b] = [recorder(), recorder()];
      pool.dispatch({ ...GET, path: '/hold' }, a.handler);
      pool.dispatch({ ...GET, path: '/hold' }, b.handler);
      await until(() => server.state.held.length === 2, 'both requests at the server');
      let bEndedWhenClosed: boolean | undefined;
      const closing = pool.close().then(() => {
        bEndedWhenClosed = b.seen.ended;
      });
      server.state.held[0]?.();
      await a.done;
      server.state.held[1]?.();
      await closing;
      assert.equal(bEndedWhenClosed, true);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('close() resolves when the last request in flight fails', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const r = recorder();
      pool.dispatch({ ...GET, path: '/hold' }, r.handler);
      await until(() => server.state.heldOn.length === 1, 'the request at the server');
      const closing = pool.close();
      server.state.heldOn[0]?.destroy();
      await r.done;
      assert.ok(r.seen.error, 'the request failed');
      await closing;
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('close() closes the connections that were idle while it waited', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, { ...OPTIONS, connections: 2 }, PlainPool.readBuffer());
    try {
      const [busy, quick] = [recorder(), recorder()];
      pool.dispatch({ ...GET, path: '/hold' }, busy.handler);
      pool.dispatch(GET, quick.handler);
      await quick.done;
      await until(() => server.state.held.length === 1, 'the held request at the server');
      const closing = pool.close();
      server.state.held[0]?.();
      await closing;
      await until(() => server.state.closed === 2, 'both connections closed');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('refuses requests after destroy()', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    pool.destroy();
    try {
      const r = recorder();
      pool.dispatch(GET, r.handler);
      await r.done;
      assert.equal(r.seen.error, 'the HTTP transport is closed');
      assert.equal(server.state.opened, 0);
    } finally {
      await server.close();
    }
  });

  it('drops an idle connection its server closed, and opens a new one for the next request', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const first = recorder();
      pool.dispatch({ ...GET, path: '/end' }, first.handler);
      await first.done;
      await until(() => server.state.closed === 1, 'the connection closed by the server');
      const next = recorder();
      pool.dispatch(GET, next.handler);
      await next.done;
      assert.deepEqual([next.seen.body, next.seen.error], ['ok', undefined]);
      assert.equal(server.state.opened, 2);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('a connection closed while busy leaves the idle ones in use', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, { ...OPTIONS, connections: 2 }, PlainPool.readBuffer());
    try {
      const closing = recorder();
      const quick = recorder();
      pool.dispatch({ ...GET, path: '/hold-close' }, closing.handler);
      pool.dispatch(GET, quick.handler);
      await quick.done;
      await until(() => server.state.held.length === 1, 'the held request at the server');
      server.state.held[0]?.();
      await closing.done;
      await until(() => server.state.closed === 1, 'the closed connection gone');
      const next = recorder();
      pool.dispatch(GET, next.handler);
      await next.done;
      assert.equal(next.seen.body, 'ok');
      assert.equal(server.state.opened, 2, 'the idle connection reused');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('does not connect again after a refused connection when no request waits', async () => {
    const server = await countingServer();
    const url = server.url;
    await server.close(); // nothing listens there now
    let attempts = 0;
    const count = () => attempts++;
    subscribe('net.client.socket', count);
    const pool = new PlainPool(url, OPTIONS, PlainPool.readBuffer());
    try {
      const r = recorder();
      pool.dispatch(GET, r.handler);
      await r.done;
      assert.match(r.seen.error ?? '', /ECONNREFUSED/);
      // A new attempt would have started at once, in the same callback that failed the request.
      assert.equal(attempts, 1);
    } finally {
      unsubscribe('net.client.socket', count);
      pool.destroy();
    }
  });

  it('fails requests before they have a connection with a controller neither aborted nor paused', async () => {
    const pool = new PlainPool('http://127.0.0.1:1', OPTIONS, PlainPool.readBuffer());
    await pool.close();
    let controller: Dispatcher.DispatchController | undefined;
    pool.dispatch(GET, {
      onResponseError: (c) => {
        controller = c;
      },
    });
    assert.deepEqual([controller?.aborted, controller?.paused, controller?.reason], [false, false, null]);
  });

  it('tolerates handlers without onResponseError, which the dispatch interface allows', async () => {
    const closed = new PlainPool('http://127.0.0.1:1', OPTIONS, PlainPool.readBuffer());
    await closed.close();
    closed.dispatch(GET, {});
    const server = await countingServer();
    const url = server.url;
    await server.close(); // nothing listens there now: the connection is refused
    const refused = new PlainPool(url, OPTIONS, PlainPool.readBuffer());
    refused.dispatch(GET, {});
    await refused.close(); // resolves once the refusal took the request
    const destroyed = new PlainPool(url, OPTIONS, PlainPool.readBuffer());
    destroyed.dispatch(GET, {});
    destroyed.dispatch(GET, {});
    destroyed.destroy();
  });
});

describe('the plain pool: requests given up before they are sent', () => {
  it('a connection that opens after its request was given up goes idle, and close() does not wait for it', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const givenUp = recorder({ giveUp: new Error('timed out while connecting') });
      pool.dispatch(GET, givenUp.handler);
      await until(() => givenUp.seen.starts.length === 1, 'the new connection to start the request');
      const next = recorder();
      pool.dispatch(GET, next.handler);
      await next.done;
      assert.equal(next.seen.body, 'ok');
      assert.deepEqual(
        [server.state.opened, server.state.received],
        [1, 1],
        'nothing sent for the given-up request',
      );
      await pool.close();
      await until(() => server.state.closed === 1, 'the idle connection closed by close()');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('an idle connection whose request was given up serves the next one, and close() does not wait for it', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const first = recorder();
      pool.dispatch(GET, first.handler);
      await first.done;
      const givenUp = recorder({ giveUp: new Error('timed out') });
      pool.dispatch(GET, givenUp.handler);
      assert.equal(givenUp.seen.starts.length, 1, 'started at once on the idle connection');
      const next = recorder();
      pool.dispatch(GET, next.handler);
      await next.done;
      assert.equal(next.seen.body, 'ok');
      assert.deepEqual([server.state.opened, server.state.received], [1, 2]);
      await pool.close();
      await until(() => server.state.closed === 1, 'the idle connection closed by close()');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('skips queued requests given up meanwhile and serves the next on the released connection', async () => {
    const server = await countingServer();
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const first = recorder();
      const givenUp = [1, 2, 3].map(() => recorder({ giveUp: new Error('timed out while queued') }));
      const last = recorder();
      pool.dispatch(GET, first.handler);
      for (const r of givenUp) pool.dispatch(GET, r.handler);
      pool.dispatch(GET, last.handler);
      await last.done;
      assert.deepEqual([first.seen.body, last.seen.body], ['ok', 'ok']);
      assert.deepEqual([server.state.opened, server.state.received], [1, 2]);
      await pool.close();
    } finally {
      pool.destroy();
      await server.close();
    }
  });
});

describe('the plain pool: a request sent again after a stale connection', () => {
  /** One request answered, then the kept-alive connection dropped under the second, which is retried. */
  async function dropped(onRetry: (pool: PlainPool, controller: Dispatcher.DispatchController) => void) {
    const server = await countingServer({ dropSecondRequest: true });
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    const first = recorder();
    pool.dispatch(GET, first.handler);
    await first.done;
    const retried = recorder({
      // The second start is the retry's: the request waits there for a new connection.
      onStart: (controller) => {
        if (retried.seen.starts.length === 2) onRetry(pool, controller);
      },
    });
    pool.dispatch(GET, retried.handler);
    return { server, pool, retried };
  }

  it('fails at once when given up while it waits for a new connection, and is not sent again', async () => {
    const reason = new Error('timed out while waiting to be sent again');
    let waiting: Dispatcher.DispatchController | undefined;
    const { server, pool, retried } = await dropped((_pool, controller) => {
      waiting = controller;
      assert.deepEqual([controller.aborted, controller.paused, controller.reason], [false, false, null]);
      controller.abort(reason);
      controller.abort(new Error('a second abort'));
    });
    try {
      await retried.done;
      assert.equal(retried.seen.error, reason.message);
      assert.deepEqual([waiting?.aborted, waiting?.reason], [true, reason]);
      // The new connection then takes it, and the handler refuses it (as Exchange does).
      await until(() => retried.seen.starts.length === 3, 'the new connection to start it');
      await pool.close();
      assert.deepEqual(
        [server.state.opened, server.state.received],
        [2, 2],
        'sent once, dropped, never again',
      );
      assert.equal(retried.seen.error, reason.message, 'told once');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('a queued request sent on a reused connection is sent again too', async () => {
    const server = await countingServer({ dropSecondRequest: true });
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const [first, queued] = [recorder(), recorder()];
      pool.dispatch(GET, first.handler);
      pool.dispatch(GET, queued.handler);
      await queued.done;
      assert.deepEqual([queued.seen.body, queued.seen.error], ['ok', undefined]);
      assert.deepEqual([server.state.opened, server.state.received], [2, 3]);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('given up while it waits, fails a handler without onResponseError quietly', async () => {
    const server = await countingServer({ dropSecondRequest: true });
    const pool = new PlainPool(server.url, OPTIONS, PlainPool.readBuffer());
    try {
      const first = recorder();
      pool.dispatch(GET, first.handler);
      await first.done;
      let starts = 0;
      pool.dispatch(GET, {
        // The second start is the retry's: give up there, and refuse the new connection's start.
        onRequestStart: (controller) => {
          if (++starts >= 2) controller.abort(new Error('timed out'));
        },
      });
      await until(() => starts === 3, 'the new connection to start it');
      await pool.close();
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('close() called while it waits for a new connection waits for its response', async () => {
    let closing: Promise<void> | undefined;
    let endedWhenClosed: boolean | undefined;
    // Once the retry is queued and its connection opening (a microtask later), not from inside it.
    const { server, pool, retried } = await dropped((p) =>
      queueMicrotask(() => {
        closing = p.close().then(() => {
          endedWhenClosed = retried.seen.ended;
        });
      }),
    );
    try {
      await retried.done;
      await closing;
      assert.equal(retried.seen.body, 'ok');
      assert.equal(endedWhenClosed, true, 'close() resolved after the response');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('destroy() called while it waits for a new connection fails it', async () => {
    const { server, retried } = await dropped((p) => queueMicrotask(() => p.destroy()));
    try {
      await retried.done;
      assert.equal(retried.seen.error, 'the HTTP transport was destroyed');
      assert.equal(server.state.received, 2);
    } finally {
      await server.close();
    }
  });

  it('fails with the reason when its new connection is refused', async () => {
    let server: Awaited<ReturnType<typeof countingServer>> | undefined;
    const {
      pool,
      retried,
      server: s,
    } = await dropped(() => {
      void server?.stopListening();
    });
    server = s;
    try {
      // Stopped listening at the retry: the connection open until then is the one dropped.
      await retried.done;
      assert.match(retried.seen.error ?? '', /ECONNREFUSED/);
      await pool.close();
    } finally {
      pool.destroy();
      await s.close();
    }
  });
});
