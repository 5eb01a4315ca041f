/**
 * Every example, run through the real CLI (a child process) for 3 s against the demo API started here:
 * exit code 0, the endpoints each one should hit were hit, and nothing failed or threw.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DemoServer, startDemoServer } from '../../src/demo/server.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface ExampleRun {
  title: string;
  scenario: string;
  args?: string[];
  env?: Record<string, string>;
  /** "METHOD name" rows that must have requests. */
  hits: string[];
  /** true: no other row may appear (tag selection, skipped sign-in…). */
  only?: boolean;
}

const BASIC = ['GET /', 'POST /api/users', 'GET /api/users/[id]', 'GET /api/count', 'GET /health'];
const USERS_POSTS = [
  'POST /api/users',
  'GET /api/users',
  'POST /api/posts',
  'GET /api/users/[id]/posts',
  'GET /api/stats',
];
const STUDENTS = [
  'GET /students',
  'POST /students',
  'GET /students/[id]',
  'PUT /students/[id]',
  'DELETE /students/[id]',
  'GET /',
  'GET /health',
];
const FULL_FLOW = [
  'POST /eater_receive_photo',
  'POST /modify_food_record',
  'POST /manual_weight',
  'POST /get_recommendation',
  'GET /eater_get_today',
  'POST /delete_food',
];
const PLATFORM_OTHERS = [
  'POST /get_food_custom_date',
  'POST /set_language',
  'GET /alcohol_latest',
  'POST /alcohol_range',
  'POST /feedback',
  'POST /upload_photo',
];
const AUTH = 'POST /eater_auth';

const PLATFORM_TAGS: [string, string[]][] = [
  ['full_flow', FULL_FLOW],
  ['custom_date', ['POST /get_food_custom_date']],
  ['language', ['POST /set_language']],
  ['alcohol', ['GET /alcohol_latest', 'POST /alcohol_range']],
  ['feedback', ['POST /feedback']],
  ['photo_upload', ['POST /upload_photo']],
  ['auth', []],
];

function runs(token: () => string): ExampleRun[] {
  return [
    { title: 'basic-client', scenario: 'basic-client/scenario.ts', hits: BASIC, only: true },
    { title: 'users-posts', scenario: 'users-posts/scenario.ts', hits: USERS_POSTS, only: true },
    { title: 'students', scenario: 'students/scenario.ts', hits: STUDENTS, only: true },
    {
      title: 'registration-login, both classes',
      scenario: 'registration-login/scenario.ts',
      hits: ['POST /client_registeration', 'POST /client_login', 'GET /me'],
      only: true,
    },
    {
      title: 'registration-login, register load (-T register)',
      scenario: 'registration-login/scenario.ts',
      args: ['-T', 'register'],
      hits: ['POST /client_registeration'],
      only: true,
    },
    {
      title: 'registration-login, login stress (-T login)',
      scenario: 'registration-login/scenario.ts',
      args: ['-T', 'login'],
      hits: ['POST /client_registeration', 'POST /client_login'],
      only: true,
    },
    {
      title: 'platform, every tag',
      scenario: 'platform/scenario.ts',
      hits: [AUTH, ...FULL_FLOW, ...PLATFORM_OTHERS],
      only: true,
    },
    ...PLATFORM_TAGS.map(
      ([tag, hits]): ExampleRun => ({
        title: `platform -T ${tag}`,
        scenario: 'platform/scenario.ts',
        args: ['-T', tag],
        hits: [AUTH, ...hits],
        only: true,
      }),
    ),
    {
      title: 'platform, register + login instead of OAuth (PLATFORM_AUTH=password)',
      scenario: 'platform/scenario.ts',
      args: ['-T', 'language'],
      env: { PLATFORM_AUTH: 'password' },
      hits: ['POST /client_registeration', 'POST /client_login', 'POST /set_language'],
      only: true,
    },
    {
      title: 'platform with a given PLATFORM_TOKEN: no sign-in (-E auth)',
      scenario: 'platform/scenario.ts',
      args: ['-E', 'auth'],
      get env() {
        return { PLATFORM_TOKEN: token(), PLATFORM_EMAIL: 'fixed-token@platform.volley.test' };
      },
      hits: [...FULL_FLOW, ...PLATFORM_OTHERS],
      only: true,
    },
    {
      // As `npm run demo` runs it: with its own think time and thresholds.
      title: 'quickstart.ts',
      scenario: 'quickstart.ts',
      env: { THINK_TIME: '' },
      hits: ['POST /client_registeration', 'POST /client_login'],
    },
  ];
}

const QUICKSTART_ROWS = new Set(['POST /client_registeration', 'POST /client_login', 'GET /me', ...STUDENTS]);

describe('examples run through the CLI', { concurrency: 4 }, () => {
  let demo: DemoServer;
  let dir: string;
  let token = '';

  before(async () => {
    // Cheap password hashing: many runs sign users up at once with no think time, and at the demo's
    // realistic cost hashing alone saturates a small machine, pushing responses past the examples' 2 s checks.
    demo = await startDemoServer({ port: 0, seedStudents: 50, passwordCost: 1024 });
    dir = mkdtempSync(join(tmpdir(), 'volley-examples-'));
    const res = await fetch(`${demo.url}/eater_auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'google', idToken: 't', email: 'fixed-token@platform.volley.test' }),
    });
    token = ((await res.json()) as { token: string }).token;
  });

  after(async () => {
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  runs(() => token).forEach((run, i) => {
    test(run.title, async () => {
      const jsonFile = join(dir, `run-${i}.json`);
      const r = await runCli(
        [
          'run',
          join(EXAMPLES, run.scenario),
          '-H',
          demo.url,
          '-u',
          '5',
          '-t',
          '3s',
          '--json-file',
          jsonFile,
          '--headless',
          '--only-summary',
          ...(run.args ?? []),
        ],
        {
          // No think time (every task gets picked in 3 s), and no PLATFORM_* leaking in from outside.
          env: {
            THINK_TIME: '0',
            PLATFORM_TOKEN: '',
            PLATFORM_EMAIL: '',
            PLATFORM_PHOTO: '',
            PLATFORM_AUTH: '',
            ...run.env,
          },
          timeoutMs: 30_000,
        },
      );
      const output = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.code, 0, output);
      const summary = JSON.parse(readFileSync(jsonFile, 'utf8')) as RunSummary;
      assert.equal(summary.exitCode, 0, output);
      assert.deepEqual(summary.failures, [], output);
      assert.equal(summary.aggregated.failures, 0, output);
      assert.deepEqual(
        summary.exceptions.map((e) => e.message),
        [],
        output,
      );
      const rows = new Map(summary.endpoints.map((e) => [`${e.method} ${e.name}`, e.requests]));
      for (const hit of run.hits) assert.ok((rows.get(hit) ?? 0) > 0, `no requests to ${hit}\n${output}`);
      if (run.only) assert.deepEqual([...rows.keys()].sort(), [...new Set(run.hits)].sort(), output);
      if (run.scenario === 'users-posts/scenario.ts') {
        // Its named checks: all counted, none failed, and its `checks==1` threshold held.
        assert.deepEqual(
          [...new Set(summary.checks.map((c) => `${c.method} ${c.endpoint}: ${c.name}`))],
          [
            'POST /api/posts: belongs to the user',
            'POST /api/posts: status is 201',
            'POST /api/users: echoes the name',
            'POST /api/users: has an id',
            'POST /api/users: status is 201',
            'GET /api/users/[id]/posts: every post written',
            'GET /api/users/[id]/posts: only that user’s posts',
          ],
          output,
        );
        assert.ok(
          summary.checks.every((c) => c.passes > 0 && c.fails === 0),
          output,
        );
        assert.deepEqual(
          summary.thresholds.map((t) => [t.expression, t.actual, t.passed]),
          [['checks==1', 1, true]],
        );
        assert.match(r.stdout, /^Checks \(all passed\)$/m, output);
      }
      if (run.scenario === 'quickstart.ts') {
        for (const row of rows.keys()) assert.ok(QUICKSTART_ROWS.has(row), `unexpected ${row}`);
        assert.ok(summary.thresholds.length > 0 && summary.thresholds.every((t) => t.passed), output);
      }
    });
  });
});
