/** Processes of a cluster test: the CLI (optionally inside a network namespace), their output, their end. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOLLEY_BIN } from '../helpers/cli.ts';
import { until } from '../helpers/until.ts';

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Exit code, or the signal's name when killed. */
  exited: Promise<number | string>;
  /** Resolves with the first match of `pattern` in the output so far or to come. */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Starts `node ARGS` (after `prefix`, e.g. `ip netns exec NS`); killed after `limitMs` at the latest. */
export interface StartOptions {
  cwd: string;
  prefix?: string[];
  env?: NodeJS.ProcessEnv;
  limitMs?: number;
  /** Its own process group (pid = pgid), for a signal to the whole group as a terminal sends it. */
  detached?: boolean;
}

export function startNode(args: string[], opts: StartOptions): Proc {
  return startCommand([...(opts.prefix ?? []), process.execPath, ...args], opts);
}

/** Starts `argv` as it is (`prefix` unused), e.g. `podman run … IMAGE ARGS`. */
export function startCommand(argv: string[], opts: StartOptions): Proc {
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', VOLLEY_HEADLESS: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let text = '';
  child.stdout?.on('data', (d) => {
    text += d;
  });
  child.stderr?.on('data', (d) => {
    text += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const limit = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 90_000);
  void exited.then(() => clearTimeout(limit));
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    output: () => text,
    exited,
    waitFor: async (pattern, what, timeoutMs = 30_000) => {
      await until(() => pattern.test(text) || ended, what, timeoutMs);
      const match = pattern.exec(text);
      if (!match) throw new Error(`ended without ${what}:\n${text}`);
      return match;
    },
  };
}

/** `volley ARGS` as a Proc. */
export function startVolley(args: string[], opts: StartOptions): Proc {
  return startNode([VOLLEY_BIN, ...args], opts);
}

/** A directory with a scenario of steady users (each about 20 requests/s) and a target server script. */
export function clusterFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-cluster-'));
  writeFileSync(
    join(dir, 'scenario.ts'),
    `import { constant, task, user } from 'volley';
export default user({ wait: constant(0.05), tasks: [task({ weight: 3 }, async (vu) => { await vu.http.get('/a'); }), async (vu) => { await vu.http.get('/b'); }] });
`,
  );
  // Known latency: /b after 40 ms, anything else after 10 ms; prints its port once listening (by default
  // on every address of its namespace).
  writeFileSync(
    join(dir, 'target.mjs'),
    `import { createServer } from 'node:http';
const server = createServer((req, res) => { req.resume(); setTimeout(() => res.end('ok'), req.url === '/b' ? 40 : 10); });
server.listen(0, process.argv[2] ?? '0.0.0.0', () => console.log('port ' + server.address().port));
`,
  );
  return dir;
}

/** Kills what is still running of `procs` (by pid), then waits for them to end. */
export async function killAll(procs: readonly Proc[]): Promise<void> {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}
