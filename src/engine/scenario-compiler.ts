/**
 * TypeScript scenarios compiled with esbuild (full TypeScript, file:line errors), cached on disk by
 * content. esbuild runs as a child process: starting it costs more than a small scenario's whole
 * run-up, so a scenario run again unchanged skips it, as tsx does. The cache is an optimisation only:
 * any error reading or writing it falls back to compiling.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Esbuild = typeof import('esbuild');

const require = createRequire(import.meta.url);
let esbuild: Esbuild | null = null;

/** Loaded on first use: a cached scenario needs no esbuild at all. */
function loadEsbuild(): Esbuild {
  esbuild ??= require('esbuild') as Esbuild;
  return esbuild;
}

/** `VOLLEY_CACHE_DIR` moves it; `VOLLEY_DISABLE_CACHE=1` turns it off. */
function cacheDir(): string | null {
  if (process.env.VOLLEY_DISABLE_CACHE === '1') return null;
  return process.env.VOLLEY_CACHE_DIR ?? join(tmpdir(), `volley-cache-${process.getuid?.() ?? 'user'}`);
}

/** Compiles a .ts/.mts/.cts/.tsx file's source to JavaScript with an inline source map. */
export function compileTypeScript(
  path: string,
  source: string,
  kind: 'ts' | 'tsx',
  format: 'esm' | 'cjs',
): string {
  const options = { loader: kind, format, sourcefile: path, sourcemap: 'inline', target: 'node22' } as const;
  const dir = cacheDir();
  const key = dir
    ? createHash('sha256')
        .update(JSON.stringify([loadEsbuildVersion(), options]))
        .update('\0')
        .update(source)
        .digest('hex')
    : '';
  const file = dir ? join(dir, `${key}.js`) : '';
  if (dir) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // not cached yet
    }
  }
  const { code } = loadEsbuild().transformSync(source, options);
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, code);
      renameSync(partial, file); // whole or absent, even with runs starting side by side
    } catch {
      // a read-only or full disk only costs the next run its cache hit
    }
  }
  return code;
}

/** esbuild's version from its package.json: without starting esbuild, output of another version is not reused. */
let esbuildVersion: string | null = null;
function loadEsbuildVersion(): string {
  esbuildVersion ??= (require('esbuild/package.json') as { version: string }).version;
  return esbuildVersion;
}

/** Stops esbuild's child process if it was started: it would otherwise stay for the whole run. */
export async function stopCompiler(): Promise<void> {
  if (esbuild) await esbuild.stop();
}

/** esbuild's parser, for a JavaScript file's syntax error position (rare: loads esbuild). */
export function parseJavaScript(path: string, source: string): void {
  loadEsbuild().transformSync(source, { loader: 'js', format: 'esm', sourcefile: path });
}
