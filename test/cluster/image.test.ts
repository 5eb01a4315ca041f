/**
 * The image, built and run for real where this machine can run containers: a coordinator and two
 * workers started from it (host network, the target on loopback, a cluster token); the workers get only
 * the image and the coordinator's compiled scenario. No registry is needed: the base image (NODE_IMAGE) is
 * made from this machine's Node and npm (container-engine.ts); `npm ci` in the build reaches the npm
 * registry over the host's network. Where no engine answers or none can run a container, the test says
 * why it skipped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { startServer } from '../helpers/servers.ts';
import { clusterFixture, killAll, type Proc, startCommand } from './cluster-procs.ts';
import { type Engine, findEngine, makeBaseImage, runnableEngine } from './container-engine.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const found = findEngine();
const skip = 'skip' in found ? found.skip : false;
const command = 'command' in found ? found.command : 'docker';
const BASE = `volley-node-base-test:${process.pid}`;
const TAG = `volley-test:${process.pid}`;
const TOKEN = `image-test-${process.pid}-${Date.now()}`;
const names: string[] = [];

after(() => {
  if (skip) return;
  for (const name of names) spawnSync(command, ['rm', '-f', name], { stdio: 'ignore' });
  spawnSync(command, ['rmi', '-f', TAG, BASE], { stdio: 'ignore' });
});

/** `ENGINE run` of the image with the cluster token, named so that cleanup removes exactly it. */
function runImage(engine: Engine, name: string, args: string[], mounts: string[] = []): Proc {
  names.push(name);
  const run = ['run', '--rm', '--name', name, '--network', 'host', ...engine.limits];
  return startCommand(
    [command, ...engine.global, ...run, '-e', `VOLLEY_CLUSTER_TOKEN=${TOKEN}`, ...mounts, TAG, ...args],
    { cwd: ROOT, limitMs: 120_000 },
  );
}

test('the image runs a coordinator and two workers; the workers need no scenario file', {
  skip,
  timeout: 900_000,
}, async (t) => {
  const noBase = makeBaseImage(command, BASE);
  if (noBase) return t.skip(noBase.skip);
  const engine = runnableEngine(command, BASE);
  if ('skip' in engine) return t.skip(engine.skip);
  const build = spawnSync(
    command,
    [
      ...engine.global,
      'build',
      '--network',
      'host',
      ...engine.limits,
      '--build-arg',
      `NODE_IMAGE=${BASE}`,
    ].concat(['-t', TAG, ROOT]),
    { encoding: 'utf8', timeout: 600_000 },
  );
  assert.equal(build.status, 0, `${command} build failed:\n${build.stdout}\n${build.stderr}`);

  const inspect = [...engine.global, 'image', 'inspect', '--format', '{{.Config.User}}', TAG];
  const user = spawnSync(command, inspect, { encoding: 'utf8' });
  assert.equal(user.stdout.trim(), '1000:1000', 'the image runs as a non-root user');
  const deps = spawnSync(
    command,
    [...engine.global, 'run', '--rm', ...engine.limits, '--entrypoint', 'node', TAG].concat([
      '-p',
      "require('node:fs').readdirSync('/app/node_modules').join(' ')",
    ]),
    { encoding: 'utf8' },
  );
  assert.match(deps.stdout, /esbuild/, deps.stderr);
  assert.doesNotMatch(deps.stdout, /typescript|biome/, 'production dependencies only');

  const server = await startServer((_req, res) => res.end('ok'));
  const dir = clusterFixture();
  chmodSync(dir, 0o777); // the image runs as uid 1000
  const procs: Proc[] = [];
  try {
    const coordinator = runImage(
      engine,
      `volley-test-${process.pid}-coordinator`,
      ['run', 'scenario.ts', '-H', server.url, '-u', '2', '-i', '3', '--master', '127.0.0.1:0'].concat([
        '--expect-workers',
        '2',
        '--json-file',
        'out.json',
        '--headless',
      ]),
      ['-v', `${dir}:/work`, '-w', '/work'],
    );
    procs.push(coordinator);
    const address = (
      await coordinator.waitFor(/volley worker --master (\S+:\d+)/, 'the coordinator', 60_000)
    )[1] as string;
    const workers = [0, 1].map((i) =>
      runImage(engine, `volley-test-${process.pid}-worker-${i}`, [
        'worker',
        '--master',
        address,
        '--index',
        String(i),
      ]),
    );
    procs.push(...workers);
    const codes = await Promise.all(procs.map((p) => p.exited));
    assert.deepEqual(codes, [0, 0, 0], procs.map((p) => p.output()).join('\n---\n'));
    for (const [i, w] of workers.entries())
      assert.match(w.output(), new RegExp(`connected to .* as index ${i}`));
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    assert.equal(report.aggregated.requests, 6);
    assert.equal(report.aggregated.failures, 0);
    assert.deepEqual(
      report.workers?.map((w) => [w.index, w.state]),
      [
        [0, 'done'],
        [1, 'done'],
      ],
    );
    assert.equal(
      report.workers?.reduce((n, w) => n + w.requests, 0),
      6,
    );
  } finally {
    await killAll(procs);
    await server.close();
  }
});
