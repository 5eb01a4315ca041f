/**
 * A coordinated run steered while it goes on (the web UI's Edit and Stop) and its workers' live rows:
 * workers run in this process over in-memory links, against a loopback target.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCoordinator } from '../../src/cluster/coordinator.ts';
import type { CoordinatorMessage, WorkerMessage } from '../../src/cluster/protocol.ts';
import { runWorker } from '../../src/cluster/worker.ts';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { loadScenario } from '../../src/engine/scenario-loader.ts';
import type { StatsSnapshot } from '../../src/metrics/summary.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { until } from '../helpers/until.ts';
import { linkPair } from './memory-links.ts';

let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
after(() => server.close());

interface Started {
  id: number;
  cls: string;
}
const started = (): Started[] => {
  const global = globalThis as { __steeringStarted?: Started[] };
  global.__steeringStarted ??= [];
  return global.__steeringStarted;
};

const SCENARIO = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-steering-'));
  const file = join(dir, 'scenario.ts');
  writeFileSync(
    file,
    `
import { user, constant } from 'volley';
const started = (globalThis.__steeringStarted ??= []);
const onStart = (vu) => { started.push({ id: vu.id, cls: vu.userName }); };
export const reader = user({ weight: 2, wait: constant(0.02), onStart, tasks: [async (vu) => { await vu.http.get('/r'); }] });
export const writer = user({ wait: constant(0.02), onStart, tasks: [async (vu) => { await vu.http.post('/w'); }] });
`,
  );
  return file;
})();

async function startCluster(settings: VolleyOptions, k: number) {
  started().length = 0;
  const snapshots: StatsSnapshot[] = [];
  const scenario = await loadScenario(SCENARIO);
  const plan = resolveRunPlan(settings, scenario, {
    reporters: [{ name: 'capture', onSnapshot: (s) => void snapshots.push(s) }],
    log: () => {},
  });
  const pairs = Array.from({ length: k }, (_, i) =>
    linkPair<CoordinatorMessage, WorkerMessage>(`worker ${i + 1}`),
  );
  const workers = Promise.all(pairs.map((p) => runWorker(p.far)));
  const run = startCoordinator({ plan, settings, links: pairs.map((p) => p.near) });
  return { run, snapshots, workers };
}

test('an edit of the users reaches every worker: each takes its share, the new users keep single-process ids and classes', async () => {
  const { run, workers } = await startCluster({ host: server.url, users: 2, seed: 7 }, 2);
  try {
    await until(
      () => run.workers().every((w) => w.state === 'running' && w.users === 1),
      'two workers running one user each',
    );
    run.setUsers(5);
    // 5 users over 2 workers: ids 1, 3, 5 on the first, 2, 4 on the second (as partitionPlan deals them).
    await until(() => {
      const rows = run.workers();
      return rows[0]?.users === 3 && rows[1]?.users === 2;
    }, 'users 3 + 2 after the edit to 5');
    const byId = [...started()].sort((a, b) => a.id - b.id);
    assert.deepEqual(
      byId.map((u) => u.id),
      [1, 2, 3, 4, 5],
    );
    // Weights 2:1, interleaved as one process spawns them.
    assert.deepEqual(
      byId.map((u) => u.cls),
      ['reader', 'writer', 'reader', 'reader', 'writer'],
    );
    run.setUsers(1, 100);
    await until(() => {
      const rows = run.workers();
      return rows[0]?.users === 1 && rows[1]?.users === 0;
    }, 'users 1 + 0 after the edit to 1');
    // Back up: the users retired come back (same ids), no new ones.
    run.setUsers(3);
    await until(() => run.workers().reduce((n, w) => n + w.users, 0) === 3, '3 users again');
    assert.equal(new Set(started().map((u) => u.id)).size, 5);
  } finally {
    run.stop();
  }
  const summary = await run.done;
  await workers;
  assert.equal(summary.meta.stopReason, 'stopped');
  assert.equal(summary.meta.peakUsers, 5);
  assert.equal(summary.exitCode, 0);
});

test('workers’ rows: 1-based index, host:pid from the hello, state, users, req/s from their reports, CPU; ended rows read done with no rate', async () => {
  const { run, workers } = await startCluster({ host: server.url, users: 2 }, 2);
  assert.deepEqual(
    run.workers().map((w) => [w.index, w.state]),
    [
      [1, 'connecting'],
      [2, 'connecting'],
    ],
  );
  await until(
    () => run.workers().every((w) => w.state === 'running' && w.rps > 0 && w.cpuPercent !== null),
    'two sending workers with their CPU',
    15_000,
  );
  for (const row of run.workers()) {
    assert.equal(row.host, `${hostname()}:${process.pid}`, 'workers here run in this process');
    assert.ok(row.cpuPercent !== null && row.cpuPercent >= 0, `${row.cpuPercent}`);
  }
  run.stop();
  await run.done;
  await workers;
  assert.deepEqual(
    run.workers().map((w) => [w.index, w.state, w.users, w.rps, w.cpuPercent]),
    [
      [1, 'done', 0, 0, null],
      [2, 'done', 0, 0, null],
    ],
  );
});

test('an edit made before the workers started is applied once they run', async () => {
  const { run, workers } = await startCluster({ host: server.url, users: 2 }, 2);
  run.setUsers(4);
  await until(() => run.workers().every((w) => w.state === 'running' && w.users === 2), '2 + 2 users');
  run.stop();
  assert.equal((await run.done).meta.peakUsers, 4);
  await workers;
});

test('open model: an edit of the arrival rate is split over the workers and their merged rate is the new one', async () => {
  const { run, snapshots, workers } = await startCluster(
    { host: server.url, arrivalRate: 4, maxUsers: 20 },
    2,
  );
  try {
    await until(() => snapshots.some((s) => s.arrivals?.rate === 4), 'a snapshot at 4/s', 15_000);
    run.setArrivalRate(30);
    await until(() => snapshots.at(-1)?.arrivals?.rate === 30, 'the merged rate at 30/s', 15_000);
  } finally {
    run.stop();
  }
  assert.equal((await run.done).meta.stopReason, 'stopped');
  await workers;
});

test('a stop before the workers are ready ends the run without load', async () => {
  const { run, workers } = await startCluster({ host: server.url, users: 2 }, 2);
  run.stop();
  const summary = await run.done;
  await workers;
  assert.equal(summary.aggregated.requests, 0);
  assert.equal(summary.meta.stopReason, 'stopped');
});
