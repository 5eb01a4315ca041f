import { existsSync, readFileSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VolleyError } from '../errors.ts';
import type { VolleyOptions } from '../script/options.ts';
import { type AnyUserClass, isUserClass, ScenarioDefinitionError } from '../script/user.ts';
import { compileTypeScript, parseJavaScript, stopCompiler } from './scenario-compiler.ts';

/** A scenario that cannot be loaded: missing, broken, or exporting no user. Exit code 2. */
export class ScenarioLoadError extends VolleyError {
  override name = 'ScenarioLoadError';
  override readonly code: string = 'VOLLEY_SCENARIO_LOAD';
}

export interface LoadedScenario {
  /** Absolute path. */
  path: string;
  userClasses: AnyUserClass[];
  /** The scenario's `export const options`, if any. */
  options: VolleyOptions;
}

const SCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs']);
const TS_EXTENSIONS = /\.(?:ts|mts|cts|tsx)$/;
/** The running volley's own public API; scenarios anywhere on disk import this one, not another copy. */
const SELF_ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url)
  .href;
const SELF_ROOT = new URL('../', import.meta.url).href; // volley's own src/ (or dist/)

let hooksRegistered = false;

/**
 * Module hooks (in-thread, synchronous): `import … from 'volley'` resolves to this volley, and TypeScript
 * scenario files are compiled with esbuild (full TypeScript, not only erasable syntax, with file:line errors).
 * volley's own .ts sources are left to Node's type stripping.
 */
function registerScenarioHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  process.setSourceMapsEnabled(true);
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'volley') return { url: SELF_ENTRY, shortCircuit: true };
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (!url.startsWith('file:') || !TS_EXTENSIONS.test(url) || url.startsWith(SELF_ROOT)) {
        return nextLoad(url, context);
      }
      const path = fileURLToPath(url);
      const cjs = url.endsWith('.cts');
      const source = compileTypeScript(
        path,
        readFileSync(path, 'utf8'),
        url.endsWith('.tsx') ? 'tsx' : 'ts',
        cjs ? 'cjs' : 'esm',
      );
      return { format: cjs ? 'commonjs' : 'module', source, shortCircuit: true };
    },
  });
}

/** One line naming file:line, from esbuild's or Node's error. */
function describeLoadError(path: string, error: unknown): string {
  const e = error as {
    errors?: { text: string; location?: { file: string; line: number; column: number } }[];
  };
  const first = e?.errors?.[0];
  if (first) {
    const loc = first.location;
    return loc ? `${loc.file}:${loc.line}:${loc.column + 1}: ${first.text}` : `${path}: ${first.text}`;
  }
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
    return `${path}: ${err.message.split('\n')[0]}`;
  }
  if (error instanceof ScenarioDefinitionError) return `${path}: ${error.message}`;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Node puts "file:///x.js:3" on the first stack line of a SyntaxError, else the first frame names the line.
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  if (error instanceof SyntaxError) {
    const located = locateSyntaxError(path);
    if (located) return `${located}: SyntaxError: ${error.message}`;
  }
  const fileUrl = pathToFileURL(path).href;
  const at = stack.match(new RegExp(`(?:${escapeRegExp(fileUrl)}|${escapeRegExp(path)}):(\\d+)(?::(\\d+))?`));
  return at ? `${path}:${at[1]}${at[2] ? `:${at[2]}` : ''}: ${message}` : `${path}: ${message}`;
}

/** Node's SyntaxError from an ES module carries no position; esbuild's parser finds it. */
function locateSyntaxError(path: string): string | null {
  try {
    parseJavaScript(path, readFileSync(path, 'utf8'));
  } catch (error) {
    const loc = (error as { errors?: { location?: { line: number; column: number } }[] }).errors?.[0]
      ?.location;
    if (loc) return `${path}:${loc.line}:${loc.column + 1}`;
  }
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Imports a user's script (scenario or config file) with volley's hooks; errors name file:line. */
export async function importScript(path: string): Promise<Record<string, unknown>> {
  registerScenarioHooks();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ScenarioLoadError(describeLoadError(path, error), { cause: error });
  }
}

/** Imports a scenario file and collects its exported users and options. */
export async function loadScenario(file: string, cwd = process.cwd()): Promise<LoadedScenario> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new ScenarioLoadError(`scenario not found: ${file}`);
  if (!statSync(path).isFile()) throw new ScenarioLoadError(`scenario is not a file: ${file}`);
  if (!SCRIPT_EXTENSIONS.has(extname(path))) {
    throw new ScenarioLoadError(`scenario must be a .ts, .mts, .js or .mjs file: ${file}`);
  }
  const mod = await importScript(path);
  // esbuild's worker thread (and its process) would stay for the whole run, tens of MB for nothing;
  // a later TypeScript import, rare, starts it again.
  await stopCompiler();
  const userClasses: AnyUserClass[] = [];
  for (const [exportName, value] of Object.entries(mod)) {
    if (!isUserClass(value) || userClasses.includes(value)) continue;
    if (!value.name) value.name = exportName;
    userClasses.push(value);
  }
  if (userClasses.length === 0) {
    throw new ScenarioLoadError(
      `${path}: no user exported; add e.g. \`export default user({ tasks: [async (vu) => { await vu.http.get('/'); }] })\``,
    );
  }
  const names = new Set<string>();
  for (const cls of userClasses) {
    if (names.has(cls.name)) throw new ScenarioLoadError(`${path}: two users are named "${cls.name}"`);
    names.add(cls.name);
  }
  const options = mod.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ScenarioLoadError(`${path}: \`export const options\` must be an object`);
  }
  return { path, userClasses, options: options as VolleyOptions };
}
