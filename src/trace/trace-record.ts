import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VOLLEY_VERSION } from '../version.ts';
import { TRACE_ENV } from './child-env.ts';
import { secretsFileOf } from './secrets-file.ts';
import { type EndLine, TRACE_FORMAT, type TraceHeader } from './trace-format.ts';
import { type CommandExit, exitCodeOf, TracedCommand } from './traced-command.ts';

export interface RecordTraceOptions {
  command: readonly string[];
  /** The recording to write (replaced if it exists). */
  out: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the command's output is passed through. */
  stdout: NodeJS.WritableStream | null;
  /** Names added to the redaction rules (`--redact`) and kept from them (`--no-redact`). */
  redact?: readonly string[];
  keep?: readonly string[];
}

export interface TraceRecordingSession {
  readonly command: TracedCommand;
  /** Stops the program (SIGTERM, or the signal given) and finishes the recording. */
  stop(signal?: NodeJS.Signals): Promise<RecordResult>;
  /** Resolves when the program ended by itself or was stopped, with the recording finished. */
  readonly finished: Promise<RecordResult>;
}

export interface RecordResult {
  exit: CommandExit;
  /** True when volley stopped the program (then the exit code is 0). */
  stopped: boolean;
  exitCode: number;
  path: string;
}

/**
 * Runs a command with the recorder preloaded: the header is written first, the traced processes append
 * their lines as they go, and an end line with the exit status and standard output closes the file.
 */
export function recordTrace(options: RecordTraceOptions): TraceRecordingSession {
  const path = resolve(options.cwd, options.out);
  const header: TraceHeader = {
    t: 'header',
    format: TRACE_FORMAT,
    volley: VOLLEY_VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    command: [...options.command],
    startedAt: new Date().toISOString(),
  };
  writeFileSync(path, `${JSON.stringify(header)}\n`, { mode: 0o600 });
  rmSync(secretsFileOf(path), { force: true });
  const command = TracedCommand.start({
    command: options.command,
    mode: 'record',
    file: path,
    cwd: options.cwd,
    env: {
      ...options.env,
      [TRACE_ENV.redact]: JSON.stringify({ redact: options.redact ?? [], keep: options.keep ?? [] }),
    },
    stdout: options.stdout,
  });
  let stopped = false;
  const finished = command.exited
    .then((exit) => {
      const end: EndLine = {
        t: 'end',
        code: exit.code,
        signal: exit.signal,
        stdout: command.stdoutText(),
        endedAt: new Date().toISOString(),
      };
      appendFileSync(path, `${JSON.stringify(end)}\n`);
      return { exit, stopped, exitCode: stopped ? 0 : exitCodeOf(exit), path };
    })
    .finally(() => command.dispose());
  return {
    command,
    finished,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopped = true;
      await command.stop(signal);
      return finished;
    },
  };
}
