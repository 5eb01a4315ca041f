/** Process helpers for the benchmarks: spawning pinned to a core, reading CPU time and memory from /proc. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

const CLOCK_TICKS_PER_SEC = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Whether processes can be pinned: `taskset` exists and there are at least two cores. */
export const canPin = availableParallelism() >= 2 && which('taskset') !== null;

/** The absolute path of a command on PATH (or a given absolute path that exists), else null. */
export function which(command: string): string | null {
  if (command.startsWith('/')) return existsSync(command) ? command : null;
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const path = `${dir}/${command}`;
    if (dir !== '' && existsSync(path)) return path;
  }
  return null;
}

/** Spawns `command` pinned to `core` (when pinning is possible); taskset execs, so the pid is the tool's own. */
export function spawnPinned(
  core: number,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): ChildProcess {
  const [file, argv] = canPin ? ['taskset', ['-c', String(core), command, ...args]] : [command, [...args]];
  return spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.quiet === false ? 'inherit' : ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
}

/** CPU seconds (all threads) a running process has used so far in user and kernel mode, or null once gone. */
export function cpuSeconds(pid: number): { user: number; system: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    return {
      user: Number(fields[11]) / CLOCK_TICKS_PER_SEC,
      system: Number(fields[12]) / CLOCK_TICKS_PER_SEC,
    };
  } catch {
    return null;
  }
}

/** Resident memory of a process in bytes, or null once gone. */
export function rssBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** Stops a spawned process and everything it started (its process group), waiting for it to exit. */
export async function stop(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGINT',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  kill(child, signal);
  const timer = setTimeout(() => kill(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The stderr a child wrote so far (when spawned quiet), for error messages. */
export function collectStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4000);
  });
  return () => text;
}
