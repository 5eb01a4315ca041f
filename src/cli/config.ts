import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { OptionError } from '../engine/option-error.ts';
import { importScript } from '../engine/scenario-loader.ts';
import type { VolleyOptions } from '../script/options.ts';
import { envName, FLAG_OPTIONS_SPECS, type OptionSpec, RUN_OPTIONS } from './option-spec.ts';

/** A config file's content: run settings plus the scenario to run. */
export interface ConfigFile extends VolleyOptions {
  scenario?: string;
}

export const CONFIG_FILE_NAMES = [
  'volley.config.ts',
  'volley.config.mts',
  'volley.config.js',
  'volley.config.json',
];

const BY_KEY = new Map<string, OptionSpec>(RUN_OPTIONS.map((s) => [s.key, s]));

/** Turns a raw string (flag or env var) into the setting's type. */
export function coerceOption(
  spec: OptionSpec,
  raw: string,
  source: string,
): VolleyOptions[keyof VolleyOptions] {
  const bad = (expected: string) => new OptionError(`${source}: expected ${expected}, got "${raw}"`);
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw bad('a whole number');
      return Number(raw);
    }
    case 'int-or-auto': {
      if (raw.trim().toLowerCase() === 'auto') return 'auto';
      if (!/^-?\d+$/.test(raw.trim())) throw bad('a whole number or "auto"');
      return Number(raw);
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw bad('true or false');
    }
    case 'list':
      return splitList(spec, raw);
    default:
      return raw;
  }
}

/** Tags are comma-separated; thresholds contain commas in names, so they split on ';' or new lines. */
export function splitList(spec: OptionSpec, raw: string): string[] {
  const separator = spec.key === 'thresholds' ? /[;\n]/ : /[,\s]+/;
  return raw
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** VOLLEY_HOST, VOLLEY_USERS, VOLLEY_RUN_TIME, … (the flag's name in upper case). */
export function readEnvOptions(env: NodeJS.ProcessEnv): VolleyOptions {
  const out: Record<string, unknown> = {};
  for (const spec of FLAG_OPTIONS_SPECS) {
    const name = envName(spec);
    const raw = env[name];
    if (raw !== undefined && raw !== '') out[spec.key] = coerceOption(spec, raw, name);
  }
  return out as VolleyOptions;
}

/** Checks a config object's keys and value types (config files and a scenario's `options`). */
export function validateOptionsObject(value: unknown, source: string, allowScenario: boolean): ConfigFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionError(`${source}: expected an object of settings`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (key === 'scenario' && allowScenario) {
      if (typeof v !== 'string') throw new OptionError(`${source}: "scenario" must be a file path`);
      out[key] = v;
      continue;
    }
    const spec = BY_KEY.get(key);
    if (!spec) {
      const known = [...BY_KEY.keys(), ...(allowScenario ? ['scenario'] : [])].join(', ');
      throw new OptionError(`${source}: unknown setting "${key}" (known: ${known})`);
    }
    out[key] = checkType(spec, v, `${source}: ${key}`);
  }
  return out as ConfigFile;
}

function checkType(spec: OptionSpec, v: unknown, where: string): unknown {
  const fail = (expected: string) =>
    new OptionError(`${where}: expected ${expected}, got ${JSON.stringify(v)}`);
  switch (spec.kind) {
    case 'int':
      if (!Number.isInteger(v)) throw fail('a whole number');
      return v;
    case 'int-or-auto':
      if (!Number.isInteger(v) && v !== 'auto') throw fail('a whole number or "auto"');
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw fail('a number');
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw fail('true or false');
      return v;
    case 'list':
      if (typeof v === 'string') return splitList(spec, v);
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw fail('a list of strings');
      return v;
    case 'duration':
      if (typeof v !== 'string' && typeof v !== 'number') throw fail('a duration like "30s" or seconds');
      return v;
    case 'rate':
      if (typeof v !== 'string' && typeof v !== 'number') throw fail('a rate like 50 or "3000/m"');
      return v;
    case 'stages':
      if (typeof v !== 'string' && !Array.isArray(v))
        throw fail('stages like "30s:50,1m:50" or a list of { duration, users | rate }');
      return v;
    case 'function':
      if (typeof v !== 'function') throw fail('a function');
      return v;
    default:
      if (typeof v !== 'string') throw fail('a string');
      return v;
  }
}

/** Reads --config FILE, or the first volley.config.* found in `cwd`; {} when there is none. */
export async function loadConfigFile(explicit: string | undefined, cwd: string): Promise<ConfigFile> {
  const path = explicit
    ? resolve(cwd, explicit)
    : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
  if (!path) return {};
  if (!existsSync(path)) throw new OptionError(`--config: file not found: ${explicit}`);
  let value: unknown;
  if (extname(path) === '.json') {
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new OptionError(`${path}: invalid JSON: ${(error as Error).message}`);
    }
  } else {
    const mod = await importScript(path);
    value = mod.default ?? mod.config;
  }
  const config = validateOptionsObject(value, path, true);
  if (config.scenario) config.scenario = resolve(path, '..', config.scenario);
  return config;
}

/** Later layers win; undefined values never override. */
export function mergeOptions<T extends object>(...layers: readonly T[]): T {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out as T;
}
