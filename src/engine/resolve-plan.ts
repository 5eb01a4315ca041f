import { readFileSync } from 'node:fs';
import { proxySettings } from '../http/proxy.ts';
import type { RunLogger } from '../log.ts';
import type { SampleSink } from '../metrics/sink.ts';
import { parseThreshold } from '../metrics/thresholds.ts';
import type { Reporter } from '../report/reporter.ts';
import type { VolleyOptions } from '../script/options.ts';
import { parseDuration } from './duration.ts';
import { applyProfile } from './load-profiles.ts';
import { parseRate, parseStages } from './load-stages.ts';
import { OptionError } from './option-error.ts';
import type { CapacitySearchPlan, RunPlan, TlsFiles } from './run-plan.ts';
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

/** Reads --ca, --cert and --key; a file that cannot be read, or a certificate without its key, is a usage error. */
export function readTlsFiles(options: Pick<VolleyOptions, 'ca' | 'cert' | 'key'>): TlsFiles {
  const read = (flag: string, path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new OptionError(`--${flag}: cannot read "${path}" (${code})`);
    }
  };
  const files: TlsFiles = {};
  if (options.ca !== undefined) files.ca = read('ca', options.ca);
  if (options.key !== undefined && options.cert === undefined) {
    throw new OptionError('--key: give the certificate it belongs to with --cert');
  }
  if (options.cert !== undefined) {
    files.cert = read('cert', options.cert);
    if (options.key !== undefined) files.key = read('key', options.key);
    else if (files.cert.includes('PRIVATE KEY-----')) files.key = files.cert;
    else throw new OptionError(`--cert: "${options.cert}" holds no private key; give it with --key FILE`);
  }
  return files;
}

/** --proxy, checked now so that a bad URL is a usage error before anything starts. */
function checkedProxy(proxy: string | undefined): string | null {
  if (proxy === undefined) return null;
  proxySettings(proxy, {});
  return proxy;
}

function positiveInt(value: number | undefined, what: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min)
    throw new OptionError(`${what}: expected a whole number ≥ ${min}, got ${value}`);
  return value;
}

/** Default --max-users: generous, but a runaway target cannot make the client start users without end. */
export const DEFAULT_MAX_USERS = 5000;

/** Capacity search defaults when the breakpoint profile or --find-capacity gives no thresholds. */
export const DEFAULT_CAPACITY_THRESHOLDS = ['p95<500', 'fail_ratio<0.01'];

/**
 * Turns merged options and a loaded scenario into a validated RunPlan. Every error is an OptionError
 * (or ThresholdSyntaxError) with a one-line message naming the setting.
 */
export function resolveRunPlan(
  rawOptions: VolleyOptions,
  scenario: LoadedScenario,
  extras: PlanExtras = {},
): RunPlan {
  const options = applyProfile(rawOptions);
  const hostless = scenario.userClasses.filter((c) => !c.host);
  if (!options.host && hostless.length > 0) {
    throw new OptionError(
      'no host: pass -H/--host http://127.0.0.1:5000 (or set VOLLEY_HOST, or `host` in options)',
    );
  }
  const host = options.host ? parseHost(options.host) : '';
  for (const cls of scenario.userClasses) if (cls.host) parseHost(cls.host);
  // 0 is allowed: a run steered through startLoadTest() may start idle and add users later.
  const users = positiveInt(options.users, '--users', 0) ?? 1;
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
  const load = resolveLoadModel(options);
  const timeoutSec = options.timeout !== undefined ? parseDuration(options.timeout, '--timeout') : 60;
  if (timeoutSec <= 0) throw new OptionError('--timeout: must be longer than 0s');
  return {
    scenario: scenario.path,
    userClasses: withTasks,
    host,
    loadModel: load.loadModel,
    users: load.loadModel === 'open' ? 0 : users,
    spawnRate,
    runTimeSec,
    iterations,
    tags,
    excludeTags,
    stopTimeoutSec:
      options.stopTimeout !== undefined ? parseDuration(options.stopTimeout, '--stop-timeout') : 0,
    thresholds: (options.thresholds?.length
      ? options.thresholds
      : load.capacity
        ? DEFAULT_CAPACITY_THRESHOLDS
        : []
    ).map((t) => parseThreshold(t)),
    seed,
    exitCodeOnError,
    insecure: options.insecure ?? false,
    tls: readTlsFiles(options),
    proxy: checkedProxy(options.proxy),
    http2: options.http2 ?? false,
    requestTimeoutMs: timeoutSec * 1000,
    arrivalRate: load.arrivalRate,
    maxUsers: load.maxUsers,
    stages: load.stages,
    shape: options.shape ?? null,
    capacity: load.capacity,
    profile: options.profile ?? null,
    reporters: extras.reporters ?? [],
    command: extras.command ?? '',
    ...(extras.sampleSinks?.length ? { sampleSinks: extras.sampleSinks } : {}),
    ...(extras.signal ? { signal: extras.signal } : {}),
    ...(extras.log ? { log: extras.log } : {}),
  };
}

/** Settings that only tune a capacity search, with their flags: given alone they would do nothing. */
const CAPACITY_SETTINGS = [
  ['capacityStart', 'capacity-start'],
  ['capacityStep', 'capacity-step'],
  ['capacityStepTime', 'capacity-step-time'],
  ['capacityMax', 'capacity-max'],
] as const satisfies readonly (readonly [keyof VolleyOptions, string])[];

/**
 * The load model's "cannot combine X with Y" rules. The CLI checks them with its own before it starts
 * anything (src/cli/settings.ts); resolveRunPlan checks them for plans made without the CLI.
 */
export function checkLoadModelCombinations(options: VolleyOptions): LoadModelKind {
  return loadModelKind(applyProfile(options));
}

interface LoadModelKind {
  open: boolean;
  shape: boolean;
  capacity: boolean;
}

/** `options` with its profile applied. */
function loadModelKind(options: VolleyOptions): LoadModelKind {
  const stagesKind = options.stages !== undefined ? parseStages(options.stages).kind : null;
  const capacity = Boolean(options.findCapacity);
  if (!capacity) {
    const stray = CAPACITY_SETTINGS.find(([key]) => options[key] !== undefined);
    if (stray) throw new OptionError(`--${stray[1]}: only used by --find-capacity (or --profile breakpoint)`);
  }
  if (capacity && (stagesKind !== null || options.shape))
    throw new OptionError('--find-capacity: cannot be combined with --stages or a shape');
  const open = capacity || options.arrivalRate !== undefined || stagesKind === 'rate';
  if (open && stagesKind === 'users')
    throw new OptionError('--stages: with --arrival-rate, give stage targets as rates, e.g. 30s:100/s');
  if (options.iterations !== undefined && open)
    throw new OptionError(
      '--iterations: only for the closed model (users); the open model runs one task per arrival',
    );
  return { open, shape: options.shape !== undefined, capacity };
}

/** The load model from --arrival-rate, --stages, --find-capacity and friends. */
function resolveLoadModel(
  options: VolleyOptions,
): Pick<RunPlan, 'loadModel' | 'arrivalRate' | 'maxUsers' | 'stages' | 'capacity'> {
  const stages = options.stages !== undefined ? parseStages(options.stages) : null;
  const arrivalRate =
    options.arrivalRate !== undefined ? parseRate(options.arrivalRate, '--arrival-rate') : null;
  const maxUsers = positiveInt(options.maxUsers, '--max-users', 1) ?? DEFAULT_MAX_USERS;
  if (options.shape !== undefined && typeof options.shape !== 'function')
    throw new OptionError('shape: expected a function (t) => ({ users, spawnRate } | { rate } | null)');
  const { open } = loadModelKind(options);
  let capacity: CapacitySearchPlan | null = null;
  if (options.findCapacity) {
    const startRate = parseRate(options.capacityStart ?? 10, '--capacity-start');
    const stepRate = parseRate(options.capacityStep ?? startRate, '--capacity-step');
    const stepDurationSec = parseDuration(options.capacityStepTime ?? '30s', '--capacity-step-time');
    const maxRate = parseRate(options.capacityMax ?? 100_000, '--capacity-max');
    if (startRate <= 0) throw new OptionError('--capacity-start: must be more than 0 arrivals per second');
    if (stepRate <= 0) throw new OptionError('--capacity-step: must be more than 0 arrivals per second');
    if (stepDurationSec <= 0) throw new OptionError('--capacity-step-time: must be longer than 0s');
    capacity = { startRate, stepRate, stepDurationSec, maxRate };
  }
  return {
    loadModel: open ? 'open' : 'closed',
    arrivalRate: open ? (arrivalRate ?? 0) : null,
    maxUsers,
    stages: stages?.stages ?? null,
    capacity,
  };
}
