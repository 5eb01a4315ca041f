import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const VOLLEY_BIN = fileURLToPath(new URL('../../bin/volley.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process (the Node running the tests), bounded by `timeoutMs`. Headless
 * (VOLLEY_HEADLESS=1) unless `env` says otherwise: without it `volley run` would serve the web UI and wait.
 */
export function runCli(
  args: readonly string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Sends SIGINT once stdout contains this (Ctrl-C once the run is seen going, not after a guessed sleep). */
    interruptOn?: string;
    /** Sends SIGINT once this resolves (Ctrl-C once the test sees what it waited for). */
    interruptWhen?: Promise<unknown>;
    /** Called with all the output so far (standard output, then standard error), whenever more arrives. */
    onOutput?: (output: string) => void;
    /** Runs this program with the CLI's arguments after it (e.g. unshare …), instead of Node directly. */
    wrap?: readonly string[];
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const argv = [...(opts.wrap ?? []), process.execPath, VOLLEY_BIN, ...args];
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', VOLLEY_HEADLESS: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onOutput?.(`${stdout}\n${stderr}`);
      if (opts.interruptOn !== undefined && !interrupted && stdout.includes(opts.interruptOn)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    void opts.interruptWhen?.then(() => {
      if (!interrupted && child.exitCode === null) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onOutput?.(`${stdout}\n${stderr}`);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `volley ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 30000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, opts.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
