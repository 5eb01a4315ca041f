import { readFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tracer } from '../tracer.ts';
import { LIBRARY_PATCHES, type LibraryPatch, UNINTERCEPTED_LIBRARIES } from './libraries.ts';

const PATCH_KEY = Symbol.for('volley.trace.patchLibrary');

function packageVersion(entryFile: string, name: string): string {
  let dir = dirname(entryFile);
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    } catch {
      // Not this folder.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/**
 * npm libraries (pg, undici, better-sqlite3) are patched as they load, however the application loads
 * them (require or import, from any folder): a line appended to the library's CommonJS entry file hands
 * its exports to the patch before the application sees them (and takes the patch's replacement, if any).
 */
export function installModuleHooks(tracer: Tracer): void {
  if (typeof module.registerHooks !== 'function') return;
  const patched = new WeakSet<object>();
  (globalThis as Record<symbol, unknown>)[PATCH_KEY] = (
    name: string,
    file: string,
    exports: object,
  ): object | undefined => {
    const patch = LIBRARY_PATCHES.find((p) => p.name === name);
    if (
      patch === undefined ||
      exports === null ||
      (typeof exports !== 'object' && typeof exports !== 'function') ||
      patched.has(exports)
    )
      return undefined;
    patched.add(exports);
    tracer.write({ t: 'lib', p: tracer.process, name, version: packageVersion(file, name) });
    const replacement = patch.install(tracer, exports);
    if (replacement !== undefined) patched.add(replacement);
    return replacement;
  };
  const warned = new Set<string>();
  module.registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      if (!url.startsWith('file:')) return result;
      const unintercepted = UNINTERCEPTED_LIBRARIES.find((name) => url.includes(`/node_modules/${name}/`));
      if (unintercepted !== undefined && !warned.has(unintercepted)) {
        warned.add(unintercepted);
        process.emitWarning(
          `volley trace does not intercept ${unintercepted}: ${tracer.replaying ? 'its I/O is reported as escaped' : 'a replay will report its I/O as escaped'}`,
        );
      }
      const patch: LibraryPatch | undefined = LIBRARY_PATCHES.find((p) => url.endsWith(p.entry));
      if (patch === undefined) return result;
      const file = fileURLToPath(url);
      const source = result.source ?? readFileSync(file);
      // The patch may hand back a replacement for the exports (a library whose export is its class).
      const hook = `\n;module.exports = globalThis[Symbol.for('volley.trace.patchLibrary')]?.(${JSON.stringify(patch.name)}, ${JSON.stringify(file)}, module.exports) ?? module.exports;\n`;
      return { ...result, format: 'commonjs', source: `${source.toString()}${hook}` };
    },
  });
}
