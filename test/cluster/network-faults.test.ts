/**
 * Faults a cluster makes, for real: a coordinator and two `volley worker`s, each in its own network
 * namespace joined by veth pairs, the target beside the coordinator. Each test asserts the coordinator's
 * line, every exit code and the reports (JSON workers[], JUnit).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { ClusterNet } from './cluster-net.ts';
import { clusterFixture, killAll, type Proc, startNode, startVolley } from './cluster-procs.ts';

const probe = ClusterNet.create(0);
const skip = typeof probe === 'string' ? probe : false;
if (typeof probe !== 'string') probe.destroy();

const TOKEN = 'test-cluster-token-0123456789';

interface Cluster {
  dir: string;
  net: ClusterNet;
  coordinator: Proc;
  workers: Proc[];
  procs: Proc[];
  /** The coordinator's JSON report, once it has ended. */
  report(): RunSummary;
}

/** Target, coordinator (`-t runTime`) and two workers, started and running users. */
async function startCluster(net: ClusterNet, runTime: string, extra: string[] = []): Promise<Cluster> {
  const dir = clusterFixture();
  const procs: Proc[] = [];
  const c = net.exec(net.coordinatorNs);
  const target = startNode([join(dir, 'target.mjs')], { cwd: dir, prefix: c });
  procs.push(target);
  const port = (await target.waitFor(/port (\d+)/, "the target's port"))[1];
  const host = net.coordinatorAddress;
  const coordinator = startVolley(
    ['run', 'scenario.ts', '-H', `http://${host}:${port}`, '-u', '4', '-t', runTime]
      .concat(['--master', `${host}:0`, '--expect-workers', '2', '--json-file', 'out.json'])
      .concat(['--junit', 'junit.xml', '--print-every', '1s', ...extra]),
    { cwd: dir, prefix: c, env: { VOLLEY_CLUSTER_TOKEN: TOKEN } },
  );
  procs.push(coordinator);
  const address = (
    await coordinator.waitFor(/volley worker --master (\S+:\d+)/, 'the coordinator listening')
  )[1] as string;
  const workers = net.workerNs.map((ns, i) =>
    startVolley(['worker', '--master', address, '--index', String(i)], {
      cwd: dir,
      prefix: net.exec(ns),
      env: { VOLLEY_CLUSTER_TOKEN: TOKEN },
    }),
  );
  procs.push(...workers);
  // Running: the first progress line is out.
  await coordinator.waitFor(/ {3}requests /, 'the first progress line');
  return {
    dir,
    net,
    coordinator,
    workers,
    procs,
    report: () => JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as RunSummary,
  };
}

async function withCluster(runTime: string, body: (cluster: Cluster) => Promise<void>, extra: string[] = []) {
  const net = ClusterNet.create(2);
  if (typeof net === 'string') throw new Error(net);
  const procs: Proc[] = [];
  try {
    const cluster = await startCluster(net, runTime, extra);
    procs.push(...cluster.procs);
    await body(cluster);
  } finally {
    await killAll(procs);
    net.destroy();
  }
}

/** The coordinator's one line about worker 1, and the reports saying it was lost. */
function assertLost(cluster: Cluster, reason: RegExp): void {
  const out = cluster.coordinator.output();
  const lines = out
    .split('\n')
    .filter((l) => /worker index 1 \(/.test(l) && /before the end of the run/.test(l));
  assert.equal(lines.length, 1, out);
  assert.match(lines[0] as string, reason);
  assert.match(lines[0] as string, /the run fails \(exit code 3\)/);
  const report = cluster.report();
  assert.equal(report.passed, false);
  assert.equal(report.exitCode, 3);
  assert.deepEqual(
    report.workers?.map((w) => [w.index, w.state]),
    [
      [0, 'done'],
      [1, 'lost'],
    ],
  );
  assert.match(report.workers?.[1]?.lossReason ?? '', reason);
  assert.ok((report.workers?.[0]?.requests ?? 0) > 0);
  const junit = readFileSync(join(cluster.dir, 'junit.xml'), 'utf8');
  assert.match(
    junit,
    /<testcase classname="volley\.workers" name="worker index 1 [^"]*"[^>]*>\s*<failure[^>]*type="worker-lost"/,
  );
  assert.match(out, /Incomplete: 1 of 2 workers lost before the end of the run/);
}

test('coordinator, two workers and the target on separate hosts: counts and percentiles as one process measures them', {
  skip,
  timeout: 90_000,
}, async () => {
  const net = ClusterNet.create(2);
  if (typeof net === 'string') throw new Error(net);
  const dir = clusterFixture();
  const procs: Proc[] = [];
  try {
    const c = net.exec(net.coordinatorNs);
    const target = startNode([join(dir, 'target.mjs')], { cwd: dir, prefix: c });
    procs.push(target);
    const port = (await target.waitFor(/port (\d+)/, "the target's port"))[1];
    const host = net.coordinatorAddress;
    const run = ['run', 'scenario.ts', '-H', `http://${host}:${port}`, '-u', '4', '-i', '25', '--seed', '3'];
    const coordinator = startVolley(
      [
        ...run,
        '--master',
        `${host}:0`,
        '--expect-workers',
        '2',
        '--json-file',
        'cluster.json',
        '--only-summary',
      ],
      { cwd: dir, prefix: c, env: { VOLLEY_CLUSTER_TOKEN: TOKEN } },
    );
    procs.push(coordinator);
    const address = (
      await coordinator.waitFor(/volley worker --master (\S+:\d+)/, 'the coordinator listening')
    )[1] as string;
    const workers = net.workerNs.map((ns, i) =>
      startVolley(['worker', '--master', address, '--index', String(i)], {
        cwd: dir,
        prefix: net.exec(ns),
        env: { VOLLEY_CLUSTER_TOKEN: TOKEN },
      }),
    );
    procs.push(...workers);
    assert.deepEqual(
      await Promise.all([coordinator.exited, ...workers.map((w) => w.exited)]),
      [0, 0, 0],
      coordinator.output(),
    );
    // The same run in one process, in the coordinator's namespace.
    const single = startVolley([...run, '--json-file', 'single.json', '--only-summary'], {
      cwd: dir,
      prefix: c,
    });
    procs.push(single);
    assert.equal(await single.exited, 0, single.output());
    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunSummary;
    const [cluster, one] = [read('cluster.json'), read('single.json')];
    const counts = (s: RunSummary) => s.endpoints.map((e) => [e.method, e.name, e.requests, e.failures]);
    assert.deepEqual(counts(cluster), counts(one));
    assert.equal(cluster.aggregated.requests, 100);
    // Each endpoint's median sits in the target's latency tier (10 ms or 40 ms, plus the network and a
    // busy machine's timer lateness); no percentile is below the tier: merged histograms lose nothing.
    for (const summary of [cluster, one]) {
      for (const e of summary.endpoints) {
        const tier = e.name === '/b' ? 40 : 10;
        const median = e.percentiles['50'] as number;
        assert.ok(
          median >= tier && median < tier + 25,
          `${e.name} median ${median} ms outside ${tier}–${tier + 25}`,
        );
        assert.ok((e.minMs as number) >= tier - 1, `${e.name} min ${e.minMs} ms below ${tier}`);
      }
    }
    assert.deepEqual(
      cluster.workers?.map((w) => [w.index, w.state, w.requests]),
      [
        [0, 'done', 50],
        [1, 'done', 50],
      ],
    );
  } finally {
    await killAll(procs);
    net.destroy();
  }
});

test('a worker killed with SIGKILL mid-run fails the run: one line naming it and its index, exit code 3', {
  skip,
  timeout: 90_000,
}, async () => {
  await withCluster('8s', async (cluster) => {
    cluster.workers[1]?.child.kill('SIGKILL');
    assert.equal(await cluster.coordinator.exited, 3, cluster.coordinator.output());
    assertLost(cluster, /disconnected/);
    assert.equal(await cluster.workers[0]?.exited, 0, cluster.workers[0]?.output());
  });
});

test('a worker stopped by SIGTERM (a pod deleted) mid-run fails the run, and exits non-zero itself', {
  skip,
  timeout: 90_000,
}, async () => {
  await withCluster('8s', async (cluster) => {
    cluster.workers[1]?.child.kill('SIGTERM');
    assert.equal(await cluster.coordinator.exited, 3, cluster.coordinator.output());
    assertLost(cluster, /was stopped by SIGTERM/);
    assert.equal(await cluster.workers[1]?.exited, 1);
    assert.match(
      cluster.workers[1]?.output() ?? '',
      /volley worker: stopped by SIGTERM before the end of the run/,
    );
    assert.equal(await cluster.workers[0]?.exited, 0, cluster.workers[0]?.output());
  });
});

test('a worker whose link goes down for good is lost within 15 s; durationSec does not count the wait', {
  skip,
  timeout: 90_000,
}, async () => {
  await withCluster('16s', async (cluster) => {
    const downAt = performance.now();
    cluster.net.setLink(1, 'down');
    const seen = await cluster.coordinator.waitFor(
      /worker index 1 \(.*before the end of the run/,
      'the loss line',
      20_000,
    );
    const detectedSec = (performance.now() - downAt) / 1000;
    assert.ok(detectedSec <= 15, `detected after ${detectedSec} s: ${seen[0]}`);
    assert.equal(await cluster.coordinator.exited, 3, cluster.coordinator.output());
    assertLost(cluster, /was silent for 10 s/);
    const duration = cluster.report().meta.durationSec;
    assert.ok(duration >= 15 && duration < 19, `durationSec ${duration}`);
    // Cut off, the worker gives its coordinator up the same way: it stops its users and fails.
    assert.equal(await cluster.workers[1]?.exited, 1);
    assert.match(cluster.workers[1]?.output() ?? '', /lost the coordinator \(was silent for 10 s/);
  });
});

test('a worker whose link is down for 4 s then up again recovers: the run passes with every worker', {
  skip,
  timeout: 90_000,
}, async () => {
  await withCluster('12s', async (cluster) => {
    cluster.net.setLink(1, 'down');
    await new Promise((resolve) => setTimeout(resolve, 4000)); // the outage itself, not a wait for an event
    cluster.net.setLink(1, 'up');
    assert.equal(await cluster.coordinator.exited, 0, cluster.coordinator.output());
    const report = cluster.report();
    assert.deepEqual(
      report.workers?.map((w) => [w.index, w.state]),
      [
        [0, 'done'],
        [1, 'done'],
      ],
    );
    assert.equal(report.aggregated.failures, 0);
    assert.deepEqual(await Promise.all(cluster.workers.map((w) => w.exited)), [0, 0]);
  });
});

test('a coordinator killed mid-run: every worker stops its users and exits non-zero, saying why', {
  skip,
  timeout: 90_000,
}, async () => {
  await withCluster('30s', async (cluster) => {
    cluster.coordinator.child.kill('SIGKILL');
    const codes = await Promise.all(cluster.workers.map((w) => w.exited));
    assert.deepEqual(codes, [1, 1]);
    // The kernel closes a killed process's sockets with a FIN, or a reset when data it had not read was waiting.
    for (const worker of cluster.workers)
      assert.match(
        worker.output(),
        /volley worker: lost the coordinator \((disconnected|connection failed: ECONNRESET)\)/,
      );
  });
});
