/**
 * A container engine for the image test, and a Node base image made on this machine without a registry.
 *
 * The base is this machine's own files, imported as an image: the Node binary running the tests (the
 * repo's pinned Node), the npm found on PATH, a shell, tar and env, the shared libraries they load (ldd),
 * the CA bundle (npm's `cafile`, so `npm ci` in the build trusts what this machine trusts), and a `node`
 * user with uid 1000, as in the official node images. The Dockerfile takes it as NODE_IMAGE.
 *
 * Engines differ in what they need on a given machine, so each way to run a container is tried in turn on
 * the base image and the first that runs `node` is kept. On a root without CAP_SYS_RESOURCE, podman's
 * default limits for root (nofile 1048576, nproc 4194304) exceed what the machine allows and the runtime's
 * setrlimit fails; crun before 1.9 refuses hybrid cgroups (v1 controllers plus a v2 mount) where runc runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** An engine and the flags that make it run containers here. */
export interface Engine {
  /** `docker` or `podman`. */
  command: string;
  /** Before the subcommand, e.g. `--runtime runc`. */
  global: string[];
  /** For `run` and `build`, e.g. `--ulimit nofile=20000:20000`. */
  limits: string[];
}

/** The last non-empty line of an engine's stderr, or why it did not start. */
function lastLine(r: ReturnType<typeof spawnSync>): string {
  if (r.error)
    return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : r.error.message;
  const lines = String(r.stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.pop() ?? `exit ${r.status}`;
}

/** The first engine whose `info` answers (docker, then podman), or why there is none. */
export function findEngine(): { command: string } | { skip: string } {
  const reasons: string[] = [];
  for (const command of ['docker', 'podman']) {
    const r = spawnSync(command, ['info'], { encoding: 'utf8', timeout: 30_000 });
    if (!r.error && r.status === 0) return { command };
    reasons.push(`${command}: ${lastLine(r)}`);
  }
  return { skip: `no container engine runs here (${reasons.join('; ')})` };
}

/** The hard limit named `name` in /proc/self/limits ("Max open files"), if a number. */
function hardLimit(name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  return hard !== undefined && /^\d+$/.test(hard) ? Number(hard) : undefined;
}

/** Limits no higher than this machine's: open files as many as we may, processes enough for one Node. */
function modestLimits(): string[] {
  const nofile = Math.min(hardLimit('Max open files') ?? 1024, 1_048_576);
  return ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', 'nproc=4096:4096'];
}

/**
 * The first way `command` runs `node` in `image` (its default, then within this machine's limits, then with
 * runc for podman), or each way's error.
 */
export function runnableEngine(command: string, image: string): Engine | { skip: string } {
  const runtimes = command === 'podman' ? [[], ['--runtime', 'runc']] : [[]];
  const reasons: string[] = [];
  for (const global of runtimes) {
    for (const limits of [[], modestLimits()]) {
      const r = spawnSync(
        command,
        [...global, 'run', '--rm', '--network', 'host', ...limits, image, 'node', '-p', 'process.version'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      if (r.status === 0 && r.stdout.trim() === process.version) return { command, global, limits };
      reasons.push(`${[command, ...global, 'run', ...limits].join(' ')}: ${lastLine(r)}`);
    }
  }
  return { skip: `${command} cannot run a container here (${reasons.join('; ')})` };
}

/**
 * npm's own package: where `npm root -g` says, or where the `npm` on the PATH lives. Run by the repo's
 * Node (an npm script), `npm root -g` names that Node's prefix, which has no npm of its own.
 */
function npmPackageDir(): string | undefined {
  const root = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const candidates = root.status === 0 ? [join(root.stdout.trim(), 'npm')] : [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const bin = join(dir, 'npm');
    if (existsSync(bin)) candidates.push(dirname(dirname(realpathSync(bin))));
  }
  return candidates.find((dir) => existsSync(join(dir, 'bin', 'npm-cli.js')));
}

/** The executable `name` found in one of `dirs`, resolved. */
function findIn(dirs: string[], name: string): string | undefined {
  for (const dir of dirs) if (existsSync(join(dir, name))) return realpathSync(join(dir, name));
  return undefined;
}

/** The shared libraries `binary` loads, as ldd lists them (absolute paths). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*|^\s*)(\/\S+)/gm)].map((m) => m[1] as string);
}

/**
 * Imports this machine's Node, npm, sh, tar and env (with their libraries) as image `name`; returns why it
 * cannot when something is missing here.
 */
export function makeBaseImage(command: string, name: string): { skip: string } | undefined {
  const npmDir = npmPackageDir();
  if (npmDir === undefined) return { skip: 'no npm here to put in a base image' };
  const bins = { sh: findIn(['/bin', '/usr/bin'], 'sh'), tar: findIn(['/bin', '/usr/bin'], 'tar') };
  const env = findIn(['/usr/bin', '/bin'], 'env');
  if (!bins.sh || !bins.tar || !env || spawnSync('ldd', ['--version']).status !== 0) {
    return { skip: 'sh, tar, env or ldd is missing here: no base image' };
  }
  const root = mkdtempSync(join(tmpdir(), 'volley-base-'));
  try {
    const put = (from: string, to: string): void => {
      mkdirSync(join(root, dirname(to)), { recursive: true });
      copyFileSync(from, join(root, to));
    };
    put(process.execPath, '/usr/local/bin/node');
    cpSync(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
    writeFileSync(
      join(root, 'usr/local/bin/npm'),
      '#!/bin/sh\nexec node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n',
      { mode: 0o755 },
    );
    put(bins.sh, '/bin/sh');
    put(bins.tar, '/bin/tar');
    put(env, '/usr/bin/env');
    for (const binary of [process.execPath, bins.sh, bins.tar, env]) {
      for (const lib of sharedLibraries(binary)) put(realpathSync(lib), lib);
    }
    const ca = '/etc/ssl/certs/ca-certificates.crt';
    if (existsSync(ca)) put(ca, ca);
    writeFileSync(
      join(root, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    writeFileSync(join(root, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    mkdirSync(join(root, 'root'));
    mkdirSync(join(root, 'home/node'), { recursive: true });
    try {
      chownSync(join(root, 'home/node'), 1000, 1000);
    } catch {
      // not root: the engine is rootless and maps ids itself
    }
    const changes = [
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      ...(existsSync(ca) ? [`ENV NODE_EXTRA_CA_CERTS=${ca}`] : []),
      'CMD ["node"]',
    ].flatMap((c) => ['--change', c]);
    const imported = spawnSync(
      'sh',
      [
        '-c',
        'root=$1 engine=$2 name=$3; shift 3; tar -C "$root" -c . | "$engine" import "$@" - "$name"',
        'sh',
        root,
        command,
        name,
        ...changes,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    if (imported.status !== 0) return { skip: `${command} import failed: ${lastLine(imported)}` };
    return undefined;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
