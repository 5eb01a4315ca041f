/**
 * The scenario as one ES module, for workers on other machines: the coordinator compiles the scenario
 * and everything it imports (volley itself excepted: each worker uses its own) with esbuild, and sends
 * the text. A worker then needs only the image, and never imports a path a coordinator names. Files a
 * scenario reads at run time (CSV feeders…) are not part of the bundle: give workers `-f FILE` and the
 * files for those.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedScenario, loadScenario, ScenarioLoadError } from '../engine/scenario-loader.ts';

const require = createRequire(import.meta.url);

/** Compiles `path` and its imports into one module's text. */
export async function bundleScenario(path: string): Promise<string> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [path],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      sourcemap: 'inline',
      external: ['volley', 'volley/*'],
      logLevel: 'silent',
    });
    return result.outputFiles[0]?.text ?? '';
  } catch (error) {
    const first = (error as { errors?: { text: string }[] }).errors?.[0]?.text;
    throw new ScenarioLoadError(
      `${path}: cannot compile it for the workers: ${first ?? (error as Error).message}`,
    );
  } finally {
    await esbuild.stop();
  }
}

/** Loads a scenario the coordinator sent, from a private temporary file that is removed at once. */
export async function loadBundledScenario(bundle: string): Promise<LoadedScenario> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-worker-'));
  try {
    const file = join(dir, 'scenario.mjs');
    writeFileSync(file, bundle, { mode: 0o600 });
    return await loadScenario(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
