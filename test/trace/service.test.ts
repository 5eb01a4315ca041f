/**
 * `volley trace` end to end on examples/trace-service (users, posts and stats on node:sqlite): recorded
 * under `volley run` with 10 concurrent users, its database deleted, replayed inside `unshare -n` with
 * only loopback up (when the machine allows it). Then mutants of the service, each of which the replay
 * must catch in its own category, and the control run with nothing intercepted, which must fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';

const SERVICE = fileURLToPath(new URL('../../examples/trace-service/server.mjs', import.meta.url));
const LOAD = fileURLToPath(new URL('../../examples/users-posts/scenario.ts', import.meta.url));
const SERVICE_SOURCE = readFileSync(SERVICE, 'utf8');

/** `unshare -n` with loopback works here (root, or user namespaces allowed). */
const offline =
  spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;

interface Replay {
  code: number | null;
  stdout: string;
  stderr: string;
  report: {
    passed: boolean;
    requests: number;
    identical: number;
    counts: { divergences: number; responseDiffs: number; unused: number; escaped: number };
  };
}

describe('volley trace on a node:sqlite service', { timeout: 240_000 }, () => {
  let dir: string;
  let dataDir: string;
  let recording: string;
  /** The outside service the example calls for each new user; it is gone before any replay. */
  let welcomeUrl = '';
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PORT: '0',
    DATA_DIR: dataDir,
    WELCOME_URL: welcomeUrl,
    ...extra,
  });

  /** Replays the recording against `service`, offline when possible, with the JSON report. */
  async function replay(
    service: string,
    extraArgs: string[] = [],
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<Replay> {
    const json = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
    const args = ['trace', 'replay', recording, '--json', json, ...extraArgs, '--', 'node', service];
    const result = (await runCli(args, {
      cwd: dir,
      env: env(extraEnv),
      timeoutMs: 60_000,
      ...(offline ? { wrap: ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh'] } : {}),
    })) as Replay;
    result.report = JSON.parse(readFileSync(json, 'utf8'));
    return result;
  }

  function mutant(name: string, from: string, to: string): string {
    assert.ok(SERVICE_SOURCE.includes(from), `the service has ${from}`);
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, SERVICE_SOURCE.replace(from, to));
    return file;
  }

  before(async () => {
    const upstream = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Hello from upstream!'),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    welcomeUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
    dir = mkdtempSync(join(tmpdir(), 'volley-trace-service-'));
    dataDir = join(dir, 'data');
    recording = join(dir, 'service.vtrace');
    let listening: (port: string) => void;
    const port = new Promise<string>((resolve) => {
      listening = resolve;
    });
    let load: Promise<unknown> = Promise.resolve();
    const recorder = runCli(['trace', 'record', '--out', recording, '--', 'node', SERVICE], {
      cwd: dir,
      env: env(),
      timeoutMs: 120_000,
      interruptWhen: port.then((p) => {
        load = runCli(
          [LOAD, '-H', `http://127.0.0.1:${p}`, '-u', '10', '-r', '100', '-i', '10', '--seed', '7'],
          {
            timeoutMs: 90_000,
          },
        );
        return load;
      }),
      onOutput: (text) => {
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (m) listening(m[1] as string);
      },
    });
    const recorded = await recorder;
    const loaded = (await load) as { code: number; stdout: string };
    assert.equal(loaded.code, 0, loaded.stdout);
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.match(
      readFileSync(recording, 'utf8'),
      /"k":"fetch"[^\n]*Hello from upstream!/,
      'the outbound call was recorded',
    );
    upstream.close();
    rmSync(dataDir, { recursive: true });
    mkdirSync(dataDir);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('replays every recorded response identically with the database gone and no network', async () => {
    const { code, stdout, report } = await replay(SERVICE);
    assert.equal(code, 0, stdout);
    assert.equal(report.passed, true);
    assert.ok(report.requests >= 100, `${report.requests} requests replayed`);
    assert.equal(report.identical, report.requests);
    assert.match(
      stdout,
      new RegExp(
        `^replay: ${report.requests}/${report.requests} identical · 0 divergences · 0 response diffs · 0 unused · 0 escaped`,
      ),
    );
    assert.deepEqual(readdirSync(dataDir), [], 'the replay opened no database file');
  });

  it('gives the same report when replayed twice, and under another time zone', async () => {
    const first = await replay(SERVICE);
    const second = await replay(SERVICE, [], { TZ: 'Pacific/Kiritimati' });
    const strip = (r: Replay['report']) => ({ ...r, durationMs: 0, recording: '' });
    assert.deepEqual(strip(second.report), strip(first.report));
    assert.equal(second.report.passed, true);
  });

  it('shows a changed SQL statement with both statements', async () => {
    const file = mutant(
      'changed-sql',
      'SELECT id, name, email, welcome, created_at FROM users WHERE id = ?',
      'SELECT id, name, email, created_at FROM users WHERE id = ?',
    );
    const { code, stdout, report } = await replay(file);
    assert.equal(code, 1);
    assert.ok(report.counts.divergences >= 1);
    assert.match(stdout, /call differs from the recording: sqlite\.get at .*changed-sql\.mjs:\d+:\d+/);
    assert.match(stdout, /recorded: SELECT id, name, email, welcome, created_at FROM users WHERE id = \?/);
    assert.match(stdout, /replayed: SELECT id, name, email, created_at FROM users WHERE id = \?/);
  });

  it('reports an extra query as a call not in the recording', async () => {
    const file = mutant(
      'extra-query',
      'const t = totals.get();',
      "db.prepare('SELECT 1 AS one').get();\n      const t = totals.get();",
    );
    const { code, stdout } = await replay(file);
    assert.equal(code, 1);
    assert.match(
      stdout,
      /call not in the recording: sqlite\.get at .*extra-query\.mjs:\d+:\d+\n\s+replayed: SELECT 1 AS one/,
    );
  });

  it('reports a dropped query as a recorded call never made', async () => {
    const file = mutant(
      'dropped-query',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the service's source text, not a template
      'if (userById.get(userId) === undefined) throw new HttpError(404, `user ${userId} not found`);\n      return [200, postsOf.all(userId)];',
      'return [200, postsOf.all(userId)];',
    );
    const { code, stdout, report } = await replay(file);
    assert.equal(code, 1);
    assert.ok(report.counts.unused >= 1);
    assert.equal(report.counts.responseDiffs, 0, 'the responses are the same: only the I/O tells');
    assert.match(
      stdout,
      /recorded call never made: sqlite\.get\n\s+recorded: SELECT id, name, email, welcome, created_at FROM users WHERE id = \? \[\d+\]/,
    );
  });

  it('reports a logic change with the same I/O as a response difference', async () => {
    const file = mutant('logic', 'total_posts: t.posts', 'total_posts: t.posts + 1');
    const { code, stdout, report } = await replay(file);
    assert.equal(code, 1);
    assert.equal(report.counts.divergences + report.counts.unused + report.counts.escaped, 0);
    assert.ok(report.counts.responseDiffs >= 1);
    assert.match(stdout, /GET \/api\/stats\n\s+✗ response differs:[\s\S]*\$\.total_posts: (\d+) → (\d+)/);
  });

  it('verify records under the load, replays offline with the data folder hidden, and passes', async () => {
    const data = join(dir, 'verify-data');
    const json = join(dir, 'verify.json');
    const result = await runCli(
      [
        'trace',
        'verify',
        '--load',
        LOAD,
        '-u',
        '10',
        '-r',
        '100',
        '-i',
        '5',
        '--seed',
        '3',
        '--hide',
        data,
        '--json',
        json,
        '--',
        'node',
        SERVICE,
      ],
      {
        cwd: dir,
        env: env({ DATA_DIR: data }),
        timeoutMs: 120_000,
        onOutput: () => mkdirSync(data, { recursive: true }),
      },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Replay['report'];
    assert.ok(report.requests >= 50, `${report.requests} requests`);
    assert.equal(report.identical, report.requests);
    if (offline) assert.doesNotMatch(result.stderr, /without a network namespace/);
    else assert.match(result.stderr, /replayed without a network namespace: /);
  });

  it('fails the control run with nothing intercepted', async () => {
    const { code, report } = await replay(SERVICE, [], { VOLLEY_TRACE_INTERCEPT: 'none' });
    assert.equal(code, 1);
    assert.equal(report.passed, false);
    assert.ok(report.counts.responseDiffs > 0);
  });
});
