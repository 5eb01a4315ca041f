import { applyProfile } from '../engine/load-profiles.ts';
import { resolveRunPlan } from '../engine/resolve-plan.ts';
import { startLoadTest } from '../engine/run.ts';
import { plannedDurationSec } from '../engine/run-meta.ts';
import type { RunPlan } from '../engine/run-plan.ts';
import type { LoadedScenario } from '../engine/scenario-loader.ts';
import type { SampleSink } from '../metrics/sink.ts';
import type { Reporter } from '../report/reporter.ts';
import type { VolleyOptions } from '../script/options.ts';
import type { LiveRun, RunLauncher, RunParams } from './live-run.ts';

/** A started run's handles: the engine's own, or a distributed run's (which adds its workers). */
export type StartedRun = Pick<
  LiveRun,
  'done' | 'setUsers' | 'setArrivalRate' | 'stop' | 'resetStats' | 'usersByClass' | 'workers'
>;

export interface EngineLauncherOptions {
  /** Settings from config, scenario, environment and flags; the Start form overrides some of them. */
  options: VolleyOptions;
  scenario: LoadedScenario;
  /** The reporters of one run (console, CSV, JSON files…): made per run, file names depend on the form. */
  reporters: (options: VolleyOptions) => Reporter[];
  /** The command line, for reports. */
  command: string;
  /** Extra per-request observers of every run (the Prometheus exporter). */
  sampleSinks?: readonly SampleSink[];
  /** Starts the resolved plan; default: in this process. The CLI passes one for --processes/--master. */
  start?: (plan: RunPlan, options: VolleyOptions) => StartedRun;
}

/** The settings of one run: the command line's, with the Start form's fields on top. */
export function optionsForRun(base: VolleyOptions, params: RunParams): VolleyOptions {
  return {
    ...base,
    users: params.users,
    spawnRate: params.spawnRate ?? undefined,
    host: params.host || undefined,
    runTime: params.runTime ?? undefined,
    tags: params.tags.length > 0 ? params.tags : undefined,
  };
}

/** The Start form's first values: what the command line, config and scenario say. */
export function defaultRunParams(options: VolleyOptions): RunParams {
  const runTime = options.runTime;
  return {
    // The form's users always reach the run, so they start as the profile's plateau (--profile load: 20).
    users: options.users ?? profileUsers(options),
    spawnRate: options.spawnRate ?? null,
    host: options.host ?? '',
    runTime: runTime === undefined ? null : typeof runTime === 'number' ? `${runTime}s` : runTime,
    tags: options.tags ?? [],
  };
}

function profileUsers(options: VolleyOptions): number {
  try {
    return applyProfile(options).users ?? 1;
  } catch {
    return 1; // an unknown --profile is reported by resolveRunPlan, with its one-line message
  }
}

/** Starts real runs with the engine for the web UI. */
export function createEngineLauncher(launcher: EngineLauncherOptions): RunLauncher {
  return (params, hooks) => {
    const options = optionsForRun(launcher.options, params);
    const feed: Reporter = { name: 'web-ui', onSnapshot: (snapshot) => hooks.onSnapshot(snapshot) };
    const plan = resolveRunPlan(options, launcher.scenario, {
      reporters: [...launcher.reporters(options), feed],
      command: launcher.command,
      log: hooks.log,
      ...(launcher.sampleSinks?.length ? { sampleSinks: launcher.sampleSinks } : {}),
    });
    const run: StartedRun = launcher.start ? launcher.start(plan, options) : startLoadTest(plan);
    const workers = run.workers?.bind(run);
    const live: LiveRun = {
      done: run.done,
      loadModel: plan.loadModel,
      // A rate that stages, a shape or a capacity search moves has no one value to show.
      arrivalRate: plan.stages || plan.shape || plan.capacity ? null : plan.arrivalRate,
      plannedDurationSec: plannedDurationSec(plan),
      setUsers: (users, spawnRate) => run.setUsers(users, spawnRate),
      setArrivalRate: (rate) => run.setArrivalRate(rate),
      stop: () => run.stop(),
      resetStats: () => run.resetStats(),
      usersByClass: () => run.usersByClass(),
      ...(workers ? { workers } : {}),
    };
    return live;
  };
}
