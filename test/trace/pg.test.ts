import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { closedPort } from '../helpers/servers.ts';
import { recordServerUnderLoad } from '../helpers/trace-record.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PG_URL = process.env.VOLLEY_TEST_PG;
const REQUESTS = 20;

describe('volley trace: pg through a pool of 3 under 20 concurrent requests', {
  skip: PG_URL ? false : 'VOLLEY_TEST_PG is not set (bash .ci/pg-setup.sh prints it; CI sets it)',
}, () => {
  let dir: string;
  let recording: string;
  let bodies: Record<number, unknown>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-pg-'));
    recording = join(dir, 'pg.vtrace');
    bodies = await recordServerUnderLoad({
      recording,
      script: 'pg-server.mjs',
      cwd: FIXTURES,
      env: { DATABASE_URL: PG_URL },
      requests: REQUESTS,
      path: (i) => `/item?id=${i}`,
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the types of pg results while recording', () => {
    assert.deepEqual(bodies[3], {
      id: 3,
      label: 'item-3',
      at: '2024-05-09T07:08:09.000Z',
      bytes: '03',
      big: 'string 9007199254740996',
      ratio: 'string 1.0000',
      fields: 'id,label,at,bytes,big,ratio,slept',
      command: 'SELECT 1',
      arrays: [[6, 'again-3']],
      failure: 'DatabaseError 22012 division by zero',
    });
  });

  it('attributes every query to the request that made it, pool waiters included; a client of its own to start-up', () => {
    const lines = readFileSync(recording, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const idOf = new Map<string, number>();
    for (const line of lines)
      if (line.t === 'in') {
        const url = (line.req as { url: string }).url;
        idOf.set(line.s as string, Number(new URL(url, 'http://x').searchParams.get('id')));
      }
    assert.equal(idOf.size, REQUESTS);
    const queries = lines.filter((line) => line.t === 'call' && line.k === 'pg.query');
    const startup = queries.filter((query) => query.s === 'startup');
    assert.deepEqual(
      startup.map(
        (query) => (query.a as { name?: string; text: string }).name ?? (query.a as { text: string }).text,
      ),
      ['server-version', 'SELECT $1::text AS via'],
    );
    const perRequest = queries.filter((query) => query.s !== 'startup');
    assert.equal(perRequest.length, REQUESTS * 3);
    for (const query of perRequest) {
      const values = (query.a as { values: unknown[] }).values;
      assert.equal(values[0], idOf.get(query.s as string), `${query.s}: ${JSON.stringify(query.a)}`);
    }
  });

  it('replays every request identically with the database unreachable', async () => {
    const result = await runCli(
      ['trace', 'replay', recording, '--concurrency', 'all', '--', 'node', 'pg-server.mjs'],
      {
        cwd: FIXTURES,
        env: { DATABASE_URL: `postgres://nobody:nothing@127.0.0.1:${await closedPort()}/gone` },
        timeoutMs: 60_000,
      },
    );
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stdout,
      /replay: 20\/20 identical · 0 divergences · 0 response diffs · 0 unused · 0 escaped/,
    );
  });

  it('fails a replay whose SQL changed, showing both statements', async () => {
    const result = await runCli(['trace', 'replay', recording, '--', 'node', 'pg-server.mjs'], {
      cwd: FIXTURES,
      env: { DATABASE_URL: `postgres://nobody:nothing@127.0.0.1:${await closedPort()}/gone`, MUTANT: 'sql' },
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /call differs from the recording: pg\.query at pg-server\.mjs:\d+/);
    assert.match(result.stdout, /recorded: SELECT 1 \/ \(\$1::int - \$1::int\) AS boom/);
    assert.match(result.stdout, /replayed: SELECT 1 \/ \(\$1::int - \$1::int\) AS kaboom/);
  });
});
