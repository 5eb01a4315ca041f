import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { startDemoServer } from '../../src/demo/server.ts';
import { BACKENDS } from './backends.ts';
import { call, list } from './http.ts';

const PG_URL = process.env.VOLLEY_TEST_PG ?? '';
const skip = BACKENDS.find((b) => b.name === 'postgres')?.skip ?? 'no postgres backend';

test('PostgreSQL: migrations are recorded once; data and seeds survive a restart', { skip }, async () => {
  const schema = `volley_test_migrations_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const lines: string[] = [];
  try {
    const first = await startDemoServer({ port: 0, db, seedStudents: 3, log: (l) => lines.push(l) });
    await call(first.url, 'POST', '/students', { json: { name: 'Kept', email: 'kept@example.com' } });
    await first.close();

    const second = await startDemoServer({ port: 0, db, seedStudents: 5, log: (l) => lines.push(l) });
    try {
      assert.equal(list(await call(second.url, 'GET', '/students')).length, 6);
    } finally {
      await second.close();
    }
    assert.ok(lines.includes('demo: seeded 3 students (0 already there)'));
    assert.ok(lines.includes('demo: seeded 2 students (3 already there)'));
    assert.match(lines.at(-1) ?? '', /\(db: postgres:\/\/[^:]+:\*\*\*@/);

    const versions = await admin.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    assert.deepEqual(
      versions.rows.map((r: { version: number }) => r.version),
      [1],
    );
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
});
