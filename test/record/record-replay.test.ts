/**
 * Record against a live server, replay with no network at all (inside `unshare -n` when permitted):
 * a counter other users move, random e-mails and ids, two and three concurrent users, a changed scenario
 * refused with a divergence report, secrets redacted in a way that still replays.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Har } from '../../src/record/har.ts';
import { type CliResult, runCli, VOLLEY_BIN } from '../helpers/cli.ts';
import { type CounterServer, startCounterServer } from './fixtures/counter-server.ts';

const SCENARIO = fileURLToPath(new URL('./fixtures/counter-scenario.ts', import.meta.url));

/** `unshare -n` works here (root, or user namespaces allowed): replay runs in a namespace with no network. */
const unshare = spawnSync('unshare', ['-n', process.execPath, '-e', '0'], { stdio: 'ignore' }).status === 0;

/** The CLI, inside `unshare -n` when possible. */
function runOffline(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  if (!unshare) return runCli(args, { env });
  return new Promise((resolve, reject) => {
    const child = spawnSync('unshare', ['-n', process.execPath, VOLLEY_BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (child.error) reject(child.error);
    else resolve({ code: child.status, stdout: child.stdout, stderr: child.stderr });
  });
}

function summaryOf(file: string): RunSummary {
  return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
}

function rows(summary: RunSummary): string[] {
  return summary.endpoints.map((e) => `${e.method} ${e.name} ${e.requests}/${e.failures}`);
}

describe('record and replay', () => {
  let server: CounterServer;
  let dir: string;

  before(async () => {
    server = await startCounterServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-record-'));
    if (!unshare) console.log('# unshare -n is not permitted here: replay runs without a network namespace');
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const users of [2, 3]) {
    test(`${users} concurrent users: recorded, then replayed offline with the same requests and checks`, async () => {
      const har = join(dir, `counter-${users}.har`);
      const recorded = join(dir, `recorded-${users}.json`);
      const replayed = join(dir, `replayed-${users}.json`);
      const rec = await runCli([
        'run',
        SCENARIO,
        '-H',
        server.url,
        '-u',
        String(users),
        '-i',
        '4',
        '--record',
        har,
        '--only-summary',
        '--json-file',
        recorded,
      ]);
      assert.equal(rec.code, 0, rec.stdout + rec.stderr);
      const a = summaryOf(recorded);
      assert.equal(a.aggregated.failures, 0);
      assert.equal(a.aggregated.requests, users * 9);

      const log = (JSON.parse(readFileSync(har, 'utf8')) as Har).log;
      assert.equal(log.entries.length, users * 9);
      for (let u = 1; u <= users; u++) {
        const seqs = log.entries.filter((e) => e._userId === u).map((e) => e._seq);
        assert.deepEqual(
          seqs,
          Array.from({ length: 9 }, (_, i) => i + 1),
          `user ${u} in order`,
        );
        const kinds = new Set(log._volley?.values[String(u)]?.map((v) => v.k));
        for (const k of ['now', 'date', 'perf', 'random', 'uuid', 'bytes', 'unique'])
          assert.ok(kinds.has(k as never), k);
      }

      const counterBefore = server.count();
      const rep = await runOffline([
        'run',
        SCENARIO,
        '--replay',
        har,
        '--only-summary',
        '--json-file',
        replayed,
      ]);
      assert.equal(rep.code, 0, rep.stdout + rep.stderr);
      assert.equal(server.count(), counterBefore, 'replay sent nothing to the server');
      const b = summaryOf(replayed);
      assert.deepEqual(rows(b), rows(a));
      assert.equal(b.aggregated.failures, 0);
      assert.equal(b.recording?.mode, 'replay');
      assert.equal(b.recording?.replayed, users * 9);
      assert.deepEqual(b.recording?.divergences, []);
    });
  }

  test('a changed scenario is refused: the report names the user, the request and the body difference', async () => {
    const har = join(dir, 'changed.har');
    const rec = await runCli([
      'run',
      SCENARIO,
      '-H',
      server.url,
      '-u',
      '2',
      '-i',
      '3',
      '--record',
      har,
      '--only-summary',
    ]);
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    const json = join(dir, 'changed.json');
    const rep = await runOffline(['run', SCENARIO, '--replay', har, '--only-summary', '--json-file', json], {
      VARIANT: 'changed',
    });
    assert.equal(rep.code, 1, rep.stdout + rep.stderr);
    // Each user's 2nd count is its request #4 (login, count, me, count).
    assert.match(
      rep.stderr,
      /user 1, request #4: expected POST \/count body \{"email":.* got POST \/count body \{"email":/,
    );
    assert.match(rep.stderr, /user 2, request #4/);
    assert.match(rep.stderr, /\$\.extra: \(missing\) → true/);
    const summary = summaryOf(json);
    assert.equal(summary.exitCode, 1);
    assert.deepEqual(
      summary.recording?.divergences.map((d) => [d.userId, d.request]),
      [
        [1, 4],
        [2, 4],
      ],
    );
  });

  test('replaying without the recording: one-line error, exit 2', async () => {
    const r = await runCli(['run', SCENARIO, '--replay', join(dir, 'missing.har')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read HAR file .*missing\.har \(ENOENT\)/);
  });
});
