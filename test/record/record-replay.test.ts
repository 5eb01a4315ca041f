/**
 * Record against a live server, replay with no network at all (inside `unshare -n` when permitted):
 * a counter other users move, random e-mails and ids, two and three concurrent users, a changed scenario
 * refused with a divergence report, secrets redacted in a way that still replays.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../src/demo/server.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Har } from '../../src/record/har.ts';
import { runCli } from '../helpers/cli.ts';
import { runOffline, unshare } from '../helpers/offline-cli.ts';
import { type CounterServer, startCounterServer } from './fixtures/counter-server.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const SCENARIO = fileURLToPath(new URL('./fixtures/counter-scenario.ts', import.meta.url));

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

  test('record-missing: replays what was recorded, records the rest; the result replays offline', async () => {
    const demo = await startDemoServer({ port: 0 });
    try {
      const har = join(dir, 'missing.har');
      const scenario = join(EXAMPLES, 'users-posts/scenario.ts');
      const env = { THINK_TIME: '0' };
      const first = await runCli(
        ['run', scenario, '-H', demo.url, '-u', '2', '-i', '2', '--record', har, '--only-summary'],
        { env },
      );
      assert.equal(first.code, 0, first.stdout + first.stderr);
      const recordedBefore = (JSON.parse(readFileSync(har, 'utf8')) as Har).log.entries.length;
      const json = join(dir, 'missing.json');
      const more = await runCli(
        [
          'run',
          scenario,
          '--record',
          har,
          '--record-mode',
          'record-missing',
          '-i',
          '5',
          '--only-summary',
          '--json-file',
          json,
        ],
        { env },
      );
      assert.equal(more.code, 0, more.stdout + more.stderr);
      const recording = summaryOf(json).recording;
      assert.equal(recording?.replayed, recordedBefore);
      assert.ok((recording?.recorded ?? 0) > 0);
      const total = (JSON.parse(readFileSync(har, 'utf8')) as Har).log.entries.length;
      assert.equal(total, recordedBefore + (recording?.recorded ?? 0));
      const replayed = join(dir, 'missing-replay.json');
      const offline = await runOffline(
        ['run', scenario, '--replay', har, '-i', '5', '--only-summary', '--json-file', replayed],
        env,
      );
      assert.equal(offline.code, 0, offline.stdout + offline.stderr);
      assert.equal(summaryOf(replayed).recording?.replayed, total);
    } finally {
      await demo.close();
    }
  });

  test('a time-bound recording replays by --iterations with the same users', async () => {
    const har = join(dir, 'timed.har');
    // Ctrl-C once both users have run a task, not after a guessed time (a slow machine may still be
    // logging in); the stop timeout lets them finish the task they are in.
    const before = server.meTokens.length;
    let poll: NodeJS.Timeout | undefined;
    const bothUsersRanATask = new Promise<void>((resolve) => {
      poll = setInterval(() => {
        if (new Set(server.meTokens.slice(before)).size >= 2) resolve();
      }, 20);
    });
    const rec = await runCli(
      ['run', SCENARIO, '-H', server.url, '-u', '2', '-t', '30s', '--stop-timeout', '20s'].concat([
        '--record',
        har,
        '--only-summary',
      ]),
      { interruptWhen: bothUsersRanATask, timeoutMs: 40_000 },
    ).finally(() => clearInterval(poll));
    assert.equal(rec.code, 0, rec.stdout + rec.stderr);
    const missing = await runCli(['run', SCENARIO, '--replay', har]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /recorded for 30s: replay it by --iterations N \(with the same -u 2\)/);
    const rep = await runOffline(['run', SCENARIO, '--replay', har, '-i', '1', '--only-summary']);
    assert.equal(rep.code, 0, rep.stdout + rep.stderr);
  });

  test('passthrough ignores the file; --record with --replay is a usage error', async () => {
    const r = await runCli([
      'run',
      SCENARIO,
      '-H',
      server.url,
      '-i',
      '1',
      '--record',
      join(dir, 'never.har'),
      '--record-mode',
      'passthrough',
      '--only-summary',
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.throws(() => readFileSync(join(dir, 'never.har')));
    const both = await runCli(['run', SCENARIO, '--record', 'a.har', '--replay', 'b.har']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--record and --replay: give one/);
  });

  test('replaying without the recording: one-line error, exit 2', async () => {
    const r = await runCli(['run', SCENARIO, '--replay', join(dir, 'absent.har')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read HAR file .*absent\.har \(ENOENT\)/);
  });
});
