import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offlineSandbox } from './offline-sandbox.ts';
import type { ReplayReport } from './replay-report.ts';
import { TraceError } from './trace-error.ts';
import { recordTrace } from './trace-record.ts';
import type { ListenAddress } from './traced-command.ts';

export interface VerifyTraceOptions {
  command: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Sends the load once the program listens; resolves with the load's exit code. */
  load: (address: ListenAddress) => Promise<number>;
  /** Where to keep the recording (default: a temporary file, removed after). */
  out?: string;
  /** Folders the replay must not see (the database's): hidden behind empty ones. */
  hide: readonly string[];
  /** Names added to and kept from the redaction rules. */
  redact: readonly string[];
  keep: readonly string[];
  /** Options passed on to `volley trace replay`. */
  replayArgs: readonly string[];
  timeoutMs: number;
  log: (line: string) => void;
}

export interface VerifyTraceResult {
  loadExitCode: number;
  report: ReplayReport;
  /** Empty when the replay ran in a network namespace; else why it could not. */
  notIsolated: string;
  recording: string;
}

const VOLLEY_BIN = fileURLToPath(new URL('../../bin/volley.js', import.meta.url));

/**
 * Record → replay → compare in one go: the program runs under the recorder while the load runs, is
 * stopped, then is replayed from the recording in a fresh network namespace (only loopback) with its data
 * folders hidden — or, where the machine does not allow that, replayed in place and the result says so.
 */
export async function verifyTrace(options: VerifyTraceOptions): Promise<VerifyTraceResult> {
  const work = mkdtempSync(join(tmpdir(), 'volley-trace-verify-'));
  const recording =
    options.out === undefined ? join(work, 'recording.vtrace') : resolve(options.cwd, options.out);
  try {
    const session = recordTrace({
      command: options.command,
      out: recording,
      cwd: options.cwd,
      env: options.env,
      stdout: null,
    });
    const address = await session.command.waitForListen(options.timeoutMs);
    if (address === null) {
      await session.stop();
      throw new TraceError(
        `the program did not listen within ${options.timeoutMs / 1000} s; trace verify needs a server (use record and replay for a client program)`,
      );
    }
    options.log(`recording: the program listens on port ${address.port}; sending the load`);
    const loadExitCode = await options.load(address);
    const recorded = await session.stop();
    options.log(`recording: stopped (exit code ${recorded.exitCode}); replaying offline`);

    const reportFile = join(work, 'report.json');
    const hide = options.hide.map((dir) => resolve(options.cwd, dir));
    for (const dir of hide) if (!existsSync(dir)) throw new TraceError(`--hide ${dir}: no such folder`);
    const replay = [
      process.execPath,
      VOLLEY_BIN,
      'trace',
      'replay',
      recording,
      '--json',
      reportFile,
      ...options.replayArgs,
      '--',
      ...options.command,
    ];
    const { sandbox, reason } = offlineSandbox();
    const argv = sandbox === null ? replay : sandbox.wrap(replay, hide);
    const code = await new Promise<number>((done, fail) => {
      const child = spawn(argv[0] as string, argv.slice(1), {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('error', fail);
      child.once('close', (exit) => done(exit ?? 1));
    });
    if (!existsSync(reportFile))
      throw new TraceError(`the replay failed before it could report (exit code ${code})`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ReplayReport;
    return { loadExitCode, report, notIsolated: reason, recording };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
