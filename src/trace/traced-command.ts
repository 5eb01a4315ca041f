import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { nodeOptionsWithPreload, TRACE_ENV } from './child-env.ts';
import type { TraceEvent } from './event-sink.ts';
import { TraceError } from './trace-error.ts';

export interface TracedCommandOptions {
  command: readonly string[];
  mode: 'record' | 'replay';
  /** The recording: written while recording, read while replaying. */
  file: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the command's standard output goes as well as being kept (`null`: only kept). */
  stdout: NodeJS.WritableStream | null;
}

export interface CommandExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ListenAddress {
  port: number;
  address: string;
}

const STOP_GRACE_MS = 5000;
const POLL_MS = 20;

/**
 * A command running with the trace preload (through NODE_OPTIONS, so `npm start` and wrapper scripts
 * work), in its own process group so a stop reaches the program behind a wrapper too. Its events (the
 * port it listens on, divergences) come through a file in a private temporary folder.
 */
export class TracedCommand {
  readonly child: ChildProcess;
  readonly exited: Promise<CommandExit>;
  readonly #dir: string;
  readonly #eventsPath: string;
  readonly #stdout: Buffer[] = [];
  #exit: CommandExit | null = null;

  private constructor(options: TracedCommandOptions) {
    const [program, ...args] = options.command;
    if (program === undefined)
      throw new TraceError('no command to trace: put it after --, e.g. -- node server.js');
    this.#dir = mkdtempSync(join(tmpdir(), 'volley-trace-'));
    this.#eventsPath = join(this.#dir, 'events.jsonl');
    this.child = spawn(program, args, {
      cwd: options.cwd,
      env: {
        ...options.env,
        // `node` anywhere in the command (npm start → sh → node) is the Node volley runs on.
        PATH: `${dirname(process.execPath)}${delimiter}${options.env.PATH ?? ''}`,
        NODE_OPTIONS: nodeOptionsWithPreload(options.env.NODE_OPTIONS),
        [TRACE_ENV.mode]: options.mode,
        [TRACE_ENV.file]: options.file,
        [TRACE_ENV.events]: this.#eventsPath,
        [TRACE_ENV.parent]: String(process.pid),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.#stdout.push(chunk);
      options.stdout?.write(chunk);
    });
    // The program runs in its own process group: if volley exits first, it must not be left behind.
    const orphaned = (): void => this.#signal('SIGKILL');
    process.once('exit', orphaned);
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new TraceError(
            error.code === 'ENOENT'
              ? `cannot start "${program}": command not found`
              : `cannot start "${program}": ${error.message}`,
          ),
        );
      });
      this.child.once('close', (code, signal) => {
        process.off('exit', orphaned);
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
    // Observed here so an early failure is not an unhandled rejection; callers await `exited` themselves.
    this.exited.catch(() => {});
  }

  static start(options: TracedCommandOptions): TracedCommand {
    return new TracedCommand(options);
  }

  get running(): boolean {
    return this.#exit === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  stdoutText(): string {
    return Buffer.concat(this.#stdout).toString('utf8');
  }

  events(): TraceEvent[] {
    let text: string;
    try {
      text = readFileSync(this.#eventsPath, 'utf8');
    } catch {
      return [];
    }
    const out: TraceEvent[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        out.push(JSON.parse(line) as TraceEvent);
      } catch {
        // A line being written as we read: the next read has it.
      }
    }
    return out;
  }

  /** The first address the program listens on; null when it exits first or `timeoutMs` passes. */
  async waitForListen(timeoutMs: number): Promise<ListenAddress | null> {
    const listen = await this.waitForEvent('listen', timeoutMs);
    return listen === null ? null : { port: listen.port as number, address: listen.address as string };
  }

  /** The first event of type `type`; null when the program exits first or `timeoutMs` passes. */
  async waitForEvent(type: string, timeoutMs: number): Promise<TraceEvent | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const event = this.events().find((e) => e.t === type);
      if (event !== undefined) return event;
      if (!this.running || performance.now() > deadline) return null;
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, POLL_MS)),
        this.exited.catch(() => {}),
      ]);
    }
  }

  /** Sends `signal` to the program's process group, then SIGKILL if it is still there after a grace period. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<CommandExit> {
    if (this.running) this.#signal(signal);
    const timer = setTimeout(() => this.#signal('SIGKILL'), STOP_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** Removes the private folder of events. */
  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A process's exit as one exit code: its own, or 128 + the signal's number. */
export function exitCodeOf(exit: CommandExit): number {
  if (exit.code !== null) return exit.code;
  const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signals[exit.signal ?? ''] ?? 1);
}
