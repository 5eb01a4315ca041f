import { checkLoadModelCombinations } from '../engine/resolve-plan.ts';
import { type LoadedScenario, loadScenario } from '../engine/scenario-loader.ts';
import type { VolleyOptions } from '../script/options.ts';
import {
  coerceOption,
  loadConfigFile,
  mergeOptions,
  readEnvOptions,
  validateOptionsObject,
} from './config.ts';
import type { CliIo } from './io.ts';
import type { OptionSpec } from './option-spec.ts';
import { UsageError } from './usage-error.ts';

/** Where a command's settings come from besides the environment. */
export interface SettingsRequest {
  /** The scenario file named on the command line, if any. */
  file: string | undefined;
  /** When no file is named, take the config file's "scenario" (volley run) or refuse (volley verify). */
  scenarioFromConfig: boolean;
  /** What to say when there is no scenario file. */
  noFileMessage: string;
  /** --config FILE; absent: the first volley.config.* in the working directory, if any. */
  configFile: string | undefined;
  /** The command line's settings (see `flagOptions`). */
  flags: VolleyOptions;
}

export interface Settings {
  scenario: LoadedScenario;
  options: VolleyOptions;
}

/**
 * A command's settings, layered the one way every command (run, verify, the web UI's runs) takes them,
 * lowest first: the config file, the scenario's `export const options`, VOLLEY_* environment variables,
 * then the flags. Loads the scenario on the way (its options are a layer).
 */
export async function resolveSettings(
  request: SettingsRequest,
  io: Pick<CliIo, 'env' | 'cwd'>,
): Promise<Settings> {
  const { scenario: configScenario, ...config } = await loadConfigFile(request.configFile, io.cwd);
  const file = request.file ?? (request.scenarioFromConfig ? configScenario : undefined);
  if (!file) throw new UsageError(request.noFileMessage);
  const scenario = await loadScenario(file, io.cwd);
  const scenarioOptions = validateOptionsObject(scenario.options, `${scenario.path}: options`, false);
  const options = mergeOptions<VolleyOptions>(config, scenarioOptions, readEnvOptions(io.env), request.flags);
  return { scenario, options };
}

/** Flag values (from parseCliArgs) as typed settings, for the options `specs` describe. */
export function flagOptions(values: Record<string, unknown>, specs: readonly OptionSpec[]): VolleyOptions {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const v = values[spec.flag];
    if (v === undefined) continue;
    if (spec.kind === 'bool') out[spec.key] = v;
    else if (Array.isArray(v))
      out[spec.key] = v.flatMap((x) => coerceOption(spec, String(x), `--${spec.flag}`) as string[]);
    else out[spec.key] = coerceOption(spec, String(v), `--${spec.flag}`);
  }
  return out as VolleyOptions;
}

/** How `volley run` will run, decided from the settings before it starts. */
export interface RunMode {
  /** Local worker processes (--processes); 1: this process. */
  processes: number;
  /** --record / --replay given (and not passthrough). */
  recording: boolean;
}

/**
 * Every "cannot combine X with Y" of a run, in one place: how it runs (processes, a coordinator,
 * recording, the web UI) and the load model's own (see checkLoadModelCombinations, which the engine
 * also applies to plans made without the CLI).
 */
export function checkCombinations(options: VolleyOptions, mode: RunMode): void {
  const distributed = options.master !== undefined || mode.processes > 1;
  if (options.master && mode.processes > 1) {
    throw new UsageError(
      '--master runs the users in connected workers: it cannot be combined with --processes',
    );
  }
  if (options.expectWorkers !== undefined && !options.master) {
    throw new UsageError('--expect-workers: only with --master HOST:PORT (workers connecting over TCP)');
  }
  if (mode.recording && distributed) {
    throw new UsageError('--record/--replay run in one process: drop --processes/--master');
  }
  const load = checkLoadModelCombinations(options);
  if (distributed && (load.shape || load.capacity)) {
    throw new UsageError(
      'a load shape or capacity search steers one process: drop --processes/--master for it',
    );
  }
}
