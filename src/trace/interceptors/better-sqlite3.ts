import type { Tracer } from '../tracer.ts';
import type { EncodedError } from '../typed-json.ts';
import type { LibraryPatch } from './library-patch.ts';

/**
 * `better-sqlite3`: its export, the Database class, is replaced by a traced one. Recording, it wraps a real
 * database and writes every open, exec, prepare, pragma and statement call (SQL, parameters and the
 * statement's settings: pluck, expand, raw, safeIntegers); replaying, the file is never opened and every
 * call is answered from the recording. Registering SQL functions, aggregates, virtual tables or extensions
 * runs for real when recording and does nothing when replaying (no query runs then); backup and serialize
 * read the real file, so replay reports them as escaped I/O.
 */

type Fn = (...args: unknown[]) => unknown;
/** A real Database or Statement: methods, and a few flags read as values. */
type Real = { [key: string]: Fn | undefined } & {
  reader?: unknown;
  readonly?: unknown;
  inTransaction?: unknown;
};
type RealDatabaseClass = (new (
  ...args: unknown[]
) => Real) & {
  SqliteError?: new (message: string, code: string) => Error;
};

const K = 'better-sqlite3';

interface PreparedShape {
  reader: boolean;
  readonly: boolean;
}

function errorFactory(Real: RealDatabaseClass): (record: EncodedError) => Error {
  return ({ name, message, props }) => {
    let error: Error;
    if (Real.SqliteError !== undefined && name === 'SqliteError')
      error = new Real.SqliteError(message, String(props.code ?? ''));
    else {
      error = new Error(message);
      Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
    }
    return Object.assign(error, props);
  };
}

/** The options that change what the database does (functions such as `verbose` are left out). */
function openOptions(options: unknown): Record<string, unknown> | null {
  if (options === null || typeof options !== 'object') return null;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options))
    if (typeof value !== 'function' && key !== 'nativeBinding') out[key] = value;
  return out;
}

export function tracedBetterSqlite3(tracer: Tracer, RealDatabase: RealDatabaseClass): object {
  tracer.setErrorFactory(`${K}.`, errorFactory(RealDatabase));

  class TracedStatement {
    readonly #db: TracedDatabase;
    readonly #sql: string;
    readonly #real: Real | null;
    readonly #shape: PreparedShape;
    /** Settings that change what a call returns: part of its arguments. */
    readonly #settings: Record<string, unknown>;
    #bound: unknown[] | null = null;

    constructor(db: TracedDatabase, sql: string, real: Real | null, shape: PreparedShape, safe: boolean) {
      this.#db = db;
      this.#sql = sql;
      this.#real = real;
      this.#shape = shape;
      this.#settings = safe ? { safeIntegers: true } : {};
    }

    #call(method: 'run' | 'get' | 'all', params: unknown[]): unknown {
      const args: Record<string, unknown> = {
        db: this.#db.name,
        sql: this.#sql,
        params: this.#bound ?? params,
      };
      Object.assign(args, this.#settings);
      return tracer.sync(`${K}.${method}`, args, () => this.#real?.[method]?.(...params));
    }
    #set(name: string, value: unknown, ...realArgs: unknown[]): this {
      this.#settings[name] = value;
      this.#real?.[name]?.(...realArgs);
      return this;
    }

    run(...params: unknown[]): unknown {
      return this.#call('run', params);
    }
    get(...params: unknown[]): unknown {
      return this.#call('get', params);
    }
    all(...params: unknown[]): unknown {
      return this.#call('all', params);
    }
    /** Recorded as `all`: the rows are read at once and handed out one by one. */
    iterate(...params: unknown[]): IterableIterator<unknown> {
      return (this.#call('all', params) as unknown[])[Symbol.iterator]();
    }
    pluck(toggle = true): this {
      return this.#set('pluck', toggle, toggle);
    }
    expand(toggle = true): this {
      return this.#set('expand', toggle, toggle);
    }
    raw(toggle = true): this {
      return this.#set('raw', toggle, toggle);
    }
    safeIntegers(toggle = true): this {
      return this.#set('safeIntegers', toggle, toggle);
    }
    bind(...params: unknown[]): this {
      this.#real?.bind?.(...params);
      this.#bound = params;
      return this;
    }
    columns(): unknown {
      return tracer.sync(`${K}.columns`, { db: this.#db.name, sql: this.#sql }, () =>
        this.#real?.columns?.(),
      );
    }
    get source(): string {
      return this.#sql;
    }
    get reader(): boolean {
      return this.#shape.reader;
    }
    get readonly(): boolean {
      return this.#shape.readonly;
    }
    get busy(): boolean {
      return (this.#real?.busy as boolean | undefined) ?? false;
    }
    get database(): TracedDatabase {
      return this.#db;
    }
  }

  class TracedDatabase {
    readonly name: string;
    readonly memory: boolean;
    readonly readonly: boolean;
    readonly #real: Real | null;
    #open = true;
    #defaultSafe = false;
    /** Replaying: how deep in transaction functions the application is. */
    #transactions = 0;

    constructor(filename?: unknown, options?: unknown) {
      this.name = Buffer.isBuffer(filename) ? ':memory:' : String(filename ?? '').trim();
      this.memory = this.name === '' || this.name === ':memory:';
      this.readonly = (options as { readonly?: unknown } | undefined)?.readonly === true;
      const args = { db: Buffer.isBuffer(filename) ? filename : this.name, options: openOptions(options) };
      this.#real = tracer.sync(
        `${K}.open`,
        args,
        () => (options === undefined ? new RealDatabase(filename) : new RealDatabase(filename, options)),
        { encode: () => null, decode: () => null },
      );
    }

    get open(): boolean {
      return this.#open;
    }
    get inTransaction(): boolean {
      if (this.#real !== null) return this.#real.inTransaction === true;
      return this.#transactions > 0;
    }

    prepare(sql: string): TracedStatement {
      let prepared: Real | null = null;
      const shape = tracer.sync(
        `${K}.prepare`,
        { db: this.name, sql },
        () => {
          prepared = this.#real?.prepare?.(sql) as Real;
          return { reader: prepared.reader === true, readonly: prepared.readonly === true };
        },
        {
          encode: (value: PreparedShape) => ({ reader: value.reader, readonly: value.readonly }),
          decode: (recorded) => recorded as unknown as PreparedShape,
        },
      );
      return new TracedStatement(this, sql, prepared, shape, this.#defaultSafe);
    }
    exec(sql: string): this {
      tracer.sync(`${K}.exec`, { db: this.name, sql }, () => {
        this.#real?.exec?.(sql);
      });
      return this;
    }
    pragma(source: string, options?: { simple?: boolean }): unknown {
      return tracer.sync(`${K}.pragma`, { db: this.name, source, simple: options?.simple === true }, () =>
        this.#real?.pragma?.(source, options),
      );
    }
    /** Recording, the real transaction function; replaying, the function alone (no statement runs). */
    transaction(fn: Fn): Fn {
      if (typeof fn !== 'function') throw new TypeError('Expected first argument to be a function');
      if (this.#real !== null) return this.#real.transaction?.(fn) as Fn;
      const replayed = (...args: unknown[]): unknown => {
        this.#transactions++;
        try {
          return fn(...args);
        } finally {
          this.#transactions--;
        }
      };
      for (const variant of ['default', 'deferred', 'immediate', 'exclusive'])
        Object.defineProperty(replayed, variant, { value: replayed });
      Object.defineProperty(replayed, 'database', { value: this, enumerable: true });
      return replayed;
    }
    close(): this {
      tracer.sync(`${K}.close`, { db: this.name }, () => {
        this.#real?.close?.();
      });
      this.#open = false;
      return this;
    }
    defaultSafeIntegers(toggle = true): this {
      this.#defaultSafe = toggle;
      this.#real?.defaultSafeIntegers?.(toggle);
      return this;
    }
    /** Setup that changes no recorded answer: real when recording, nothing when replaying. */
    #configure(method: string, args: unknown[]): this {
      this.#real?.[method]?.(...args);
      return this;
    }
    function(...args: unknown[]): this {
      return this.#configure('function', args);
    }
    aggregate(...args: unknown[]): this {
      return this.#configure('aggregate', args);
    }
    table(...args: unknown[]): this {
      return this.#configure('table', args);
    }
    loadExtension(...args: unknown[]): this {
      return this.#configure('loadExtension', args);
    }
    unsafeMode(...args: unknown[]): this {
      return this.#configure('unsafeMode', args);
    }
    /** Reads the real file: refused on replay. */
    #fileCopy(method: string, args: unknown[]): unknown {
      if (tracer.replaying) throw tracer.escaped(`${K}.${method}`, { db: this.name });
      return this.#real?.[method]?.(...args);
    }
    backup(...args: unknown[]): unknown {
      return this.#fileCopy('backup', args);
    }
    serialize(...args: unknown[]): unknown {
      return this.#fileCopy('serialize', args);
    }
  }

  // better-sqlite3's Database may be called without `new`.
  const Database = function Database(filename?: unknown, options?: unknown): TracedDatabase {
    return new TracedDatabase(filename, options);
  };
  Database.prototype = TracedDatabase.prototype;
  Object.defineProperty(Database, Symbol.hasInstance, {
    value: (value: unknown) => value instanceof TracedDatabase,
  });
  for (const key of Object.keys(RealDatabase))
    (Database as unknown as Record<string, unknown>)[key] = (
      RealDatabase as unknown as Record<string, unknown>
    )[key];
  return Database;
}

export const betterSqlite3Patch: LibraryPatch = {
  name: 'better-sqlite3',
  entry: '/node_modules/better-sqlite3/lib/index.js',
  install(tracer: Tracer, exports: object): object | undefined {
    if (typeof exports !== 'function') return undefined;
    return tracedBetterSqlite3(tracer, exports as RealDatabaseClass);
  },
};
