/**
 * `volley verify` on every example suite against the demo API: dry run, record, offline replay and
 * comparison all pass; a host that does not answer fails it with exit 1.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DemoServer, startDemoServer } from '../../src/demo/server.ts';
import { runCli } from '../helpers/cli.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const SUITES = [
  ...readdirSync(EXAMPLES)
    // Every example with a scenario (trace-service is a service, loaded by users-posts/scenario.ts).
    .filter(
      (name) =>
        statSync(join(EXAMPLES, name)).isDirectory() && existsSync(join(EXAMPLES, name, 'scenario.ts')),
    )
    .map((name) => join(EXAMPLES, name, 'scenario.ts')),
  join(EXAMPLES, 'quickstart.ts'),
];
const ENV = {
  THINK_TIME: '0',
  PLATFORM_TOKEN: '',
  PLATFORM_EMAIL: '',
  PLATFORM_PHOTO: '',
  PLATFORM_AUTH: '',
};

describe('volley verify', { concurrency: 3 }, () => {
  let demo: DemoServer;

  before(async () => {
    // Cheap password hashing: at the demo's realistic cost, concurrent sign-ups saturate a small machine
    // and push responses past the platform example's 2 s check.
    demo = await startDemoServer({ port: 0, seedStudents: 20, passwordCost: 1024 });
  });

  after(async () => {
    await demo?.close();
  });

  for (const suite of SUITES) {
    test(`passes on ${suite.slice(EXAMPLES.length)}`, async () => {
      const r = await runCli(['verify', suite, '--host', demo.url], { env: ENV, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const phase of ['dry run', 'record', 'replay', 'compare']) {
        assert.match(r.stdout, new RegExp(`^${phase} +pass`, 'm'), r.stdout);
      }
      assert.match(r.stdout, /verify: passed/);
    });
  }

  test('fails with exit 1 when the host does not answer', async () => {
    const r = await runCli(
      ['verify', SUITES[0] as string, '--host', 'http://127.0.0.1:9', '-u', '1', '-i', '1'],
      {
        env: ENV,
      },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^dry run +FAIL/m);
    assert.match(r.stdout, /verify: FAILED/);
  });
});
