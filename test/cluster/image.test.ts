/**
 * The image, built and run for real where this machine can run containers: a coordinator and two
 * workers started from it (host network, the target on loopback); the workers get only the image and the
 * coordinator's compiled scenario. Where no container engine answers, the test says so and skips.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { startServer } from '../helpers/servers.ts';
import { clusterFixture, killAll, type Proc, startNode } from './cluster-procs.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The first container engine that answers (docker, then podman), or why there is none. */
function findEngine(): { engine: string } | { skip: string } {
  const reasons: string[] = [];
  for (const engine of ['docker', 'podman']) {
    const r = spawnSync(engine, ['info'], { encoding: 'utf8', timeout: 20_000 });
    if (!r.error && r.status === 0) return { engine };
    reasons.push(
      `${engine}: ${r.error ? 'not installed' : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`,
    );
  }
  return { skip: `no container engine runs here (${reasons.join('; ')})` };
}
const found = findEngine();
const skip = 'skip' in found ? found.skip : false;
const engine = 'engine' in found ? found.engine : 'docker';
const TAG = `volley-test-${process.pid}`;
const names: string[] = [];

after(() => {
  if (skip) return;
  for (const name of names) spawnSync(engine, ['rm', '-f', name], { stdio: 'ignore' });
  spawnSync(engine, ['rmi', '-f', TAG], { stdio: 'ignore' });
});

/** `ENGINE run` of the image, named so that cleanup removes exactly it. */
function runImage(name: string, args: string[], mounts: string[] = []): Proc {
  names.push(name);
  return startNode([], {
    cwd: ROOT,
    prefix: [engine, 'run', '--rm', '--name', name, '--network', 'host', ...mounts, TAG, ...args],
    limitMs: 120_000,
  });
}

test('the image runs a coordinator and two workers; the workers need no scenario file', {
  skip,
  timeout: 900_000,
}, async () => {
  execFileSync(engine, ['build', '-t', TAG, ROOT], { stdio: 'pipe', timeout: 600_000 });
  const server = await startServer((_req, res) => res.end('ok'));
  const dir = clusterFixture();
  chmodSync(dir, 0o777); // the image runs as uid 1000
  const procs: Proc[] = [];
  try {
    const coordinator = runImage(
      `${TAG}-coordinator`,
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
      runImage(`${TAG}-worker-${i}`, ['worker', '--master', address, '--index', String(i)]),
    );
    procs.push(...workers);
    assert.deepEqual(await Promise.all(procs.map((p) => p.exited)), [0, 0, 0], coordinator.output());
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary;
    assert.equal(report.aggregated.requests, 6);
    assert.deepEqual(
      report.workers?.map((w) => w.state),
      ['done', 'done'],
    );
  } finally {
    await killAll(procs);
    await server.close();
  }
});
