/**
 * Worker processes on this machine (`--processes N`), forked from the running volley. Processes rather
 * than worker_threads: a worker that crashes or runs out of memory takes only itself down, each has its
 * own heap and garbage collector (no shared pauses), and a process is what a worker on another machine is
 * too, so the same worker code and protocol serve both. Their start cost (~100 ms) is paid once per run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { childLink } from './ipc-link.ts';
import type { WorkerLink } from './worker-state.ts';

const WORKER_ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './worker-process.ts' : './worker-process.js',
  import.meta.url,
);

export interface LocalWorkerOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LocalWorkers {
  links: WorkerLink[];
  /** Resolves once every worker process has exited (closing a link ends its process within 5 s). */
  exited: Promise<void>;
}

/** Forks `count` workers; each inherits stdout/stderr (a scenario's console output shows as usual). */
export function forkLocalWorkers(count: number, options: LocalWorkerOptions = {}): LocalWorkers {
  // The parent's Node flags (--conditions, --import, memory limits…) apply to workers too; test-runner
  // and inspector flags do not (workers would fight over the debugger port).
  const execArgv = process.execArgv.filter((arg) => !/^--(?:test|inspect|debug)/.test(arg));
  const children: ChildProcess[] = [];
  const links = Array.from({ length: count }, (_, index) => {
    const child = fork(WORKER_ENTRY, [], {
      cwd: options.cwd,
      env: options.env,
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    children.push(child);
    return childLink(child, `worker ${index + 1} (pid ${child.pid})`);
  });
  const exited = Promise.all(
    children.map((child) =>
      child.exitCode !== null || child.signalCode !== null ? undefined : once(child, 'exit').catch(() => {}),
    ),
  ).then(() => {});
  return { links, exited };
}
