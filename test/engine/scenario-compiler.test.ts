import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compileTypeScript, stopCompiler } from '../../src/engine/scenario-compiler.ts';

const dir = mkdtempSync(join(tmpdir(), 'volley-cache-test-'));
const saved = { dir: process.env.VOLLEY_CACHE_DIR, off: process.env.VOLLEY_DISABLE_CACHE };
process.env.VOLLEY_CACHE_DIR = dir;
delete process.env.VOLLEY_DISABLE_CACHE;
after(async () => {
  await stopCompiler();
  rmSync(dir, { recursive: true, force: true });
  if (saved.dir === undefined) delete process.env.VOLLEY_CACHE_DIR;
  else process.env.VOLLEY_CACHE_DIR = saved.dir;
  if (saved.off !== undefined) process.env.VOLLEY_DISABLE_CACHE = saved.off;
});

const SOURCE = "enum Path { Home = '/' }\nexport const path: string = Path.Home;\n";

test('compiled once, then read from the cache; a changed source compiles anew', () => {
  const first = compileTypeScript('/s/scenario.ts', SOURCE, 'ts', 'esm');
  assert.match(first, /Path2\["Home"\] = "\/"/);
  assert.match(first, /sourceMappingURL=data:application\/json/);
  const cached = readdirSync(dir);
  assert.equal(cached.length, 1);
  // Whatever the cache holds is what a second compile returns: proof it was read, not recompiled.
  const file = join(dir, cached[0] ?? '');
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n// from the cache`);
  assert.match(compileTypeScript('/s/scenario.ts', SOURCE, 'ts', 'esm'), /from the cache$/);
  // Another source, path or format is another entry.
  compileTypeScript('/s/scenario.ts', `${SOURCE}export const n = 1;\n`, 'ts', 'esm');
  compileTypeScript('/s/other.ts', SOURCE, 'ts', 'esm');
  compileTypeScript('/s/scenario.ts', SOURCE, 'ts', 'cjs');
  assert.equal(readdirSync(dir).length, 4);
  assert.ok(
    readdirSync(dir).every((f) => f.endsWith('.js')),
    'no partial files left behind',
  );
});

test('VOLLEY_DISABLE_CACHE=1 compiles without reading or writing the cache', () => {
  process.env.VOLLEY_DISABLE_CACHE = '1';
  try {
    const before = readdirSync(dir).length;
    const code = compileTypeScript('/s/fresh.ts', 'export const x: number = 2;\n', 'ts', 'esm');
    assert.match(code, /const x = 2;/);
    assert.equal(readdirSync(dir).length, before);
  } finally {
    delete process.env.VOLLEY_DISABLE_CACHE;
  }
});

test('an unwritable cache directory only costs the cache', () => {
  const blocker = join(dir, 'not-a-dir');
  writeFileSync(blocker, '');
  process.env.VOLLEY_CACHE_DIR = join(blocker, 'cache');
  try {
    assert.match(compileTypeScript('/s/y.ts', 'export const y: number = 3;\n', 'ts', 'esm'), /y = 3/);
  } finally {
    process.env.VOLLEY_CACHE_DIR = dir;
  }
});

test('a TypeScript error still names file:line', () => {
  assert.throws(
    () => compileTypeScript('/s/broken.ts', 'export const z = ;\n', 'ts', 'esm'),
    (e: { errors?: { location?: { file: string; line: number } }[] }) =>
      e.errors?.[0]?.location?.file === '/s/broken.ts' && e.errors[0].location.line === 1,
  );
});
