import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { DatabaseSync as RealDatabaseSync, StatementSync as RealStatementSync } from 'node:sqlite';
import type { ResultCodec, Tracer } from '../tracer.ts';
import { decode, type Encoded, encode, encodeRowSet } from '../typed-json.ts';

/**
 * `node:sqlite`: `DatabaseSync` is replaced by a traced class. Recording, it wraps a real database and
 * writes every open, exec, prepare and statement call; replaying, it never opens the file: every call is
 * answered from the recording (rows come back as null-prototype objects, as node:sqlite returns them).
 */

type Params = unknown[];
type SqliteModule = typeof import('node:sqlite');

/** node:sqlite's rows have no prototype; the recorded ones are rebuilt the same way. */
function nullProtoRows(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullProtoRows);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.assign(Object.create(null), value);
  }
  return value;
}

/** Several rows of a statement (all with its columns) as a row set; anything else as it is. */
function isRowList(value: unknown): value is object[] {
  if (!Array.isArray(value) || value.length < 2) return false;
  const first = value[0] as unknown;
  return first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === null;
}

const rowsCodec: ResultCodec<unknown> = {
  encode: (value) => (isRowList(value) ? encodeRowSet(value) : encode(value)),
  decode: (recorded: Encoded) => nullProtoRows(decode(recorded)),
};

export function installNodeSqlite(tracer: Tracer): void {
  const require = createRequire(import.meta.url);
  let sqlite: SqliteModule;
  try {
    // Loading node:sqlite on Node 22 prints an experimental warning the application would print anyway.
    sqlite = require('node:sqlite') as SqliteModule;
  } catch {
    return;
  }
  const RealDatabase = sqlite.DatabaseSync;

  class TracedStatementSync {
    readonly #db: TracedDatabaseSync;
    readonly #sql: string;
    readonly #real: RealStatementSync | null;
    /** Settings that change what a call returns, part of its arguments. */
    readonly #settings: Record<string, boolean> = {};

    constructor(db: TracedDatabaseSync, sql: string, real: RealStatementSync | null) {
      this.#db = db;
      this.#sql = sql;
      this.#real = real;
    }

    #call(method: 'run' | 'get' | 'all', params: Params): unknown {
      const args = { db: this.#db.location, sql: this.#sql, params, ...this.#settings };
      return tracer.sync(
        `sqlite.${method}`,
        args,
        () => (this.#real as unknown as Record<string, (...p: Params) => unknown>)[method]?.(...params),
        rowsCodec,
      );
    }

    run(...params: Params): unknown {
      return this.#call('run', params);
    }
    get(...params: Params): unknown {
      return this.#call('get', params);
    }
    all(...params: Params): unknown {
      return this.#call('all', params);
    }
    /** Recorded as `all`: the rows are read at once and handed out one by one. */
    iterate(...params: Params): IterableIterator<unknown> {
      return (this.#call('all', params) as unknown[])[Symbol.iterator]();
    }
    columns(): unknown {
      return tracer.sync('sqlite.columns', { db: this.#db.location, sql: this.#sql }, () =>
        this.#real?.columns(),
      );
    }
    get sourceSQL(): string {
      return this.#sql;
    }
    #set(name: string, value: boolean): void {
      this.#settings[name] = value;
      (this.#real as unknown as Record<string, (v: boolean) => void> | null)?.[name]?.(value);
    }
    setReadBigInts(value: boolean): void {
      this.#set('setReadBigInts', value);
    }
    setReturnArrays(value: boolean): void {
      this.#set('setReturnArrays', value);
    }
    setAllowBareNamedParameters(value: boolean): void {
      this.#set('setAllowBareNamedParameters', value);
    }
    setAllowUnknownNamedParameters(value: boolean): void {
      this.#set('setAllowUnknownNamedParameters', value);
    }
  }

  class TracedDatabaseSync {
    readonly location: string;
    readonly #real: RealDatabaseSync | null;
    #open = false;

    constructor(path: string | Buffer | URL, options?: { open?: boolean } & Record<string, unknown>) {
      this.location = String(path);
      // Recording, the real database is made (and opened, unless told not to) exactly as asked; replaying, never.
      this.#real =
        tracer.setup('sqlite.open', { db: this.location, options: options ?? null }, () =>
          options === undefined ? new RealDatabase(path) : new RealDatabase(path, options as never),
        ) ?? null;
      this.#open = options?.open !== false;
    }

    open(): void {
      tracer.setup('sqlite.open', { db: this.location }, () => this.#real?.open());
      this.#open = true;
    }
    get isOpen(): boolean {
      return this.#open;
    }
    close(): void {
      tracer.setup('sqlite.close', { db: this.location }, () => this.#real?.close());
      this.#open = false;
    }
    exec(sql: string): void {
      tracer.sync('sqlite.exec', { db: this.location, sql }, () => this.#real?.exec(sql));
    }
    prepare(sql: string): TracedStatementSync {
      const real =
        tracer.setup('sqlite.prepare', { db: this.location, sql }, () => this.#real?.prepare(sql)) ?? null;
      return new TracedStatementSync(this, sql, real);
    }
    /** Features volley does not record: they run for real when recording and are refused on replay. */
    #unsupported(name: string, args: unknown[]): unknown {
      if (tracer.replaying) throw tracer.escaped(`sqlite.${name}`, { db: this.location });
      return (this.#real as unknown as Record<string, (...a: unknown[]) => unknown>)[name]?.(...args);
    }
    function(...args: unknown[]): unknown {
      return this.#unsupported('function', args);
    }
    aggregate(...args: unknown[]): unknown {
      return this.#unsupported('aggregate', args);
    }
    createSession(...args: unknown[]): unknown {
      return this.#unsupported('createSession', args);
    }
    applyChangeset(...args: unknown[]): unknown {
      return this.#unsupported('applyChangeset', args);
    }
    enableLoadExtension(...args: unknown[]): unknown {
      return this.#unsupported('enableLoadExtension', args);
    }
    loadExtension(...args: unknown[]): unknown {
      return this.#unsupported('loadExtension', args);
    }
  }

  sqlite.DatabaseSync = TracedDatabaseSync as unknown as typeof RealDatabase;
  syncBuiltinESMExports();
}
