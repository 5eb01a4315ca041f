import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunPlan } from '../../src/engine/run-plan.ts';
import { loadScenario } from '../../src/engine/scenario-loader.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import { createEngineLauncher, type StartedRun } from '../../src/web/engine-launcher.ts';
import type { LiveWorker } from '../../src/web/live-run.ts';
import { RunSession } from '../../src/web/run-session.ts';
import { smallSnapshot, smallSummary } from '../report/fixtures.ts';
import { DEFAULT_PARAMS, FakeRun, fakeLauncher } from './fake-launcher.ts';

const row = (index: number, state: string, users: number): LiveWorker => ({
  index,
  host: `host-${index}:100${index}`,
  state,
  users,
  rps: users * 10,
  cpuPercent: state === 'running' ? 12.5 : null,
});

/** A FakeRun of a distributed run: its workers are whatever the test sets. */
class FakeClusterRun extends FakeRun {
  rows: LiveWorker[] = [];
  workers(): LiveWorker[] {
    return this.rows;
  }
}

test('a distributed run: the view says how runs are spread, live numbers carry the workers, kept as they ended, cleared by the next start', async () => {
  const runs: FakeClusterRun[] = [];
  const s = new RunSession({
    launcher: (params, hooks) => {
      const run = new FakeClusterRun(params, hooks);
      runs.push(run);
      return run;
    },
    defaults: DEFAULT_PARAMS,
    cluster: { kind: 'processes', workers: 2 },
  });
  assert.deepEqual(s.view().cluster, { kind: 'processes', workers: 2 });
  assert.equal(s.workers(), null, 'no run yet');
  s.start({ ...DEFAULT_PARAMS, users: 4 });
  const run = runs[0]!;
  run.rows = [row(1, 'running', 2), row(2, 'running', 2)];
  const live: unknown[] = [];
  s.subscribe((event, data) => {
    if (event === 'stats') live.push(data);
  });
  run.snapshot(smallSnapshot(1_000_000, 4));
  assert.deepEqual(s.liveStats()?.workers, run.rows);
  assert.deepEqual((live.at(-1) as { workers: LiveWorker[] }).workers, run.rows, 'sent with each snapshot');

  s.setUsers(7);
  assert.deepEqual(run.calls, ['setUsers 7']);
  s.stop();
  run.rows = [row(1, 'done', 0), row(2, 'done', 0)];
  run.end(smallSummary());
  await s.whenIdle();
  run.rows = [];
  assert.deepEqual(
    s.liveStats()?.workers?.map((w) => w.state),
    ['done', 'done'],
    'the workers as the run ended, not what its handle says later',
  );
  s.start(DEFAULT_PARAMS);
  assert.deepEqual(s.workers(), [], 'the new run’s (none yet)');
});

test('a run in this process has no workers and no cluster', async () => {
  const { launcher, runs } = fakeLauncher();
  const s = new RunSession({ launcher, defaults: DEFAULT_PARAMS });
  assert.equal(s.view().cluster, null);
  s.start(DEFAULT_PARAMS);
  runs[0]!.snapshot(smallSnapshot());
  assert.equal(s.liveStats()?.workers, null);
  runs[0]!.end(smallSummary());
  await s.whenIdle();
  assert.equal(s.workers(), null);
});

test('the engine launcher hands a distributed starter the resolved plan and the form’s settings, and exposes its workers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-web-launcher-'));
  const file = join(dir, 'scenario.ts');
  writeFileSync(
    file,
    `import { user } from 'volley';\nexport const U = user({ tasks: [async () => {}] });\n`,
  );
  const scenario = await loadScenario(file);
  const seen: { plan: RunPlan; options: VolleyOptions }[] = [];
  let finish: (summary: RunSummary) => void = () => {};
  const started: StartedRun = {
    done: new Promise((resolve) => {
      finish = resolve;
    }),
    setUsers: () => {},
    setArrivalRate: () => {},
    stop: () => finish(smallSummary()),
    resetStats: () => {},
    usersByClass: () => null,
    workers: () => [row(1, 'running', 3)],
  };
  const launcher = createEngineLauncher({
    options: { processes: 2 },
    scenario,
    reporters: () => [],
    command: 'volley run scenario.ts --processes 2',
    start: (plan, options) => {
      seen.push({ plan, options });
      return started;
    },
  });
  const live = launcher(
    { ...DEFAULT_PARAMS, users: 3, runTime: null },
    { onSnapshot: () => {}, log: () => {} },
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.plan.users, 3);
  assert.equal(seen[0]?.options.users, 3, 'the form’s users reach the workers’ settings');
  assert.equal(seen[0]?.options.host, DEFAULT_PARAMS.host);
  assert.deepEqual(live.workers?.(), [row(1, 'running', 3)]);
  live.stop();
  assert.equal((await live.done).exitCode, smallSummary().exitCode);
});
