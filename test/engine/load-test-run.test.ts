import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { startLoadTest } from '../../src/engine/run.ts';
import type { LoadedScenario } from '../../src/engine/scenario-loader.ts';
import { constant, type UserClass, user } from '../../src/index.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';
import { until } from '../helpers/until.ts';

let server: TestServer;
before(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
after(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// biome-ignore lint/suspicious/noExplicitAny: test scenarios of any state type
function scenario(...users: UserClass<any>[]): LoadedScenario {
  return { path: 'inline.ts', userClasses: users, options: {} };
}

// biome-ignore lint/suspicious/noExplicitAny: as above
function start(options: VolleyOptions, ...users: UserClass<any>[]) {
  return startLoadTest(
    resolveRunPlan({ host: server.url, ...options }, scenario(...users), { log: () => {} }),
  );
}

const looping = (name: string, weight = 1) =>
  user({ name, weight, wait: constant(0.02), tasks: [async (vu) => void (await vu.http.get('/a'))] });

test('setUsers retargets a closed run up and down; removed users leave, stop() ends it', async () => {
  let stopped = 0;
  const cls = user({
    name: 'u',
    wait: constant(0.02),
    onStop: () => {
      stopped += 1;
    },
    tasks: [async (vu) => void (await vu.http.get('/a'))],
  });
  const run = start({ users: 2, runTime: '30s' }, cls);
  await until(() => run.snapshot().users === 2, '2 users');
  assert.deepEqual(run.usersByClass(), { u: 2 });
  run.setUsers(6);
  await until(() => run.snapshot().users === 6, '6 users');
  await until(() => run.snapshot().aggregated.requests > 10, 'more than 10 requests');
  run.setUsers(1, 100);
  await until(() => run.snapshot().users === 1, 'the ramp down to 1 user');
  assert.deepEqual(run.usersByClass(), { u: 1 });
  assert.equal(stopped, 5, 'retired users run onStop');
  run.stop();
  const summary = await run.done;
  assert.equal(summary.meta.stopReason, 'stopped');
  assert.equal(summary.meta.peakUsers, 6);
  assert.equal(summary.meta.loadModel, 'closed');
  assert.ok(summary.aggregated.requests > 10);
});

test('retargeting keeps the class ratio (newest users leave first, come back first)', async () => {
  const run = start({ users: 8, runTime: '30s' }, looping('reader', 3), looping('writer', 1));
  await until(() => run.snapshot().users === 8, '8 users');
  assert.deepEqual(run.usersByClass(), { reader: 6, writer: 2 });
  run.setUsers(4);
  await until(() => run.snapshot().users === 4, 'the retired users to leave');
  assert.deepEqual(run.usersByClass(), { reader: 3, writer: 1 });
  run.setUsers(8);
  await until(() => run.snapshot().users === 8, '8 users again');
  assert.deepEqual(run.usersByClass(), { reader: 6, writer: 2 });
  run.stop();
  await run.done;
});

test('resetStats zeroes the figures while the run goes on; snapshot is live', async () => {
  const run = start({ users: 2, runTime: '30s' }, looping('u'));
  await until(() => run.snapshot().aggregated.requests > 0, 'a request');
  run.resetStats();
  assert.equal(run.snapshot().aggregated.requests, 0);
  await until(() => run.snapshot().aggregated.requests > 0, 'a request after the reset');
  const after = run.snapshot().aggregated.requests;
  run.stop();
  const summary = await run.done;
  assert.ok(summary.aggregated.requests >= after);
});

test('setArrivalRate turns a closed run into an open one and changes the rate', async () => {
  const run = start(
    { users: 1, runTime: '30s' },
    user({ name: 'u', tasks: [async (vu) => void (await vu.http.get('/a'))] }),
  );
  run.setUsers(0);
  run.setArrivalRate(100);
  await until(() => (run.snapshot().arrivals?.launched ?? 0) >= 20, '20 arrivals');
  const mid = run.snapshot().arrivals;
  assert.ok(mid && mid.rate === 100, `rate ${mid?.rate}`);
  run.setArrivalRate(0);
  const frozen = run.snapshot().arrivals?.launched ?? 0;
  // No event says "nothing launched": the rule is about a stretch of time, in which 100/s would launch ~30.
  await sleep(300);
  assert.equal(run.snapshot().arrivals?.launched, frozen);
  run.stop();
  const summary = await run.done;
  assert.equal(summary.arrivals?.dropped, 0);
  assert.equal(summary.arrivals?.launched, frozen);
});

test('an external signal and stop() both end the run with reports; calls after the end are ignored', async () => {
  const controller = new AbortController();
  const run = startLoadTest(
    resolveRunPlan({ host: server.url, users: 1 }, scenario(looping('u')), {
      signal: controller.signal,
      log: () => {},
    }),
  );
  await until(() => run.snapshot().aggregated.requests > 0, 'the run under way');
  controller.abort();
  const summary = await run.done;
  assert.equal(summary.meta.stopReason, 'signal');
  run.setUsers(3);
  run.stop();
});

test('a user removed mid-task finishes that task (its request counts), then leaves', async () => {
  let finished = 0;
  let inTask = 0;
  const finishedAtStop: number[] = [];
  // The tasks wait for the test to let them go: the removed user is mid-task for as long as the test says.
  let letGo = () => {};
  const gate = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  const busy = user({
    name: 'u',
    onStop: () => void finishedAtStop.push(finished),
    tasks: [
      async (vu) => {
        inTask += 1;
        await gate;
        await vu.http.get('/late');
        finished += 1;
      },
    ],
  });
  const run = start({ users: 2, runTime: '30s' }, busy);
  await until(() => inTask === 2, 'both users in their task');
  run.setUsers(1);
  // Staying is the absence of an event: the user is checked at once and after a stretch of time.
  assert.deepEqual(run.usersByClass(), { u: 2 }, 'still finishing its task');
  await sleep(50);
  assert.deepEqual(run.usersByClass(), { u: 2 }, 'still finishing its task');
  assert.deepEqual(finishedAtStop, [], 'nobody stopped mid-task');
  letGo();
  await until(() => run.snapshot().users === 1, 'the removed user to leave');
  assert.deepEqual(run.usersByClass(), { u: 1 });
  assert.equal(finishedAtStop.length, 1);
  assert.ok(finishedAtStop[0]! >= 1, 'the removed user stopped after its task had finished');
  run.stop();
  const summary = await run.done;
  assert.ok(finished >= 2);
  assert.ok(summary.aggregated.requests >= 2, 'the removed user’s request was counted');
});
