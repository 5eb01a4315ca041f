import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { SATURATED_BUSY_USERS } from '../../src/engine/backlog-limit.ts';
import {
  LoopSaturation,
  SATURATION_SAMPLE_MS,
  type SaturationSignal,
} from '../../src/engine/loop-saturation.ts';
import { ARRIVAL_PATIENCE_MS, OpenModel } from '../../src/engine/open-model.ts';
import { resolveRunPlan } from '../../src/engine/resolve-plan.ts';
import { runLoadTest, startLoadTest } from '../../src/engine/run.ts';
import type { LoadedScenario } from '../../src/engine/scenario-loader.ts';
import { constant, type UserClass, user } from '../../src/index.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { VolleyOptions } from '../../src/script/options.ts';
import type { AnyUserClass } from '../../src/script/user.ts';
import { type LatencyMode, startLatencyServer } from '../helpers/latency-server.ts';
import { until } from '../helpers/until.ts';
import { testPool } from '../helpers/user-pool.ts';

// biome-ignore lint/suspicious/noExplicitAny: test scenarios of any state type
function scenario(...users: UserClass<any>[]): LoadedScenario {
  return { path: 'inline.ts', userClasses: users, options: {} };
}

const getOnce = user({ name: 'u', tasks: [async (vu) => void (await vu.http.get('/x'))] });

async function withServer<T>(
  mode: LatencyMode,
  body: (url: string, delays: () => Promise<number[]>, serverLagMs: () => Promise<number>) => Promise<T>,
) {
  const server = await startLatencyServer(mode);
  try {
    return await body(
      server.url,
      () => server.delays(),
      () => server.lagMs(),
    );
  } finally {
    await server.close();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above
function run(host: string, options: VolleyOptions, cls: UserClass<any> = getOnce): Promise<RunSummary> {
  return runLoadTest(resolveRunPlan({ host, ...options }, scenario(cls), { log: () => {} }));
}

/** The value at `percentile` of sorted `values` with HDR's rank rule (the smallest covering that share). */
function truthAt(sorted: readonly number[], percentile: number): number {
  if (percentile >= 100) return sorted.at(-1) ?? 0;
  const rank = Math.max(1, Math.ceil((Math.max(0, percentile) / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/**
 * The client's own overhead allowed on top of the truth: a loopback round trip plus twice the longest the
 * client's event loop was held up during the run (an arrival can be launched late and its response handled
 * late), measured, so the bound is tight on a quiet machine and honest on a busy one.
 */
async function measuringOverhead<T>(body: () => Promise<T>): Promise<{ result: T; overheadMs: number }> {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  try {
    const result = await body();
    return { result, overheadMs: 25 + (2 * lag.max) / 1e6 };
  } finally {
    lag.disable();
  }
}

/**
 * Percentiles that fall exactly on a boundary of the mix (p90 and p98 of 90/8/2) may be either neighbour:
 * the truth is taken as the range from half a percentile point below to above.
 */
function assertPercentilesMatch(
  percentiles: Record<string, number>,
  sortedTruth: readonly number[],
  overheadMs: number,
): void {
  for (const [key, reported] of Object.entries(percentiles)) {
    const p = Number(key);
    const low = truthAt(sortedTruth, p - 0.5);
    const high = truthAt(sortedTruth, p + 0.5);
    assert.ok(
      reported >= low * 0.99 && reported <= high * 1.01 + overheadMs,
      `p${key}: reported ${reported} ms, truth ${low === high ? low : `${low}..${high}`} ms (+ ${overheadMs.toFixed(1)} ms overhead)`,
    );
  }
}

test('open model: every percentile of a known delay mix (90% 0 ms, 8% 123 ms, 2% 1234 ms) is the truth', () =>
  withServer(
    { kind: 'mix', pattern: [1234, 123, 123, 123, 123, ...Array<number>(45).fill(0)] },
    async (url, delays, serverLagMs) => {
      const measured = await measuringOverhead(() =>
        run(url, { arrivalRate: 200, runTime: '3s', stopTimeout: '3s' }),
      );
      const summary = measured.result;
      // The server's own lag delays when it sees a request, which its measured hold does not include.
      const overheadMs = measured.overheadMs + (await serverLagMs());
      const arrivals = summary.arrivals;
      assert.ok(arrivals);
      assert.equal(arrivals.dropped, 0);
      const truth = (await delays()).toSorted((a, b) => a - b);
      assert.equal(summary.aggregated.requests, truth.length);
      assertPercentilesMatch(summary.aggregated.percentiles, truth, overheadMs);
      // The uncorrected figures are kept; with free users they tell the same story here.
      assert.equal(arrivals.uncorrected.aggregated.requests, truth.length);
      assertPercentilesMatch(arrivals.uncorrected.aggregated.percentiles, truth, overheadMs);
      assert.equal(arrivals.iteration.requests, arrivals.launched);
      assert.equal(summary.meta.loadModel, 'open');
    },
  ));

test('a server that holds every response for 2 s once: the open model reports it, a closed model hides it', () =>
  withServer({ kind: 'stall', fromMs: 1000, toMs: 3000 }, async (url) => {
    // 100 arrivals/s for 4 s from t=0; those due in [1 s, 3 s) wait until 3 s. Truth from the schedule:
    const truth = Array.from({ length: 400 }, (_, k) => {
      const t = (k / 100) * 1000;
      return t >= 1000 && t < 3000 ? 3000 - t : 0;
    }).sort((a, b) => a - b);
    const { result: open, overheadMs } = await measuringOverhead(() =>
      run(url, { arrivalRate: 100, runTime: '4s', stopTimeout: '3s' }),
    );
    const p90 = open.aggregated.percentiles['90'] ?? 0;
    const expected = truthAt(truth, 90); // 1600 ms
    assert.ok(
      Math.abs(p90 - expected) <= expected * 0.1 + overheadMs,
      `open p90 ${p90} ms, truth ${expected} ms (+ ${overheadMs.toFixed(1)} ms overhead)`,
    );
  }).then(() =>
    withServer({ kind: 'stall', fromMs: 1000, toMs: 3000 }, async (url) => {
      const { result: closed, overheadMs } = await measuringOverhead(() =>
        run(url, { users: 2, runTime: '4s', stopTimeout: '3s' }),
      );
      const p90 = closed.aggregated.percentiles['90'] ?? 0;
      assert.ok(
        p90 < Math.min(400, 50 + overheadMs),
        `closed p90 ${p90} ms: the stall is hidden, only 2 requests waited (truth 1600 ms)`,
      );
      assert.ok(closed.aggregated.maxMs > 1500, 'yet its max saw the stall');
    }),
  ));

test('arrivals that find no free user under --max-users are dropped and counted', () =>
  withServer({ kind: 'mix', pattern: [500] }, async (url) => {
    const summary = await run(url, { arrivalRate: 100, maxUsers: 5, runTime: '1s', stopTimeout: '1s' });
    const a = summary.arrivals;
    assert.ok(a);
    assert.equal(a.scheduled, 100, 'arrivals at 0, 10 … 990 ms');
    assert.equal(a.launched + a.dropped, a.scheduled);
    // 5 users held 500 ms each: 10 to 15 arrivals can run in 1 s (fewer if the machine is slow).
    assert.ok(a.launched >= 5 && a.launched <= 20, `launched ${a.launched}`);
    assert.ok(a.dropped >= 75, `dropped ${a.dropped}`);
    assert.ok(summary.meta.peakUsers <= 5);
  }));

test('schedule accuracy: the achieved arrival rate is the target within 1%', () =>
  withServer({ kind: 'mix', pattern: [0] }, async (url) => {
    const summary = await run(url, { arrivalRate: '18000/m', runTime: '2s', stopTimeout: '1s' });
    const a = summary.arrivals;
    assert.ok(a);
    // 300/s for 2 s: arrivals at 0, 1/300 s, … up to the planned end → 600, however late or early the stop.
    assert.equal(a.scheduled, 600);
    assert.equal(a.dropped, 0);
    assert.equal(a.launched, a.scheduled);
    assert.ok(
      Math.abs(a.achievedRate - a.targetRate) <= a.targetRate * 0.01,
      `${a.achievedRate} vs ${a.targetRate}`,
    );
    assert.ok(Math.abs(a.targetRate - 300) <= 3, `target ${a.targetRate}`);
  }));

test('ramping arrival-rate stages: the arrival count follows the ramp', () =>
  withServer({ kind: 'mix', pattern: [0] }, async (url) => {
    // 0 → 200/s over 1 s (100 arrivals), then 200/s for 1 s (200): 300, the run ends with the stages.
    const summary = await run(url, { stages: '1s:200/s,1s:200/s', stopTimeout: '1s' });
    const a = summary.arrivals;
    assert.ok(a);
    assert.equal(summary.meta.stopReason, 'stages');
    assert.equal(a.scheduled, 300);
    assert.equal(a.launched, a.scheduled);
  }));

test('user stages ramp exactly and ramp down gracefully', () =>
  withServer({ kind: 'mix', pattern: [0] }, async (url) => {
    const starts: number[] = [];
    const stops: number[] = [];
    const t0 = performance.now();
    const cls = user({
      name: 'u',
      wait: constant(0.02),
      onStart: () => void starts.push(performance.now() - t0),
      onStop: () => void stops.push(performance.now() - t0),
      tasks: [async (vu) => void (await vu.http.get('/x'))],
    });
    const { result: summary, overheadMs } = await measuringOverhead(() =>
      run(url, { stages: '0.5s:5,0.5s:5,0.5s:0', stopTimeout: '1s' }, cls),
    );
    assert.equal(summary.meta.stopReason, 'stages');
    assert.equal(summary.meta.peakUsers, 5);
    assert.equal(starts.length, 5);
    // Ramp 0 → 5 over 0.5 s: user k at k × 100 ms, the last exactly at the stage's end.
    const first = starts[0] ?? 0;
    starts.forEach((at, i) => {
      assert.ok(
        Math.abs(at - first - i * 100) < 20 + overheadMs,
        `user ${i + 1} at +${(at - first).toFixed(1)} ms (overhead ${overheadMs.toFixed(1)} ms)`,
      );
    });
    // Ramp 5 → 0 from 1 s: a user leaves every 100 ms, finishing its task and running onStop.
    assert.equal(stops.length, 5);
    const sorted = stops.toSorted((a, b) => a - b);
    assert.ok(Math.abs((sorted[0] ?? 0) - first - 1000) < 50 + overheadMs, `first retired at +${sorted[0]}`);
  }));

test('a shape is ticked each second: users, then a rate, then null ends the run', async () => {
  await withServer({ kind: 'mix', pattern: [0] }, async (url) => {
    const seen: number[] = [];
    const shape = (t: number) => {
      seen.push(t);
      if (t < 1) return { users: 3 };
      if (t < 2) return { users: 0 };
      if (t < 3) return { rate: 100 };
      return null;
    };
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const runHandle = startLoadTest(
      resolveRunPlan(
        { host: url, shape, stopTimeout: '1s' },
        scenario(
          user({ name: 'u', wait: constant(0.05), tasks: [async (vu) => void (await vu.http.get('/x'))] }),
        ),
        { log: () => {} },
      ),
    );
    // The tick at 0 s starts 3 users (waited for, not slept on: a guessed sleep on a busy machine can
    // outlast the tick at 1 s that takes them away again).
    await until(() => runHandle.usersByClass().u === 3, '3 users');
    assert.deepEqual(runHandle.usersByClass(), { u: 3 });
    const summary = await runHandle.done;
    lag.disable();
    assert.equal(summary.meta.stopReason, 'shape');
    assert.deepEqual(
      seen.map((t) => Math.round(t)),
      [0, 1, 2, 3],
    );
    const a = summary.arrivals;
    // 100/s from the tick at 2 s to the tick at 3 s, both taken at their planned times; arrivals due
    // after 3 s can still start while the 3 s tick is late (0.1 per ms of lag).
    const slack = 2 + (0.1 * lag.max) / 1e6;
    assert.ok(a && Math.abs(a.launched - 100) <= slack, `launched ${a?.launched}, slack ${slack}`);
  });
});

test('capacity search finds a known capacity within 10%', async () => {
  // A busy machine can make the client itself send in bursts; then the search is run a second time.
  for (let attempt = 1; ; attempt++) {
    try {
      await capacitySearchAttempt();
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
});

const capacitySearchAttempt = () =>
  // Serves 100 requests/s (over 2 s windows); beyond that it melts down: every response takes 1.5 s.
  // Steps 75, 90, 105/s: 90 is sustained, 105 breaks.
  withServer({ kind: 'capacity', rate: 100, slowMs: 1500 }, async (url) => {
    const summary = await run(url, {
      findCapacity: true,
      capacityStart: 75,
      capacityStep: 15,
      capacityStepTime: '2s',
      capacityMax: 400,
      thresholds: ['p95<750'],
      stopTimeout: '1s',
    });
    const c = summary.capacity;
    assert.ok(c, 'capacity result');
    assert.equal(summary.meta.stopReason, 'capacity');
    assert.ok(c.sustainableRate !== null, JSON.stringify(c.steps));
    assert.ok(
      Math.abs(c.sustainableRate - 100) <= 10,
      `sustainable ${c.sustainableRate}: ${JSON.stringify(c.steps)}`,
    );
    assert.equal(c.breakingRate, (c.sustainableRate ?? 0) + 15);
    assert.equal(c.steps.at(-1)?.passed, false);
    assert.ok(c.sustainable && c.sustainable.aggregated.requests > 0);
    assert.equal(summary.exitCode, 0);
    for (const step of c.steps.filter((s) => s.passed)) {
      assert.ok(Math.abs(step.achievedRate - step.rate) <= step.rate * 0.02, JSON.stringify(step));
    }
  });

test('the correction: time an arrival waits before its first request counts, the uncorrected figure omits it', () =>
  withServer({ kind: 'mix', pattern: [0] }, async (url) => {
    // Each new user's onStart takes 300 ms before it can serve its first arrival.
    const slowStart = user({
      name: 'u',
      onStart: () => new Promise((r) => setTimeout(r, 300)),
      tasks: [async (vu) => void (await vu.http.get('/x'))],
    });
    const { result: summary, overheadMs } = await measuringOverhead(() =>
      run(url, { arrivalRate: 20, runTime: '1s', stopTimeout: '1s' }, slowStart),
    );
    const a = summary.arrivals;
    assert.ok(a);
    const corrected = summary.aggregated;
    const uncorrected = a.uncorrected.aggregated;
    assert.equal(corrected.requests, uncorrected.requests);
    assert.ok(corrected.maxMs >= 300, `corrected max ${corrected.maxMs}`);
    assert.ok(a.iteration.maxMs >= 300);
    // Every user created (at least the peak) made its first arrival wait 300 ms: all of it is in the
    // corrected total and none of it in the uncorrected one.
    const extraMs = (corrected.avgMs - uncorrected.avgMs) * corrected.requests;
    assert.ok(
      extraMs >= 0.95 * 300 * summary.meta.peakUsers,
      `extra ${extraMs} ms, ${summary.meta.peakUsers} users`,
    );
    // Never skipped: on a busy machine the bound grows by the event-loop delay measured during the run.
    assert.ok(
      uncorrected.maxMs < 300 + overheadMs,
      `uncorrected max ${uncorrected.maxMs} ms (bound 300 ms + ${overheadMs.toFixed(1)} ms measured overhead)`,
    );
  }));

/** An OpenModel on a test pool; its users run `task` once per arrival. */
function openModel(options: {
  rate: number;
  maxUsers: number;
  task: () => Promise<void>;
  loop?: SaturationSignal;
  backlogWaitMs?: number;
  patienceMs?: number;
}) {
  const cls = user({ name: 'arrival', tasks: [async () => options.task()] });
  const t = testPool([cls as AnyUserClass]);
  const model = new OpenModel({
    pool: t.pool,
    sinks: t.sinks,
    seed: 3,
    maxUsers: options.maxUsers,
    ramps: [{ durationSec: 0, rate: options.rate }],
    delaySec: 0,
    ...(options.loop ? { loop: options.loop } : {}),
    ...(options.backlogWaitMs === undefined ? {} : { backlogWaitMs: options.backlogWaitMs }),
    ...(options.patienceMs === undefined ? {} : { patienceMs: options.patienceMs }),
  });
  return { model, t };
}

/**
 * A saturation signal that reads as `saturated` until the test sets it otherwise; saturated, each sample
 * is now, and it was last saturated when the test cleared it.
 */
function fixedLoop(saturated: boolean): SaturationSignal & { saturated: boolean } {
  let now = saturated;
  let lastMs = Number.NEGATIVE_INFINITY;
  return {
    get saturated() {
      return now;
    },
    set saturated(value: boolean) {
      if (now && !value) lastMs = performance.now();
      now = value;
    },
    get lastSaturatedMs() {
      return now ? performance.now() : lastMs;
    },
    start() {},
    stop() {},
  };
}

/** A promise tasks wait on until the test releases it. */
function gate(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { held, release };
}

/** Stops the model, lets held tasks end, and waits for every user to leave. */
async function shutDown(
  model: OpenModel,
  t: ReturnType<typeof testPool>,
  release: () => void,
): Promise<void> {
  model.stop();
  release();
  await until(() => t.pool.size === 0, 'users to leave');
  await t.close();
}

/**
 * An open model on a volley that reads as saturated (until the test sets `loop.saturated`), its tasks
 * held until `release()`.
 */
function saturatedModel(options: { rate: number; maxUsers: number; backlogWaitMs: number }) {
  const loop = fixedLoop(true);
  const { held, release } = gate();
  return { loop, release, ...openModel({ ...options, task: () => held, loop }) };
}

test('the open model runs one task per arrival on users made as needed and kept idle between arrivals', async () => {
  let tasks = 0;
  const { model, t } = openModel({ rate: 100, maxUsers: 50, task: async () => void tasks++ });
  const startMs = performance.now();
  model.start(startMs);
  await until(() => (model.snapshotPart().arrivals?.launched ?? 0) >= 20, '20 arrivals');
  model.stop();
  const stopMs = performance.now();
  await until(() => t.pool.size === 0, 'idle users to leave at the stop');
  const { arrivals } = model.summaryPart(stopMs);
  assert.ok(arrivals);
  assert.equal(arrivals.launched, tasks, 'each launched arrival ran one task');
  assert.equal(arrivals.dropped, 0);
  assert.equal(arrivals.scheduled, arrivals.launched);
  assert.ok(
    t.pool.peak < arrivals.launched,
    `users are reused: ${t.pool.peak} users for ${arrivals.launched} arrivals`,
  );
  assert.equal(arrivals.iteration.requests, arrivals.launched, 'one iteration sample per arrival');
  await t.close();
});

test('under maxUsers, an arrival that finds no free user within the patience is dropped and counted', async () => {
  const { held, release } = gate();
  const { model, t } = openModel({ rate: 200, maxUsers: 2, task: () => held });
  try {
    const startMs = performance.now();
    model.start(startMs);
    await until(() => (model.snapshotPart().arrivals?.dropped ?? 0) >= 5, 'arrivals to be dropped');
    assert.ok(
      performance.now() - startMs >= ARRIVAL_PATIENCE_MS,
      'no arrival is dropped before it waited the patience',
    );
    assert.equal(model.activeUsers, 2, 'never more users than the cap');
    const live = model.snapshotPart().arrivals;
    assert.ok(live);
    // The others wait for a user.
    assert.ok(live.scheduled > live.launched + live.dropped);
    assert.equal(live.launched, 2);
    model.stop();
    release();
    await until(() => t.pool.size === 0, 'users to leave');
    const { arrivals } = model.summaryPart(performance.now());
    assert.equal(
      arrivals?.scheduled,
      (arrivals?.launched ?? 0) + (arrivals?.dropped ?? 0),
      'each arrival launched or dropped in the end',
    );
    assert.equal(arrivals?.droppedSaturated, 0, "at the cap, a drop is never volley's own");
  } finally {
    await shutDown(model, t, release);
  }
});

test('an arrival that finds every user under the cap busy waits for the first to finish', async () => {
  const { held, release } = gate();
  let tasks = 0;
  // The first task holds its user until released; the others end at once.
  const { model, t } = openModel({
    rate: 200,
    maxUsers: 1,
    task: () => (tasks++ === 0 ? held : Promise.resolve()),
  });
  try {
    model.start(performance.now());
    await until(() => (model.snapshotPart().arrivals?.scheduled ?? 0) >= 10, '10 arrivals due');
    const waiting = model.snapshotPart().arrivals;
    assert.equal(waiting?.launched, 1);
    assert.equal(waiting?.dropped, 0);
    release();
    await until(() => (model.snapshotPart().arrivals?.launched ?? 0) >= 12, 'the waiting arrivals to run');
    model.stop();
    const { arrivals } = model.summaryPart(performance.now());
    assert.equal(arrivals?.dropped, 0);
    assert.equal(arrivals?.launched, tasks);
    assert.equal(t.pool.peak, 1);
  } finally {
    await shutDown(model, t, release);
  }
});

test('while volley itself is saturated, an arrival that finds its users busy waits for one instead of making a user', async () => {
  const { model, t, release } = saturatedModel({ rate: 200, maxUsers: 50, backlogWaitMs: 60_000 });
  try {
    model.start(performance.now());
    await until(() => (model.snapshotPart().arrivals?.scheduled ?? 0) >= 10, '10 arrivals due');
    // The first arrival had no user to wait for: it made one. The others wait for it.
    assert.equal(model.activeUsers, 1);
    assert.equal(model.snapshotPart().arrivals?.launched, 1);
    assert.equal(model.snapshotPart().arrivals?.dropped, 0);
  } finally {
    await shutDown(model, t, release);
  }
});

test('an arrival launched late, volley behind its schedule, waits for a busy user of its class instead of making one', async () => {
  const { held, release } = gate();
  // The loop never reads as saturated: only the arrivals' lateness tells that volley is behind. No wait
  // ends in a user here (no growth, no patience): what a slow machine does before the pause changes
  // nothing after it.
  const loop = fixedLoop(false);
  const { model, t } = openModel({
    rate: 200,
    maxUsers: 500,
    task: () => held,
    loop,
    backlogWaitMs: 60_000,
    patienceMs: 60_000,
  });
  try {
    model.start(performance.now());
    // The first arrival makes a user (held); on time, the next ones make more.
    await until(() => model.activeUsers >= 1, 'a user');
    const usersBefore = model.activeUsers;
    const scheduledBefore = model.snapshotPart().arrivals?.scheduled ?? 0;
    // A pause: about 20 arrivals fall due and are launched late, after it.
    const busyUntil = performance.now() + 100;
    while (performance.now() < busyUntil) {}
    await until(
      () => (model.snapshotPart().arrivals?.scheduled ?? 0) >= scheduledBefore + 15,
      'the arrivals due in the pause',
    );
    assert.equal(model.activeUsers, usersBefore, 'no user made for a late arrival');
    assert.equal(model.snapshotPart().arrivals?.dropped, 0);
  } finally {
    await shutDown(model, t, release);
  }
});

test("with time to spare, users for waiting arrivals catch up with what Little's law asks within a few windows", async () => {
  const loop = fixedLoop(true);
  // Tasks of 100 ms at 1,000/s: 100 users busy at once.
  const { model, t } = openModel({
    rate: 1000,
    maxUsers: 1000,
    task: () => new Promise((resolve) => setTimeout(resolve, 100)),
    loop,
  });
  try {
    model.start(performance.now());
    await until(() => (model.snapshotPart().arrivals?.scheduled ?? 0) >= 100, 'a backlog');
    assert.ok(model.activeUsers <= SATURATED_BUSY_USERS, 'saturated: few users');
    loop.saturated = false;
    const fromMs = performance.now();
    await until(() => model.activeUsers >= 100, '100 users');
    // An eighth more per window would take ten windows from 32.
    const tookMs = performance.now() - fromMs;
    assert.ok(tookMs < 4 * SATURATION_SAMPLE_MS, `100 users after ${Math.round(tookMs)} ms`);
    assert.ok(model.activeUsers <= 200, `${model.activeUsers} users, not one per arrival`);
    assert.equal(model.snapshotPart().arrivals?.dropped, 0);
  } finally {
    await shutDown(model, t, () => {});
  }
});

test(`on a saturated volley, users are added for waiting arrivals only up to ${SATURATED_BUSY_USERS}, and an arrival that waited the patience is dropped as volley's own`, async () => {
  const { model, t, release } = saturatedModel({ rate: 1000, maxUsers: 500, backlogWaitMs: 0 });
  try {
    const startMs = performance.now();
    model.start(startMs);
    await until(
      () => model.activeUsers >= SATURATED_BUSY_USERS && (model.snapshotPart().arrivals?.dropped ?? 0) > 0,
      `${SATURATED_BUSY_USERS} users and a dropped arrival`,
    );
    assert.ok(
      performance.now() - startMs >= ARRIVAL_PATIENCE_MS,
      'no arrival is dropped before the patience',
    );
    await new Promise((resolve) => setTimeout(resolve, 3 * SATURATION_SAMPLE_MS));
    assert.equal(model.activeUsers, SATURATED_BUSY_USERS, 'no more users while saturated');
    model.stop();
    release();
    await until(() => t.pool.size === 0, 'users to leave');
    const { arrivals } = model.summaryPart(performance.now());
    assert.ok(arrivals);
    // Those still waiting at the stop, volley saturated then, are dropped as volley's own too.
    assert.ok(arrivals.dropped > 0);
    assert.equal(arrivals.droppedSaturated, arrivals.dropped);
    assert.equal(arrivals.scheduled, arrivals.launched + arrivals.dropped);
  } finally {
    await shutDown(model, t, release);
  }
});

test('below the cap, on a volley with time to spare all along, an arrival that waited the patience gets a user, not a drop, though no launch ended its wait', async () => {
  // The loop never reads as saturated: the arrivals wait only because a pause launched them late. Each
  // task takes 300 ms: the one user works through them one by one, and no growth adds users.
  const { model, t } = openModel({
    rate: 100,
    maxUsers: 500,
    task: () => new Promise((resolve) => setTimeout(resolve, 300)),
    loop: fixedLoop(false),
    backlogWaitMs: 60_000,
  });
  try {
    model.start(performance.now());
    await until(() => model.activeUsers >= 1, 'a user');
    const busyUntil = performance.now() + 100;
    while (performance.now() < busyUntil) {}
    await until(() => (model.snapshotPart().arrivals?.scheduled ?? 0) >= 20, '20 arrivals due');
    // No more arrivals, so no launch ends a wait: the waits end as the user finishes tasks.
    model.retarget(0);
    await until(() => {
      const a = model.snapshotPart().arrivals;
      return a !== undefined && a.launched + a.dropped === a.scheduled;
    }, 'every waiting arrival to be launched or dropped');
    const a = model.snapshotPart().arrivals;
    assert.equal(a?.dropped, 0, 'none dropped below the cap');
    assert.ok(model.activeUsers > 1, 'the arrivals that waited the patience got users of their own');
  } finally {
    await shutDown(model, t, () => {});
  }
});

test("an arrival that waited while volley was saturated is dropped at the patience as volley's own, though the last sample had time to spare", async () => {
  const patienceMs = 400;
  const loop = fixedLoop(true);
  const { held, release } = gate();
  const drops: { intendedMs: number; saturated: boolean }[] = [];
  const { model, t } = openModel({
    rate: 200,
    maxUsers: 500,
    task: () => held,
    loop,
    backlogWaitMs: 60_000,
    patienceMs,
  });
  model.observe({
    stepFor: () => null,
    launched() {},
    arrivalDone() {},
    dropped: (intendedMs, saturated) => void drops.push({ intendedMs, saturated }),
  });
  try {
    model.start(performance.now());
    // 40 waiting: the 8th is dropped some 160 ms before the first that came after the flicker could be.
    await until(() => (model.snapshotPart().arrivals?.scheduled ?? 0) >= 40, '40 arrivals waiting');
    // One sample with time to spare: the arrivals that waited before it waited on volley.
    loop.saturated = false;
    const clearedMs = performance.now();
    await until(() => drops.length >= 8, 'the waits from before to end');
    assert.ok(
      drops.every((d) => d.saturated && d.intendedMs <= clearedMs),
      JSON.stringify(drops),
    );
    assert.equal(model.activeUsers, 1, 'no user made for an arrival that waited on volley');
  } finally {
    await shutDown(model, t, release);
  }
});

test(`while volley is saturated, at most ${SATURATED_BUSY_USERS} users work off waiting arrivals and the others stay idle; with time to spare again, all of them work`, async () => {
  const loop = fixedLoop(false);
  const first = gate();
  const later = gate();
  let tasks = 0;
  // Tasks after the first 100: how many run at once, and the most that did.
  let running = 0;
  let peak = 0;
  // The first 100 arrivals are held, each on a user of its own, until `first` is released; later tasks
  // until `later` is: the quickest task is then no sign of a slow target.
  const { model, t } = openModel({
    rate: 1000,
    maxUsers: 500,
    loop,
    patienceMs: 60_000,
    task: async () => {
      if (tasks++ < 100) return first.held;
      running++;
      peak = Math.max(peak, running);
      await later.held;
      running--;
    },
  });
  const releaseAll = () => {
    first.release();
    later.release();
  };
  try {
    model.start(performance.now());
    await until(() => model.activeUsers >= 100, '100 users');
    loop.saturated = true;
    const users = model.activeUsers;
    await until(() => (model.snapshotPart().arrivals?.scheduled ?? 0) >= users + 50, 'a backlog');
    first.release();
    await until(() => running >= SATURATED_BUSY_USERS, `${SATURATED_BUSY_USERS} tasks running`);
    await new Promise((resolve) => setTimeout(resolve, 3 * SATURATION_SAMPLE_MS));
    assert.equal(peak, SATURATED_BUSY_USERS, 'tasks at once while saturated');
    assert.equal(model.activeUsers, users, 'the others are kept, idle');
    loop.saturated = false;
    await until(() => running > 60, 'the idle users to take waiting arrivals');
    assert.equal(model.snapshotPart().arrivals?.dropped, 0);
  } finally {
    await shutDown(model, t, releaseAll);
  }
});

test('the event loop counts as saturated after a sample it was busy through, and not after one it waited in', async () => {
  const loop = new LoopSaturation();
  loop.sample();
  const busyUntil = performance.now() + 60;
  while (performance.now() < busyUntil) {}
  loop.sample();
  assert.equal(loop.saturated, true);
  const saturatedAtMs = loop.lastSaturatedMs;
  assert.ok(saturatedAtMs >= busyUntil && saturatedAtMs <= performance.now());
  await new Promise((resolve) => setTimeout(resolve, 60));
  loop.sample();
  assert.equal(loop.saturated, false);
  assert.equal(loop.lastSaturatedMs, saturatedAtMs, 'when it was last saturated stays');
});

test('a busy start counts as saturated after its first 10 ms, not only after the first 50 ms sample', async () => {
  const loop = new LoopSaturation();
  loop.start();
  try {
    const busyUntil = performance.now() + 20;
    while (performance.now() < busyUntil) {}
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(loop.saturated, true);
  } finally {
    loop.stop();
  }
});

test('arrivals due during a pause of the generator wait for the users that finish meanwhile: none dropped', async () => {
  // Each task ends on the next turn of the event loop, as a response read then would end it.
  const { model, t } = openModel({
    rate: 1000,
    maxUsers: 5,
    task: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  try {
    model.start(performance.now());
    await until(() => (model.snapshotPart().arrivals?.launched ?? 0) >= 50, 'the model to be going');
    // Busy for 150 ms: ~150 arrivals fall due at once, with 5 users.
    const busyUntil = performance.now() + 150;
    while (performance.now() < busyUntil) {}
    await until(() => (model.snapshotPart().arrivals?.launched ?? 0) >= 250, '250 arrivals launched');
    model.stop();
    await until(() => t.pool.size === 0, 'users to leave');
    const { arrivals } = model.summaryPart(performance.now());
    assert.ok(arrivals);
    assert.equal(arrivals.launched + arrivals.dropped, arrivals.scheduled);
    assert.ok(t.pool.peak <= 5);
    // Beyond the 150 ms block, a machine that held this process up for most of the patience drops
    // honestly: then the test cannot judge, and its failure says so rather than passing unchecked.
    const heldUpMs = lag.max / 1e6 - 150;
    const busy =
      heldUpMs < ARRIVAL_PATIENCE_MS / 2
        ? ''
        : `; cannot judge: the machine held this process up ${Math.round(heldUpMs)} ms beyond the block, over half the ${ARRIVAL_PATIENCE_MS} ms patience`;
    assert.equal(arrivals.dropped, 0, `dropped ${arrivals.dropped} of ${arrivals.scheduled}${busy}`);
  } finally {
    lag.disable();
    model.stop();
    await until(() => t.pool.size === 0, 'users to leave');
    await t.close();
  }
});

test('retarget changes the rate from the given moment; an observer sees every arrival launch and finish', async () => {
  const seen = { launched: 0, done: 0, dropped: 0 };
  const stats = new RunStats();
  const { model, t } = openModel({ rate: 0, maxUsers: 10, task: async () => {} });
  model.observe({
    stepFor: () => ({ stats }),
    launched: () => void seen.launched++,
    arrivalDone: () => void seen.done++,
    dropped: () => void seen.dropped++,
  });
  const startMs = performance.now();
  model.start(startMs);
  assert.equal(model.snapshotPart().arrivals?.rate, 0);
  model.retarget(50, { atMs: startMs });
  assert.equal(model.snapshotPart().arrivals?.rate, 50);
  await until(() => seen.done >= 5, 'five arrivals to finish');
  model.retarget(0);
  model.stop();
  await until(() => t.pool.size === 0, 'users to leave');
  assert.equal(seen.launched, seen.done);
  assert.equal(seen.launched, model.summaryPart(performance.now()).arrivals?.launched);
  stats.dispose();
  await t.close();
});
