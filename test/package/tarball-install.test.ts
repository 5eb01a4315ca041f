import assert from 'node:assert/strict';
import { execFile, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../src/demo/server.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { runCli } from '../helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'volley-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The environment with the Node running the tests (the repo pins 24) first on PATH. */
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };

/** Runs a program to its end (bounded). */
function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs });
}

/** The same without blocking this process (a server in it must answer). */
function runAsync(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<SpawnSyncReturns<string>> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({
        status,
        stdout,
        stderr,
        signal: error?.signal ?? null,
        pid: 0,
        output: [],
        ...(error ? { error } : {}),
      });
    });
  });
}

function ok(result: SpawnSyncReturns<string>, what: string): void {
  assert.equal(
    result.status,
    0,
    `${what} failed (${result.error?.message ?? result.signal ?? ''}):\n${result.stdout}\n${result.stderr}`,
  );
}

/**
 * The packed package (npm pack) of this checkout: the files package.json lists, with dist built into
 * a staging copy (the checkout's own dist/ is left alone).
 */
function packTarball(): string {
  const stage = join(work, 'stage');
  for (const entry of ['package.json', 'README.md', 'bin', 'proto', 'examples']) {
    cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  }
  ok(
    run(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        join(stage, 'dist'),
      ],
      ROOT,
    ),
    'building dist',
  );
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage);
  ok(packed, 'npm pack');
  return join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
}

/**
 * A lockfile for a project depending on the tarball: volley's own dependencies pinned as this checkout's
 * lockfile pins them, so `npm ci --offline` installs them from the cache `npm ci` filled, without the registry.
 */
function writeLockfile(project: string, tarball: string): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const projectPkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  projectPkg.dependencies.volley = `file:${tarball}`;
  writeFileSync(join(project, 'package.json'), JSON.stringify(projectPkg, null, 2));
  const packages: Record<string, unknown> = {
    '': { name: projectPkg.name, dependencies: projectPkg.dependencies },
    'node_modules/volley': {
      version: pkg.version,
      resolved: `file:${tarball}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean }>)) {
    if (path !== '' && entry.dev !== true) packages[path] = entry;
  }
  const projectLock = { name: projectPkg.name, lockfileVersion: 3, requires: true, packages };
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(projectLock, null, 2));
}

test('the packed package installs into a project volley init made, and its smoke script runs a scenario there', {
  timeout: 300_000,
}, async (t) => {
  const tarball = packTarball();
  const project = join(work, 'my-load-tests');
  const init = await runCli(['init', project], { cwd: work });
  assert.equal(init.code, 0, init.stderr);
  writeLockfile(project, tarball);
  const install = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project);
  if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
    t.skip('a dependency of volley is not in the npm cache (run npm ci in the checkout first)');
    return;
  }
  ok(install, 'npm ci --offline');
  assert.ok(existsSync(join(project, 'node_modules/volley/dist/cli/main.js')));
  assert.ok(!existsSync(join(project, 'node_modules/volley/src')), 'the package runs dist/, not the sources');

  const demo = await startDemoServer({ port: 0, seedStudents: 5 });
  try {
    // The scaffold's own script, with the Node running these tests (the repo pins 24) first on PATH.
    const smoke = await runAsync(
      'npm',
      ['run', 'load:smoke', '--', '-H', demo.url, '--json-file', 'reports/smoke.json'],
      project,
      60_000,
    );
    ok(smoke, 'npm run load:smoke');
    const summary = JSON.parse(readFileSync(join(project, 'reports/smoke.json'), 'utf8')) as RunSummary;
    assert.equal(
      summary.meta.volleyVersion,
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    );
    assert.ok(summary.aggregated.requests >= 3, `requests: ${summary.aggregated.requests}`);
    assert.equal(summary.aggregated.failures, 0);
    assert.ok(existsSync(join(project, 'reports/report.html')), 'the config file asks for an HTML report');
  } finally {
    await demo.close();
  }
});
