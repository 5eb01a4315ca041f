import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { parseDbSpec } from '../../src/demo/db-spec.ts';
import {
  DbSpecError,
  DemoDatabaseError,
  DemoOptionError,
  RemoteBindRefusedError,
} from '../../src/demo/errors.ts';
import { startDemoServer } from '../../src/demo/server.ts';
import { SqliteStore } from '../../src/demo/sqlite-store.ts';
import { call, list } from './http.ts';

describe('startDemoServer options', () => {
  test('refuses a non-loopback host unless allowRemote, with a one-line message', async () => {
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'example.com']) {
      await assert.rejects(startDemoServer({ port: 0, host }), (error: Error) => {
        assert.ok(error instanceof RemoteBindRefusedError);
        assert.ok(error instanceof DemoOptionError);
        assert.match(
          error.message,
          new RegExp(`^refusing to listen on ${host.replace(/\./g, '\\.')}: .*allowRemote`),
        );
        assert.equal(error.message.includes('\n'), false);
        return true;
      });
    }
  });

  test('binds loopback hosts, including IPv6 ::1, and reports the URL', async () => {
    const v4 = await startDemoServer({ port: 0 });
    try {
      assert.match(v4.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(v4.url, `http://127.0.0.1:${v4.port}`);
      assert.equal((await call(v4.url, 'GET', '/health')).status, 200);
    } finally {
      await v4.close();
    }
    const v6 = await startDemoServer({ port: 0, host: '::1' }).catch(() => undefined);
    if (v6 !== undefined) {
      try {
        assert.match(v6.url, /^http:\/\/\[::1\]:\d+$/);
        assert.equal((await call(v6.url, 'GET', '/health')).status, 200);
      } finally {
        await v6.close();
      }
    }
  });

  test('allowRemote lifts the refusal (shown without exposing a port: 203.0.113.1 is not ours to bind)', async () => {
    await assert.rejects(
      startDemoServer({ port: 0, host: '203.0.113.1', allowRemote: true }),
      (error: Error) => {
        assert.ok(error instanceof DemoOptionError);
        assert.equal(error instanceof RemoteBindRefusedError, false);
        assert.match(error.message, /^cannot listen on 203\.0\.113\.1:0: EADDRNOTAVAIL$/);
        return true;
      },
    );
  });

  test('a bad db string names the accepted forms', async () => {
    for (const db of ['mysql://x', 'sqlite:', 'postgres://', 'memory']) {
      await assert.rejects(startDemoServer({ port: 0, db }), (error: Error) => {
        assert.ok(error instanceof DbSpecError);
        assert.equal(
          error.message,
          `unsupported --db ${JSON.stringify(db)}: use sqlite (temporary file), sqlite:FILE, or postgres://user:pass@host:port/db`,
        );
        return true;
      });
    }
  });

  test('parseDbSpec reads the three forms', () => {
    assert.deepEqual(parseDbSpec(undefined), { kind: 'sqlite' });
    assert.deepEqual(parseDbSpec('sqlite'), { kind: 'sqlite' });
    assert.deepEqual(parseDbSpec('sqlite:/tmp/x.db'), { kind: 'sqlite', file: '/tmp/x.db' });
    assert.deepEqual(parseDbSpec('postgres://u:p@h:5432/d'), {
      kind: 'postgres',
      url: 'postgres://u:p@h:5432/d',
    });
    assert.deepEqual(parseDbSpec('postgresql://h/d'), { kind: 'postgres', url: 'postgresql://h/d' });
  });

  test('other bad options are DemoOptionErrors with one-line messages', async () => {
    const cases: [Parameters<typeof startDemoServer>[0], RegExp][] = [
      [{ port: 70_000 }, /^invalid port 70000: use 0–65535/],
      [{ port: 0, seedStudents: -1 }, /^invalid seedStudents -1/],
      [{ port: 0, seedStudents: 2.5 }, /^invalid seedStudents 2\.5/],
      [{ port: 0, faults: { errorRate: 3 } }, /^invalid faults: errorRate must be a number from 0 to 1$/],
      [{ port: 0, jwtSecret: '' }, /^jwtSecret must not be empty$/],
      [{ port: 0, passwordCost: 1000 }, /^invalid passwordCost 1000: use a power of two from 2 to 16384$/],
      [{ port: 0, passwordCost: 32768 }, /^invalid passwordCost 32768/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(startDemoServer(options), (error: Error) => {
        assert.ok(error instanceof DemoOptionError, String(error));
        assert.match(error.message, message);
        return true;
      });
    }
  });

  test('a busy port is a DemoOptionError saying so', async () => {
    const first = await startDemoServer({ port: 0 });
    try {
      await assert.rejects(startDemoServer({ port: first.port }), (error: Error) => {
        assert.ok(error instanceof DemoOptionError);
        assert.match(error.message, new RegExp(`^port ${first.port} is already in use`));
        return true;
      });
    } finally {
      await first.close();
    }
  });

  test('an unreachable PostgreSQL is a DemoDatabaseError with the password hidden', async () => {
    await assert.rejects(
      startDemoServer({ port: 0, db: 'postgres://me:secret@127.0.0.1:1/nothing' }),
      (error: Error) => {
        assert.ok(error instanceof DemoDatabaseError);
        assert.match(
          error.message,
          /^cannot use PostgreSQL at postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/nothing: /,
        );
        assert.equal(error.message.includes('secret'), false);
        assert.equal(error.message.includes('\n'), false);
        return true;
      },
    );
  });

  test('the default SQLite database is a temporary WAL file, removed on close', async () => {
    const store = new SqliteStore();
    assert.ok(existsSync(store.path));
    await store.createStudent({ name: 'x', email: 'x@example.com', domain: null, gpa: null });
    assert.ok(existsSync(`${store.path}-wal`), 'WAL mode');
    await store.close();
    assert.equal(existsSync(store.path), false);
    assert.equal(existsSync(dirname(store.path)), false);
  });

  test('the server logs one startup line naming the URL and database', async () => {
    const lines: string[] = [];
    const server = await startDemoServer({ port: 0, log: (line) => lines.push(line) });
    await server.close();
    await server.close(); // idempotent
    assert.deepEqual(lines, [`volley demo API listening on ${server.url} (db: sqlite (temporary file))`]);
    assert.equal(server.db, 'sqlite (temporary file)');
  });

  test('sqlite:FILE keeps data across restarts; seeding is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-demo-test-'));
    const file = join(dir, 'kept.db');
    try {
      const lines: string[] = [];
      const first = await startDemoServer({
        port: 0,
        db: `sqlite:${file}`,
        seedStudents: 10,
        log: (l) => lines.push(l),
      });
      await call(first.url, 'POST', '/students', { json: { name: 'Kept', email: 'kept@example.com' } });
      await first.close();
      assert.ok(existsSync(file));

      const second = await startDemoServer({
        port: 0,
        db: `sqlite:${file}`,
        seedStudents: 12,
        log: (l) => lines.push(l),
      });
      try {
        const students = list(await call(second.url, 'GET', '/students'));
        assert.equal(students.length, 13);
        assert.ok(students.some((s) => s.email === 'kept@example.com'));
      } finally {
        await second.close();
      }
      assert.ok(lines.includes('demo: seeded 10 students (0 already there)'));
      assert.ok(lines.includes('demo: seeded 2 students (10 already there)'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
