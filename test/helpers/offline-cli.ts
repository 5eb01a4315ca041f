import { spawnSync } from 'node:child_process';
import { type CliResult, runCli, VOLLEY_BIN } from './cli.ts';

/** `unshare -n` works here (root, or user namespaces allowed): replay runs in a namespace with no network. */
export const unshare =
  spawnSync('unshare', ['-n', process.execPath, '-e', '0'], { stdio: 'ignore' }).status === 0;

/** The CLI, inside `unshare -n` when possible. */
export function runOffline(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  if (!unshare) return runCli(args, { env });
  return new Promise((resolve, reject) => {
    const child = spawnSync('unshare', ['-n', process.execPath, VOLLEY_BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', VOLLEY_HEADLESS: '1', ...env },
      encoding: 'utf8',
      timeout: 90_000,
    });
    if (child.error) reject(child.error);
    else resolve({ code: child.status, stdout: child.stdout, stderr: child.stderr });
  });
}
