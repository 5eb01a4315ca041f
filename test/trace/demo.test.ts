/**
 * `volley demo` itself traced: recorded under the registration/login and users/posts examples (JWTs,
 * password hashing, random ids, timestamps), then replayed offline — inside `unshare -n` when the machine
 * allows it — with its SQLite file deleted, and, when VOLLEY_TEST_PG is set (CI), on its PostgreSQL store
 * with the database out of reach.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runCli, VOLLEY_BIN } from '../helpers/cli.ts';

const example = (name: string): string =>
  fileURLToPath(new URL(`../../examples/${name}/scenario.ts`, import.meta.url));
const offline =
  spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;
const PG_URL = process.env.VOLLEY_TEST_PG ?? '';

/** Records the demo on `db` under two examples' load, then replays it offline; returns the report. */
async function recordAndReplay(dir: string, db: string, beforeReplay: () => void) {
  const recording = join(dir, 'demo.vtrace');
  const demo = ['node', VOLLEY_BIN, 'demo', '--port', '0', '--db', db];
  let listening: (port: string) => void;
  const port = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const loads: { code: number | null; stdout: string }[] = [];
  const recorder = runCli(['trace', 'record', '--out', recording, '--', ...demo], {
    cwd: dir,
    timeoutMs: 150_000,
    onOutput: (text) => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (m) listening(m[1] as string);
    },
    interruptWhen: port.then(async (p) => {
      const host = `http://127.0.0.1:${p}`;
      loads.push(
        await runCli(
          [example('registration-login'), '-H', host, '-u', '4', '-r', '100', '-i', '3', '--seed', '3'],
          { timeoutMs: 90_000 },
        ),
      );
      loads.push(
        await runCli([example('users-posts'), '-H', host, '-u', '4', '-r', '100', '-i', '5', '--seed', '4'], {
          timeoutMs: 90_000,
        }),
      );
    }),
  });
  const recorded = await recorder;
  assert.equal(recorded.code, 0, recorded.stderr);
  for (const load of loads) assert.equal(load.code, 0, load.stdout);
  beforeReplay();
  const json = join(dir, 'report.json');
  const replay = await runCli(['trace', 'replay', recording, '--json', json, '--', ...demo], {
    cwd: dir,
    timeoutMs: 120_000,
    ...(offline ? { wrap: ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh'] } : {}),
  });
  return {
    replay,
    report: JSON.parse(readFileSync(json, 'utf8')) as {
      passed: boolean;
      requests: number;
      identical: number;
    },
  };
}

describe('volley demo traced and replayed offline', { timeout: 300_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-demo-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays the demo on SQLite identically with its database file deleted', async () => {
    const file = join(dir, 'demo.db');
    const { replay, report } = await recordAndReplay(dir, `sqlite:${file}`, () => rmSync(file));
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.ok(report.requests >= 40, `${report.requests} requests`);
    assert.equal(report.identical, report.requests);
    assert.equal(existsSync(file), false, 'the replay opened no database file');
  });

  it('replays the demo on PostgreSQL identically with the database out of reach', {
    skip:
      PG_URL === '' ? 'VOLLEY_TEST_PG is not set (start a throwaway PostgreSQL with .ci/pg-setup.sh)' : false,
  }, async () => {
    const schema = `volley_trace_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`CREATE SCHEMA ${schema}`);
      const db = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const { replay, report } = await recordAndReplay(dir, db, () => {});
      assert.equal(replay.code, 0, replay.stdout + replay.stderr);
      assert.ok(report.requests >= 40, `${report.requests} requests`);
      assert.equal(report.identical, report.requests);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
