import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { type DemoServer, type DemoServerOptions, startDemoServer } from '../../src/demo/server.ts';

/** A database the endpoint suites run against: SQLite always, PostgreSQL when VOLLEY_TEST_PG is set. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why the backend's tests are skipped, or false. */
  skip: string | false;
  /** A server on a fresh database (PostgreSQL: its own schema, dropped on close). */
  start(options?: DemoServerOptions): Promise<DemoServer>;
}

const PG_URL = process.env.VOLLEY_TEST_PG;

const sqlite: Backend = {
  name: 'sqlite',
  skip: false,
  start: (options = {}) => startDemoServer({ port: 0, ...options }),
};

const postgres: Backend = {
  name: 'postgres',
  skip:
    PG_URL === undefined || PG_URL === ''
      ? 'VOLLEY_TEST_PG is not set (start a throwaway PostgreSQL with .ci/pg-setup.sh)'
      : false,
  async start(options = {}) {
    const url = PG_URL ?? '';
    const schema = `volley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withClient(url, (c) => c.query(`CREATE SCHEMA ${schema}`));
    const db = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    let server: DemoServer;
    try {
      server = await startDemoServer({ port: 0, ...options, db });
    } catch (error) {
      await withClient(url, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
      throw error;
    }
    return {
      ...server,
      close: async () => {
        await server.close();
        await withClient(url, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
      },
    };
  },
};

export const BACKENDS: readonly Backend[] = [sqlite, postgres];

async function withClient(url: string, body: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await body(client);
  } finally {
    await client.end();
  }
}

/**
 * Defines `suite` once per backend, each with one server shared by its tests (started before, closed after).
 * Tests must therefore not assume an empty database beyond what they create themselves.
 */
export function describeOnBackends(
  title: string,
  suite: (server: () => DemoServer, backend: Backend) => void,
  options: DemoServerOptions = {},
): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend.name}]`, { skip: backend.skip }, () => {
      let server: DemoServer | undefined;
      before(async () => {
        server = await backend.start(options);
      });
      after(async () => {
        await server?.close();
      });
      suite(() => {
        if (server === undefined) throw new Error('server not started');
        return server;
      }, backend);
    });
  }
}
