import { createHttpClient } from '../http/client.ts';
import { HttpTransport } from '../http/transport.ts';
import { GeneratorCpuMonitor, overloadWarning } from '../metrics/generator-cpu.ts';
import { RunStats } from '../metrics/run-stats.ts';
import type { SampleSink } from '../metrics/sink.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { Reporter } from '../report/reporter.ts';
import { resetUniqueValues } from '../script/unique.ts';
import type { AnyUserClass } from '../script/user.ts';
import { VOLLEY_VERSION } from '../version.ts';
import { ClosedScheduler } from './closed-scheduler.ts';
import { createRandom, deriveSeed } from './rng.ts';
import type { RunLogger, RunPlan } from './run-plan.ts';
import { createTaskPicker, selectTasks, type TaskPicker } from './task-picker.ts';
import { UserDistribution } from './user-distribution.ts';
import { VirtualUserRunner, type VuContext } from './virtual-user.ts';

const defaultLog: RunLogger = (level, message) => {
  process.stderr.write(`${level === 'info' ? '' : `${level}: `}${message}\n`);
};

/** Stops counting samples once the run has ended, so requests cut off at the stop are not recorded. */
class GatedSink implements SampleSink {
  open = true;
  readonly #target: SampleSink;
  constructor(target: SampleSink) {
    this.#target = target;
  }
  request(method: string, name: string, ms: number, bytes: number, error: string | null): void {
    if (this.open) this.#target.request(method, name, ms, bytes, error);
  }
  exception(error: unknown): void {
    if (this.open) this.#target.exception(error);
  }
}

/** Calls one hook on every reporter; a reporter that throws is reported once and dropped from that hook. */
async function notify<K extends 'onStart' | 'onSnapshot' | 'onEnd'>(
  reporters: readonly Reporter[],
  hook: K,
  arg: Parameters<NonNullable<Reporter[K]>>[0],
  log: RunLogger,
  failed: Set<string>,
): Promise<void> {
  for (const r of reporters) {
    const fn = r[hook] as ((a: typeof arg) => unknown) | undefined;
    const key = `${r.name}.${hook}`;
    if (!fn || failed.has(key)) continue;
    try {
      await fn.call(r, arg);
    } catch (error) {
      failed.add(key);
      log('error', `reporter ${r.name} failed in ${hook}: ${(error as Error)?.message ?? error}`);
    }
  }
}

/**
 * Runs a closed-model load test to the end and returns its summary: spawns users, runs them for the
 * run time or their iterations, stops them honouring the stop timeout, then hands the final numbers
 * to every reporter. Never throws for what a scenario does.
 */
export async function runLoadTest(plan: RunPlan): Promise<RunSummary> {
  const log = plan.log ?? defaultLog;
  const stats = new RunStats();
  const sink = new GatedSink(stats);
  const transport = new HttpTransport({ connections: Math.max(1, plan.users), insecure: plan.insecure });
  const stopController = new AbortController();
  const reporterFailures = new Set<string>();
  const seed = plan.seed ?? Math.floor(Math.random() * 2 ** 32);
  resetUniqueValues(plan.seed);

  // biome-ignore lint/suspicious/noExplicitAny: state types vary per class
  const pickers = new Map<AnyUserClass, () => TaskPicker<any>>();
  for (const cls of plan.userClasses) {
    const tasks = selectTasks(cls, plan.tags, plan.excludeTags);
    if (tasks.length > 0) pickers.set(cls, createTaskPicker(tasks, cls.sequential));
  }
  const distribution = new UserDistribution([...pickers.keys()]);
  const ctx: VuContext = { sink, signal: stopController.signal, iterations: plan.iterations, log };
  const running = new Set<Promise<void>>();
  let peakUsers = 0;
  let spawningDone = false;
  let nextId = 1;
  let stopReason = 'run-time';
  let allUsersDone: () => void = () => {};
  const allUsersDonePromise = new Promise<void>((resolve) => {
    allUsersDone = resolve;
  });

  const spawnUser = (): boolean => {
    const cls = distribution.next();
    if (!cls) return false;
    const picker = pickers.get(cls);
    if (!picker) return false;
    const id = nextId++;
    const http = createHttpClient({
      baseUrl: cls.host ?? plan.host,
      transport,
      sink,
      timeoutMs: plan.requestTimeoutMs,
      headers: { ...cls.headers },
    });
    const vu = new VirtualUserRunner(id, cls, picker(), http, createRandom(deriveSeed(seed, id)), ctx);
    const done: Promise<void> = vu.run().finally(() => {
      running.delete(done);
      if (running.size === 0 && spawningDone) allUsersDone();
    });
    running.add(done);
    peakUsers = Math.max(peakUsers, running.size);
    return true;
  };

  const scheduler = new ClosedScheduler(plan.users, plan.spawnRate, spawnUser);
  const startedAt = new Date();
  await notify(
    plan.reporters,
    'onStart',
    {
      scenario: plan.scenario,
      host: plan.host,
      plannedDurationSec: plan.runTimeSec,
      users: plan.users,
      startedAt,
    },
    log,
    reporterFailures,
  );

  const cpuMonitor = new GeneratorCpuMonitor({
    onOverload: (percent) => log('warn', overloadWarning(percent)),
  });
  cpuMonitor.start();
  stats.start();
  scheduler.start();
  void scheduler.done.then(() => {
    spawningDone = true;
    if (running.size === 0) allUsersDone();
  });

  const snapshotTimer = setInterval(() => {
    void notify(plan.reporters, 'onSnapshot', stats.snapshot(running.size), log, reporterFailures);
  }, 1000);

  // Wait for the first of: run time over, every user finished, an external stop.
  let runTimer: NodeJS.Timeout | undefined;
  const endTriggers: Promise<void>[] = [
    allUsersDonePromise.then(() => {
      stopReason = plan.iterations !== null ? 'iterations' : 'all-users-stopped';
    }),
  ];
  if (plan.runTimeSec !== null) {
    const runTimeSec = plan.runTimeSec;
    endTriggers.push(
      new Promise<void>((resolve) => {
        runTimer = setTimeout(resolve, runTimeSec * 1000);
      }).then(() => {
        stopReason = 'run-time';
      }),
    );
  }
  let onExternalStop: (() => void) | undefined;
  if (plan.signal) {
    const external = plan.signal;
    endTriggers.push(
      new Promise<void>((resolve) => {
        onExternalStop = () => resolve();
        if (external.aborted) resolve();
        else external.addEventListener('abort', onExternalStop, { once: true });
      }).then(() => {
        stopReason = 'signal';
      }),
    );
  }
  await Promise.race(endTriggers);
  if (runTimer) clearTimeout(runTimer);
  if (plan.signal && onExternalStop) plan.signal.removeEventListener('abort', onExternalStop);

  // Stop: no new users, wake sleeping users, give busy ones the stop timeout to finish their task.
  scheduler.stop();
  stopController.abort();
  if (running.size > 0 && plan.stopTimeoutSec > 0) {
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...running]),
      new Promise((resolve) => {
        graceTimer = setTimeout(resolve, plan.stopTimeoutSec * 1000);
      }),
    ]);
    clearTimeout(graceTimer);
  }
  sink.open = false;
  clearInterval(snapshotTimer);
  const endedAt = new Date();
  stats.stop();
  const generator = cpuMonitor.stop();
  const summary = stats.summary(
    {
      volleyVersion: VOLLEY_VERSION,
      scenario: plan.scenario,
      host: plan.host,
      command: plan.command,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationSec: (endedAt.getTime() - startedAt.getTime()) / 1000,
      peakUsers,
      seed: plan.seed,
      stopReason,
      generator,
    },
    plan.thresholds,
    { exitCodeOnError: plan.exitCodeOnError },
  );
  await transport.destroy();
  await notify(plan.reporters, 'onEnd', summary, log, reporterFailures);
  return summary;
}
