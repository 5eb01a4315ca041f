import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { runLoadTest } from '../../src/engine/run.ts';
import type { LoadedScenario } from '../../src/engine/scenario-loader.ts';
import { constant, type UserClass, user, type VirtualUser } from '../../src/index.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import { measuringLoopDelay } from '../helpers/loop-delay.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

let server: TestServer;
const hits: { path: string; vu: string; at: number }[] = [];
before(async () => {
  server = await startServer((req, res) => {
    hits.push({ path: req.url ?? '', vu: String(req.headers['x-vu'] ?? ''), at: performance.now() });
    if (req.url?.startsWith('/fail')) res.statusCode = 500;
    res.end('ok');
  });
});
after(() => server.close());

// biome-ignore lint/suspicious/noExplicitAny: test scenarios of any state type
function scenario(...users: UserClass<any>[]): LoadedScenario {
  users.forEach((u, i) => {
    if (!u.name) u.name = `user${i}`;
  });
  return { path: 'inline.ts', userClasses: users, options: {} };
}

// biome-ignore lint/suspicious/noExplicitAny: as above
async function run(options: VolleyOptions, ...users: UserClass<any>[]) {
  hits.length = 0;
  const logs: string[] = [];
  const summary = await runLoadTest(
    resolveRunPlan({ host: server.url, ...options }, scenario(...users), { log: (_l, m) => logs.push(m) }),
  );
  return { summary, logs };
}

test('iterations: every user runs exactly N task runs, then the run ends by itself', async () => {
  const { summary } = await run(
    { users: 5, iterations: 4 },
    user({ tasks: [async (vu) => void (await vu.http.get('/a', { headers: { 'x-vu': String(vu.id) } }))] }),
  );
  assert.equal(summary.meta.stopReason, 'iterations');
  assert.equal(summary.aggregated.requests, 20);
  const perUser = new Map<string, number>();
  for (const h of hits) perUser.set(h.vu, (perUser.get(h.vu) ?? 0) + 1);
  assert.deepEqual([...perUser.values()], [4, 4, 4, 4, 4]);
  assert.equal(summary.exitCode, 0);
  // The generator's own CPU is in every summary (numbers depend on the machine: only how they relate here).
  const generator = summary.meta.generator;
  assert.ok(generator !== undefined);
  assert.ok(
    Number.isFinite(generator.cpuPercentAvg) && generator.cpuPercentAvg >= 0,
    `${generator.cpuPercentAvg}`,
  );
  assert.ok(
    generator.cpuPercentPeak >= generator.cpuPercentAvg,
    `peak ${generator.cpuPercentPeak} < average ${generator.cpuPercentAvg}`,
  );
  assert.equal(typeof generator.overloaded, 'boolean');
});

test('spawn rate: user i starts i/rate seconds after the first', async () => {
  const starts = new Map<number, number>();
  const { heldUpMs } = await measuringLoopDelay(() =>
    run(
      { users: 4, spawnRate: 10, iterations: 1 },
      user({
        onStart: (vu) => void starts.set(vu.id, performance.now()),
        tasks: [() => {}],
      }),
    ),
  );
  const t = [...starts.entries()].sort((a, b) => a[0] - b[0]).map(([, at]) => at);
  const t0 = t[0] ?? 0;
  // A start comes late by as long as the event loop was held up (either the first's or this one's).
  t.forEach((at, i) => {
    assert.ok(
      Math.abs(at - t0 - i * 100) < 20 + 2 * heldUpMs,
      `user ${i + 1} started at +${(at - t0).toFixed(1)} ms (loop held up ${heldUpMs.toFixed(1)} ms)`,
    );
  });
});

test('users are spread over classes by weight', async () => {
  const seen = new Map<string, Set<number>>();
  const make = (name: string, weight: number) =>
    user({
      name,
      weight,
      tasks: [
        (vu) => {
          const set = seen.get(name) ?? new Set<number>();
          set.add(vu.id);
          seen.set(name, set);
        },
      ],
    });
  await run({ users: 8, iterations: 1 }, make('reader', 3), make('writer', 1));
  assert.equal(seen.get('reader')?.size, 6);
  assert.equal(seen.get('writer')?.size, 2);
});

test('a task that throws is recorded with its stack and the user carries on', async () => {
  const { summary } = await run(
    { users: 2, iterations: 3 },
    user({
      tasks: [
        async (vu) => {
          await vu.http.get('/a');
          if (vu.iteration === 1) throw new TypeError('bad thing');
        },
      ],
    }),
  );
  assert.equal(summary.aggregated.requests, 6);
  assert.equal(summary.exceptions.length, 1);
  assert.equal(summary.exceptions[0]?.count, 2);
  assert.match(summary.exceptions[0]?.message ?? '', /TypeError: bad thing/);
  assert.match(summary.exceptions[0]?.stack ?? '', /run\.test\.ts/);
});

test('vu.stop() ends the user, onStop still runs; endTask() skips the rest of the task', async () => {
  let stopped = 0;
  const { summary } = await run(
    { users: 3, iterations: 10 },
    user({
      onStop: () => {
        stopped += 1;
      },
      tasks: [
        async (vu) => {
          await vu.http.get('/a');
          if (vu.iteration === 0) vu.endTask();
          if (vu.iteration === 1) vu.stop();
          await vu.http.get('/never');
        },
      ],
    }),
  );
  assert.equal(stopped, 3);
  assert.equal(summary.aggregated.requests, 6);
  assert.equal(summary.exceptions.length, 0);
  assert.deepEqual(
    summary.endpoints.map((e) => e.name),
    ['/a'],
  );
});

test('run time: the run stops on time, sleeping users wake at once', async () => {
  const started = performance.now();
  const { summary } = await run(
    { users: 3, runTime: '1s' },
    user({ wait: constant(30), tasks: [async (vu) => void (await vu.http.get('/a'))] }),
  );
  const took = performance.now() - started;
  assert.equal(summary.meta.stopReason, 'run-time');
  assert.ok(took >= 990 && took < 2000, `took ${took} ms`);
  assert.equal(summary.aggregated.requests, 3);
});

test('stop timeout: busy users get that long to finish their task', async () => {
  let finished = 0;
  const busy = user({
    tasks: [
      async (vu) => {
        await new Promise((r) => setTimeout(r, 700));
        await vu.http.get('/late');
        finished += 1;
      },
    ],
  });
  const a = await run({ users: 2, runTime: '0.5s', stopTimeout: '2s' }, busy);
  assert.equal(finished, 2);
  assert.equal(a.summary.aggregated.requests, 2);
  finished = 0;
  const b = await run({ users: 2, runTime: '0.5s' }, busy);
  assert.equal(b.summary.aggregated.requests, 0, 'without a stop timeout, cut-off work is not counted');
});

test('failed requests set the exit code unless a fail_ratio threshold decides', async () => {
  const u = user({ tasks: [async (vu) => void (await vu.http.get('/fail'))] });
  assert.equal((await run({ users: 1, iterations: 2 }, u)).summary.exitCode, 1);
  assert.equal((await run({ users: 1, iterations: 2, exitCodeOnError: 0 }, u)).summary.exitCode, 0);
  assert.equal(
    (await run({ users: 1, iterations: 2, thresholds: ['fail_ratio<1.01'] }, u)).summary.exitCode,
    0,
  );
  const failed = await run({ users: 1, iterations: 2, thresholds: ['fail_ratio<0.5'] }, u);
  assert.equal(failed.summary.exitCode, 1);
  assert.equal(failed.summary.thresholds[0]?.passed, false);
});

test('--seed reproduces task choice', async () => {
  const order = async (seed: number) => {
    const picks: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((n) => {
      const fn = () => void picks.push(n);
      Object.defineProperty(fn, 'name', { value: n });
      return fn;
    });
    await run({ users: 1, iterations: 40, seed }, user({ tasks }));
    return picks.join('');
  };
  const first = await order(11);
  assert.equal(await order(11), first);
  assert.notEqual(await order(12), first);
});

test('an external abort stops the run cleanly', async () => {
  const controller = new AbortController();
  // Aborted once three requests are done, not after a guessed time: the run is under way by then.
  let done = 0;
  const task = async (vu: VirtualUser) => {
    await vu.http.get('/a');
    if (++done === 3) controller.abort();
  };
  const summary = await runLoadTest(
    resolveRunPlan({ host: server.url, users: 2 }, scenario(user({ wait: constant(0.05), tasks: [task] })), {
      signal: controller.signal,
      log: () => {},
    }),
  );
  assert.equal(summary.meta.stopReason, 'signal');
  assert.ok(summary.aggregated.requests > 2);
});
