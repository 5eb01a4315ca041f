import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ClusterError, runCoordinator, WORKER_LOST_EXIT_CODE } from '../../src/cluster/coordinator.ts';
import type { Link } from '../../src/cluster/link.ts';
import {
  CLUSTER_PROTOCOL_VERSION,
  type CoordinatorMessage,
  type WorkerMessage,
} from '../../src/cluster/protocol.ts';
import { runWorker } from '../../src/cluster/worker.ts';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { runLoadTest } from '../../src/engine/run.ts';
import { loadScenario } from '../../src/engine/scenario-loader.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import type { RunSummary, StatsSnapshot } from '../../src/metrics/summary.ts';
import type { Reporter } from '../../src/report/reporter.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { linkPair } from './memory-links.ts';

let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/fail')) res.statusCode = 500;
    res.end('ok');
  });
});
after(() => server.close());

interface Seen {
  id: number;
  cls: string;
  random: number;
}
const seen = (): Seen[] => {
  const global = globalThis as { __clusterSeen?: Seen[] };
  global.__clusterSeen ??= [];
  return global.__clusterSeen;
};

/** performance.now() at each user's onStart, by id (workers run in this process: one clock). */
const startTimes = (): Map<number, number> => {
  const global = globalThis as { __clusterStarts?: Map<number, number> };
  global.__clusterStarts ??= new Map();
  return global.__clusterStarts;
};

const SCENARIO = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-cluster-'));
  const file = join(dir, 'scenario.ts');
  writeFileSync(
    file,
    `
import { user, task, constant } from 'volley';
const seen = (globalThis.__clusterSeen ??= []);
const starts = (globalThis.__clusterStarts ??= new Map());
export const reader = user({
  weight: 3,
  wait: constant(0.02),
  onStart: (vu) => { starts.set(vu.id, performance.now()); seen.push({ id: vu.id, cls: vu.userName, random: vu.random() }); },
  tasks: [
    task({ weight: 2 }, async (vu) => { await vu.http.get('/a'); }),
    async (vu) => { await vu.http.get('/b/' + vu.id, { name: '/b/[id]' }); },
  ],
});
export const writer = user({
  wait: constant(0.02),
  onStart: (vu) => { starts.set(vu.id, performance.now()); seen.push({ id: vu.id, cls: vu.userName, random: vu.random() }); },
  tasks: [async (vu) => {
    await vu.http.post('/w', { json: { id: vu.id } });
    if (vu.iteration === 1) await vu.http.get('/fail');
    if (vu.iteration === 2) throw new Error('boom');
  }],
});
`,
  );
  return file;
})();

/** Records what the reporters are given. */
function captureReporter() {
  const got = { starts: 0, snapshots: [] as StatsSnapshot[], summary: null as RunSummary | null };
  const reporter: Reporter = {
    name: 'capture',
    onStart: () => void got.starts++,
    onSnapshot: (s) => void got.snapshots.push(s),
    onEnd: (s) => {
      got.summary = s;
    },
  };
  return { got, reporter };
}

async function runSingle(settings: VolleyOptions) {
  seen().length = 0;
  const { got, reporter } = captureReporter();
  const scenario = await loadScenario(SCENARIO);
  await runLoadTest(resolveRunPlan(settings, scenario, { reporters: [reporter], log: () => {} }));
  return { got, seen: [...seen()].sort((a, b) => a.id - b.id) };
}

/** A coordinator with `k` workers running in this process over in-memory links. */
async function runInProcessCluster(settings: VolleyOptions, k: number, logs: string[] = []) {
  seen().length = 0;
  startTimes().clear();
  const { got, reporter } = captureReporter();
  const scenario = await loadScenario(SCENARIO);
  const plan = resolveRunPlan(settings, scenario, { reporters: [reporter], log: (_l, m) => logs.push(m) });
  const pairs = Array.from({ length: k }, (_, i) =>
    linkPair<CoordinatorMessage, WorkerMessage>(`worker ${i + 1}`),
  );
  const workers = pairs.map((p) => runWorker(p.far));
  const summary = await runCoordinator({ plan, settings, links: pairs.map((p) => p.near) });
  await Promise.all(workers);
  return { got, summary, seen: [...seen()].sort((a, b) => a.id - b.id) };
}

const shape = (s: RunSummary) => ({
  endpoints: s.endpoints.map((e) => `${e.method} ${e.name} ${e.requests}/${e.failures}`),
  aggregated: [s.aggregated.requests, s.aggregated.failures],
  failures: s.failures,
  exceptions: s.exceptions.map((e) => `${e.message} x${e.count}`),
  peakUsers: s.meta.peakUsers,
  stopReason: s.meta.stopReason,
  exitCode: s.exitCode,
  thresholds: s.thresholds.map((t) => `${t.expression} ${t.passed}`),
});

test('three workers give exactly the single-process run: counts, failures, exceptions, ids, classes, seeds', async () => {
  const settings: VolleyOptions = {
    host: server.url,
    users: 11,
    iterations: 4,
    seed: 1234,
    thresholds: ['requests>10', 'GET /a: max<60000'],
  };
  const single = await runSingle(settings);
  const cluster = await runInProcessCluster(settings, 3);
  assert.ok(single.got.summary);
  assert.deepEqual(shape(cluster.summary), shape(single.got.summary));
  assert.equal(cluster.summary.aggregated.requests, 11 * 4 + 3 /* writers' /fail */);
  assert.deepEqual(cluster.got.summary, cluster.summary, 'reporters get the returned summary');
  assert.equal(cluster.got.starts, 1);
  // Same users with the same ids, classes and random streams as in one process.
  assert.equal(cluster.seen.length, 11);
  assert.deepEqual(cluster.seen, single.seen);
});

test('live snapshots are merged from every worker and count every running user', async () => {
  const cluster = await runInProcessCluster({ host: server.url, users: 4, runTime: '2.3s' }, 2);
  assert.equal(cluster.summary.meta.stopReason, 'run-time');
  assert.equal(cluster.summary.meta.peakUsers, 4);
  assert.ok(
    cluster.got.snapshots.length >= 1 && cluster.got.snapshots.length <= 3,
    `${cluster.got.snapshots.length}`,
  );
  const first = cluster.got.snapshots[0]!;
  assert.equal(first.users, 4);
  assert.ok(first.aggregated.requests > 0 && first.aggregated.currentRps > 0);
  assert.ok(cluster.summary.aggregated.requests >= first.aggregated.requests);
  assert.ok(Math.abs(cluster.summary.meta.durationSec - 2.3) < 1, `${cluster.summary.meta.durationSec}`);
});

/** A worker that joins, reports once after the start, then dies. */
function dyingWorker(
  link: Link<WorkerMessage, CoordinatorMessage> & { kill?: (reason: string) => void },
  kill: (reason: string) => void,
) {
  link.onMessage((message) => {
    if (message.type === 'assign') void link.send({ type: 'ready', users: 1 });
    if (message.type === 'start') {
      const stats = new RunStats();
      stats.request('GET', '/ghost', 5, 10, null);
      void link
        .send({ type: 'stats', stats: stats.serialize(), users: 1 })
        .then(() => kill('exited with code 1'));
    }
  });
  void link.send({
    type: 'hello',
    protocol: CLUSTER_PROTOCOL_VERSION,
    volleyVersion: 'test',
    worker: 'fake',
  });
}

test('a worker lost mid-run: one line, the run goes on with the others, reports are written, exit code 3', async () => {
  const logs: string[] = [];
  const { got, reporter } = captureReporter();
  const scenario = await loadScenario(SCENARIO);
  const settings: VolleyOptions = { host: server.url, users: 4, iterations: 3 };
  const plan = resolveRunPlan(settings, scenario, { reporters: [reporter], log: (_l, m) => logs.push(m) });
  const real = linkPair<CoordinatorMessage, WorkerMessage>('worker 1');
  const fake = linkPair<CoordinatorMessage, WorkerMessage>('worker 2 (pid 999)');
  dyingWorker(fake.far, fake.near.kill);
  const worker = runWorker(real.far);
  const summary = await runCoordinator({ plan, settings, links: [real.near, fake.near] });
  await worker;
  assert.equal(summary.exitCode, WORKER_LOST_EXIT_CODE);
  assert.equal(summary.passed, false);
  assert.deepEqual(got.summary, summary);
  const lost = logs.filter((l) => l.includes('worker 2'));
  assert.equal(lost.length, 1);
  assert.match(lost[0]!, /^worker 2 \(pid 999\) exited with code 1 before the end of the run/);
  // Worker 1's two users (3 iterations, writer /fail on its 2nd), plus what worker 2 sent before dying.
  const ghost = summary.endpoints.find((e) => e.name === '/ghost');
  assert.equal(ghost?.requests, 1);
  assert.ok(summary.aggregated.requests >= 7);
});

test('a worker of another protocol version is refused before the run starts', async () => {
  const scenario = await loadScenario(SCENARIO);
  const settings: VolleyOptions = { host: server.url, users: 2, iterations: 1 };
  const plan = resolveRunPlan(settings, scenario, { log: () => {} });
  const old = linkPair<CoordinatorMessage, WorkerMessage>('worker 1 (10.0.0.7:5000)');
  void old.far.send({ type: 'hello', protocol: 99, volleyVersion: '9.9.9', worker: 'x' });
  await assert.rejects(
    runCoordinator({ plan, settings, links: [old.near], startTimeoutMs: 5000 }),
    (error: Error) => {
      assert.ok(error instanceof ClusterError);
      assert.match(error.message, /^worker 1 \(10\.0\.0\.7:5000\): speaks protocol 99 \(volley 9\.9\.9\)/);
      return true;
    },
  );
});

test('stopped (aborted) before the start: no worker runs, the reports still come, reason "signal"', async () => {
  const stop = new AbortController();
  stop.abort();
  const { got, reporter } = captureReporter();
  const scenario = await loadScenario(SCENARIO);
  const settings: VolleyOptions = { host: server.url, users: 2, runTime: '30s' };
  const plan = resolveRunPlan(settings, scenario, {
    reporters: [reporter],
    signal: stop.signal,
    log: () => {},
  });
  const pairs = [0, 1].map((i) => linkPair<CoordinatorMessage, WorkerMessage>(`worker ${i + 1}`));
  const workers = pairs.map((p) => runWorker(p.far));
  const summary = await runCoordinator({ plan, settings, links: pairs.map((p) => p.near) });
  await Promise.all(workers);
  assert.equal(summary.meta.stopReason, 'signal');
  assert.equal(summary.aggregated.requests, 0);
  assert.ok(got.summary);
});

test('a ramp-up over two workers starts user j at j/rate, in id order, as one process does', async () => {
  const cluster = await runInProcessCluster({ host: server.url, users: 6, spawnRate: 10, iterations: 1 }, 2);
  const starts = startTimes();
  assert.deepEqual(
    cluster.seen.map((u) => u.id),
    [1, 2, 3, 4, 5, 6],
  );
  const byStart = [...starts.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  assert.deepEqual(byStart, [1, 2, 3, 4, 5, 6], 'users start in id order, alternating workers');
  const first = starts.get(1)!;
  for (const [id, at] of starts) {
    const due = (id - 1) * 100;
    // Timers never fire early; late by scheduling only (generous for a loaded CI machine).
    assert.ok(
      at - first >= due - 20 && at - first <= due + 250,
      `user ${id} at ${at - first} ms, due ${due}`,
    );
  }
});

test('a worker that cannot load the scenario fails the run before it starts, naming the worker', async () => {
  const scenario = await loadScenario(SCENARIO);
  const settings: VolleyOptions = { host: server.url, users: 2, iterations: 1 };
  const plan = resolveRunPlan(settings, scenario, { log: () => {} });
  const pairs = [0, 1].map((i) => linkPair<CoordinatorMessage, WorkerMessage>(`worker ${i + 1}`));
  const workers = [
    runWorker(pairs[0]!.far),
    runWorker(pairs[1]!.far, { scenario: '/nonexistent/scenario.ts' }),
  ];
  await assert.rejects(
    runCoordinator({ plan, settings, links: pairs.map((p) => p.near) }),
    /^ClusterError: worker 2: scenario not found: \/nonexistent\/scenario\.ts$/,
  );
  await Promise.all(workers);
});

test('open model over two workers: live snapshots carry the arrivals added up, as one process shows them', async () => {
  const cluster = await runInProcessCluster({ host: server.url, arrivalRate: 20, runTime: '2.3s' }, 2);
  const live = cluster.got.snapshots.at(-1)?.arrivals;
  assert.ok(live, 'the last live snapshot has arrivals');
  assert.equal(live.rate, 20);
  assert.equal(live.scheduled, live.launched + live.dropped);
  assert.ok(
    live.scheduled >= 20 && live.scheduled <= cluster.summary.arrivals!.scheduled,
    `${live.scheduled}`,
  );
});

test('a worker whose start message comes late still runs its whole run time: no arrival of its share is lost', async () => {
  const { got, reporter } = captureReporter();
  const scenario = await loadScenario(SCENARIO);
  const settings: VolleyOptions = { host: server.url, arrivalRate: 20, runTime: '1s' };
  const plan = resolveRunPlan(settings, scenario, { reporters: [reporter], log: () => {} });
  const pairs = [0, 1].map((i) => linkPair<CoordinatorMessage, WorkerMessage>(`worker ${i + 1}`));
  // Worker 2 hears "start" 300 ms after worker 1 (a busy machine, a slow network).
  const slow = pairs[1]!.near;
  const late: Link<CoordinatorMessage, WorkerMessage> = {
    ...slow,
    send: (m) =>
      m.type === 'start'
        ? new Promise((resolve) => setTimeout(() => resolve(slow.send(m)), 300))
        : slow.send(m),
  };
  const workers = pairs.map((p) => runWorker(p.far));
  const summary = await runCoordinator({ plan, settings, links: [pairs[0]!.near, late] });
  await Promise.all(workers);
  assert.equal(summary.meta.stopReason, 'run-time');
  // 20/s for 1 s: arrivals at 0, 100 … 900 ms in worker 1 and 50, 150 … 950 ms in worker 2.
  assert.equal(summary.arrivals?.scheduled, 20);
  assert.deepEqual(got.summary, summary);
});

test('with stages, the reporters learn the planned duration from the coordinator as from one process', async () => {
  const settings: VolleyOptions = { host: server.url, stages: '1s:2,500ms:0', seed: 5 };
  const planned: (number | null)[] = [];
  const reporter: Reporter = { name: 'start', onStart: (info) => void planned.push(info.plannedDurationSec) };
  const scenario = await loadScenario(SCENARIO);
  await runLoadTest(resolveRunPlan(settings, scenario, { reporters: [reporter], log: () => {} }));
  const plan = resolveRunPlan(settings, scenario, { reporters: [reporter], log: () => {} });
  const pairs = [1, 2].map((i) => linkPair<CoordinatorMessage, WorkerMessage>(`worker ${i}`));
  const workers = pairs.map((p) => runWorker(p.far));
  await runCoordinator({ plan, settings, links: pairs.map((p) => p.near) });
  await Promise.all(workers);
  assert.deepEqual(planned, [1.5, 1.5]);
});
