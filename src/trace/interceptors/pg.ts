import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { insideInterceptedCall, runInside } from '../trace-scope.ts';
import type { ResultCodec, Tracer } from '../tracer.ts';
import { decode, type Encoded, type EncodedError, encode } from '../typed-json.ts';
import type { LibraryPatch } from './library-patch.ts';

/**
 * `pg` (node-postgres): `Client.query` and `Pool.query` in all their call forms (text, text + values, a
 * config object with text/values/rowMode/name; callback or promise) are one call kind, `pg.query`, whose
 * arguments are the SQL and its parameters. Replaying, `Client.connect` and `end` succeed without a socket
 * and every query is answered from the recording, so a pool works with the database gone. `Pool.connect`'s
 * callback is bound to its caller: a waiter handed a freed client runs in its own request's context, not in
 * that of the request that released it.
 */

const KIND = 'pg.query';
type Snapshot = <R>(fn: () => R) => R;
type Callback = (error: unknown, result?: unknown) => void;
type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface PgModule {
  Client: { prototype: Record<string, unknown> };
  Pool: { prototype: object };
  Result?: new (rowMode?: string) => Record<string, unknown>;
  DatabaseError?: new (message: string, length: number, name: string) => Error;
}

interface QueryConfig {
  text?: unknown;
  values?: unknown;
  rowMode?: unknown;
  name?: unknown;
  callback?: unknown;
}

interface QueryCall {
  /** What decides the query: recorded and matched. */
  args: Record<string, unknown>;
  /** The real query's arguments, in promise form. */
  config: unknown;
  values: unknown[] | undefined;
  callback: Callback | undefined;
}

/** pg's own rules (normalizeQueryConfig): values given apart win over config.values; a function is the callback. */
function queryCall(config: unknown, values: unknown, callback: unknown): QueryCall {
  let cb = typeof callback === 'function' ? (callback as Callback) : undefined;
  let vals: unknown[] | undefined;
  if (typeof values === 'function') cb = values as Callback;
  else if (values !== undefined && values !== null) vals = values as unknown[];
  if (typeof config === 'string') {
    const args: Record<string, unknown> = { text: config };
    if (vals !== undefined) args.values = vals;
    return { args, config, values: vals, callback: cb };
  }
  const object = config as QueryConfig;
  if (cb === undefined && typeof object.callback === 'function') cb = object.callback as Callback;
  const effective = vals ?? (object.values as unknown[] | undefined);
  const args: Record<string, unknown> = { text: object.text };
  if (effective !== undefined && effective !== null) args.values = effective;
  if (object.rowMode !== undefined) args.rowMode = object.rowMode;
  if (object.name !== undefined) args.name = object.name;
  // The callback is taken out without copying the config: its text and values may be getters (sql-template-strings).
  const real =
    typeof object.callback === 'function'
      ? Object.create(object, { callback: { value: undefined } })
      : object;
  return { args, config: real, values: vals, callback: cb };
}

function isSubmittable(config: unknown): boolean {
  return (
    config !== null &&
    typeof config === 'object' &&
    typeof (config as { submit?: unknown }).submit === 'function'
  );
}

/** A Result's fields that an application reads; the rest is pg's parsing state. */
function resultFields(result: Record<string, unknown>): Record<string, unknown> {
  const fields = (result.fields as object[] | undefined)?.map((field) => ({ ...field })) ?? [];
  return {
    command: result.command,
    rowCount: result.rowCount,
    oid: result.oid,
    rows: result.rows,
    fields,
  };
}

function resultCodec(pg: PgModule, rowMode: unknown): ResultCodec<unknown> {
  const rebuild = (value: Record<string, unknown>): unknown => {
    const result = pg.Result
      ? new pg.Result(rowMode === 'array' ? 'array' : undefined)
      : ({} as Record<string, unknown>);
    return Object.assign(result, value);
  };
  return {
    encode: (result) =>
      encode(
        Array.isArray(result)
          ? result.map((one) => resultFields(one as Record<string, unknown>))
          : resultFields(result as Record<string, unknown>),
      ),
    decode: (recorded: Encoded) => {
      const value = decode(recorded);
      return Array.isArray(value)
        ? value.map((one) => rebuild(one as Record<string, unknown>))
        : rebuild(value as Record<string, unknown>);
    },
  };
}

function errorFactory(pg: PgModule): (record: EncodedError) => Error {
  return ({ name, message, props }) => {
    let error: Error;
    if (pg.DatabaseError !== undefined && typeof props.severity === 'string') {
      error = new pg.DatabaseError(message, Number(props.length ?? 0), String(props.name ?? 'error'));
    } else {
      error = new Error(message);
      Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
    }
    return Object.assign(error, props);
  };
}

/** Hands a query's outcome to a callback in its caller's context, or returns the promise. */
function settle(promise: Promise<unknown>, callback: Callback | undefined, snapshot: Snapshot): unknown {
  if (callback === undefined) return promise;
  promise.then(
    (result) => snapshot(() => callback(null, result)),
    (error: unknown) => snapshot(() => callback(error)),
  );
  return undefined;
}

function tracedQuery(tracer: Tracer, pg: PgModule, real: Fn, level: 'client' | 'pool'): Fn {
  return function query(this: unknown, config: unknown, values?: unknown, callback?: unknown): unknown {
    if (config === null || config === undefined || insideInterceptedCall())
      return real.call(this, config, values, callback);
    if (isSubmittable(config)) {
      // Cursors and streams (pg-cursor, pg-query-stream) are not recorded; replaying, they are refused.
      if (!tracer.replaying || level === 'pool') return real.call(this, config, values, callback);
      const error = tracer.escaped('pg.submittable', { text: String((config as QueryConfig).text ?? '') });
      process.nextTick(() => (config as { handleError?: (e: Error) => void }).handleError?.(error));
      return config;
    }
    const call = queryCall(config, values, callback);
    const snapshot = AsyncLocalStorage.snapshot() as Snapshot;
    const promise = tracer.async(
      KIND,
      call.args,
      () =>
        (call.values === undefined
          ? real.call(this, call.config)
          : real.call(this, call.config, call.values)) as Promise<unknown>,
      resultCodec(pg, (call.args as QueryConfig).rowMode),
    );
    return settle(promise, call.callback, snapshot);
  };
}

export const pgPatch: LibraryPatch = {
  name: 'pg',
  entry: '/node_modules/pg/lib/index.js',
  install(tracer: Tracer, exports: object): undefined {
    const pg = exports as PgModule;
    tracer.setErrorFactory('pg.', errorFactory(pg));
    const client = pg.Client.prototype;
    client.query = tracedQuery(tracer, pg, client.query as Fn, 'client');

    const realConnect = client.connect as Fn;
    const realEnd = client.end as Fn;
    client.connect = function connect(this: Record<string, unknown> & { emit: Fn }, callback?: unknown) {
      if (!tracer.replaying) {
        // The connection's own work (SCRAM's random nonce, its socket's handlers) is pg's, not the
        // application's: it runs inside, so none of it is recorded.
        const bound = typeof callback === 'function' ? AsyncResource.bind(callback as Callback) : callback;
        return runInside(() => realConnect.call(this, bound));
      }
      // No socket: the connection is as good as made.
      this._connected = true;
      this._queryable = true;
      process.nextTick(() => this.emit('connect'));
      if (typeof callback === 'function') {
        process.nextTick(AsyncResource.bind(callback as Callback), null, this);
        return undefined;
      }
      return Promise.resolve(this);
    };
    client.end = function end(this: Record<string, unknown> & { emit: Fn }, callback?: unknown) {
      if (!tracer.replaying) {
        const bound = typeof callback === 'function' ? AsyncResource.bind(callback as Callback) : callback;
        return runInside(() => realEnd.call(this, bound));
      }
      const first = this._ending !== true;
      this._ending = true;
      this._queryable = false;
      if (first) process.nextTick(() => this.emit('end'));
      if (typeof callback === 'function') {
        process.nextTick(AsyncResource.bind(callback as Callback));
        return undefined;
      }
      return Promise.resolve();
    };

    // A pool refs and unrefs its clients' sockets; replaying there is none (an unconnected socket would
    // queue a listener per call).
    for (const name of ['ref', 'unref']) {
      const real = client[name] as Fn | undefined;
      if (typeof real !== 'function') continue;
      client[name] = function refOrUnref(this: unknown, ...args: unknown[]) {
        return tracer.replaying ? undefined : real.apply(this, args);
      };
    }

    // pg.Pool is pg-pool's Pool bound to pg.Client; its prototype holds query and connect.
    const pool = Object.getPrototypeOf(pg.Pool.prototype) as Record<string, unknown>;
    if (typeof pool.query === 'function') pool.query = tracedQuery(tracer, pg, pool.query as Fn, 'pool');
    const realPoolConnect = pool.connect as Fn;
    pool.connect = function connect(this: unknown, callback?: unknown) {
      if (typeof callback !== 'function') return realPoolConnect.call(this);
      return realPoolConnect.call(this, AsyncResource.bind(callback as Callback));
    };
    return undefined;
  },
};
