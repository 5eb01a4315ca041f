import type { SampleSink } from '../metrics/sink.ts';
import { parseThreshold } from '../metrics/thresholds.ts';
import type { Reporter } from '../report/reporter.ts';
import type { VolleyOptions } from '../script/options.ts';
import { parseDuration } from './duration.ts';
import { OptionError } from './option-error.ts';
import type { RunLogger, RunPlan } from './run-plan.ts';
import type { LoadedScenario } from './scenario-loader.ts';
import { selectTasks } from './task-picker.ts';

export interface PlanExtras {
  reporters?: readonly Reporter[];
  sampleSinks?: readonly SampleSink[];
  command?: string;
  signal?: AbortSignal;
  log?: RunLogger;
}

/** Checks a host given on the command line or in config: http(s) URL with a host name. */
export function parseHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new OptionError(`--host: invalid URL "${host}"; use e.g. http://127.0.0.1:5000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionError(`--host: only http:// and https:// are supported, got "${host}"`);
  }
  return host.replace(/\/+$/, '');
}

function positiveInt(value: number | undefined, what: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min)
    throw new OptionError(`${what}: expected a whole number ≥ ${min}, got ${value}`);
  return value;
}

/**
 * Turns merged options and a loaded scenario into a validated RunPlan. Every error is an OptionError
 * (or ThresholdSyntaxError) with a one-line message naming the setting.
 */
export function resolveRunPlan(
  options: VolleyOptions,
  scenario: LoadedScenario,
  extras: PlanExtras = {},
): RunPlan {
  const hostless = scenario.userClasses.filter((c) => !c.host);
  if (!options.host && hostless.length > 0) {
    throw new OptionError(
      'no host: pass -H/--host http://127.0.0.1:5000 (or set VOLLEY_HOST, or `host` in options)',
    );
  }
  const host = options.host ? parseHost(options.host) : '';
  for (const cls of scenario.userClasses) if (cls.host) parseHost(cls.host);
  const users = positiveInt(options.users, '--users', 1) ?? 1;
  const spawnRate = options.spawnRate ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(spawnRate) || spawnRate <= 0) {
    throw new OptionError(`--spawn-rate: expected users per second > 0, got ${options.spawnRate}`);
  }
  const iterations = positiveInt(options.iterations, '--iterations', 1) ?? null;
  const runTimeSec = options.runTime !== undefined ? parseDuration(options.runTime, '--run-time') : null;
  if (runTimeSec !== null && runTimeSec <= 0) throw new OptionError('--run-time: must be longer than 0s');
  const tags = options.tags?.length ? options.tags : null;
  const excludeTags = options.excludeTags?.length ? options.excludeTags : null;
  const withTasks = scenario.userClasses.filter((c) => selectTasks(c, tags, excludeTags).length > 0);
  if (withTasks.length === 0) {
    throw new OptionError(
      `no task left after tag selection${tags ? ` -T ${tags.join(',')}` : ''}${excludeTags ? ` -E ${excludeTags.join(',')}` : ''}`,
    );
  }
  const seed = options.seed ?? null;
  if (seed !== null && (!Number.isInteger(seed) || seed < 0))
    throw new OptionError(`--seed: expected a whole number ≥ 0, got ${seed}`);
  const exitCodeOnError = options.exitCodeOnError ?? 1;
  if (!Number.isInteger(exitCodeOnError) || exitCodeOnError < 0 || exitCodeOnError > 255) {
    throw new OptionError(`--exit-code-on-error: expected 0..255, got ${exitCodeOnError}`);
  }
  const timeoutSec = options.timeout !== undefined ? parseDuration(options.timeout, '--timeout') : 60;
  if (timeoutSec <= 0) throw new OptionError('--timeout: must be longer than 0s');
  return {
    scenario: scenario.path,
    userClasses: withTasks,
    host,
    users,
    spawnRate,
    runTimeSec,
    iterations,
    tags,
    excludeTags,
    stopTimeoutSec:
      options.stopTimeout !== undefined ? parseDuration(options.stopTimeout, '--stop-timeout') : 0,
    thresholds: (options.thresholds ?? []).map((t) => parseThreshold(t)),
    seed,
    exitCodeOnError,
    insecure: options.insecure ?? false,
    requestTimeoutMs: timeoutSec * 1000,
    reporters: extras.reporters ?? [],
    command: extras.command ?? '',
    ...(extras.sampleSinks?.length ? { sampleSinks: extras.sampleSinks } : {}),
    ...(extras.signal ? { signal: extras.signal } : {}),
    ...(extras.log ? { log: extras.log } : {}),
  };
}
