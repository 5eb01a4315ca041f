import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('volley trace: better-sqlite3', () => {
  let dir: string;
  let data: string;
  let recording: string;
  const run = (mode: 'record' | 'replay', mutant = '') =>
    runCli(
      [
        'trace',
        mode,
        ...(mode === 'record' ? ['--out', recording] : [recording]),
        '--',
        'node',
        'better-sqlite3-client.mjs',
      ],
      { cwd: FIXTURES, env: { DATA_DIR: data, MUTANT: mutant }, timeoutMs: 60_000 },
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-bsqlite-'));
    data = join(dir, 'data');
    recording = join(dir, 'notes.vtrace');
    const recorded = await run('record');
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.match(
      recorded.stdout,
      /"inside":true,"failure":"SqliteError SQLITE_CONSTRAINT_UNIQUE true","titles":\["first","second"\],"body":"010203","big":"bigint 9007199254740993","count":2,"isDatabase":true/,
    );
    rmSync(data, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays the program with its database deleted, output identical, no database file made', async () => {
    const result = await run('replay');
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /0 divergences · 0 response diffs · 0 unused · 0 escaped/);
    assert.equal(existsSync(join(data, 'notes.db')), false);
  });

  it('fails a replay whose SQL statement changed, showing both statements', async () => {
    const result = await run('replay', 'sql');
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stdout,
      /call differs from the recording: better-sqlite3\.prepare at better-sqlite3-client\.mjs:\d+/,
    );
    assert.match(result.stdout, /recorded: SELECT id, title, body, big FROM notes WHERE title = \?\n/);
    assert.match(
      result.stdout,
      /replayed: SELECT id, title, body, big FROM notes WHERE title = \? AND id > 1/,
    );
  });
});
