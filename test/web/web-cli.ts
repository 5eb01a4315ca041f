import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOLLEY_BIN } from '../helpers/cli.ts';

/** A scenario in a temp dir: users that GET / and POST /items with a short, fixed think time. */
export function webScenario(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'volley-web-'));
  const file = join(dir, 'scenario.ts');
  writeFileSync(
    file,
    `import { user, constant } from 'volley';
export const Reader = user({ weight: 2, wait: constant(0.05), tasks: [async (vu) => { await vu.http.get('/'); }] });
export const Writer = user({ wait: constant(0.05), tasks: [async (vu) => { await vu.http.post('/items', { json: { a: 1 } }); }] });
`,
  );
  return { dir, file };
}

export interface WebCli {
  child: ChildProcess;
  /** The URL printed on stderr (with ?token= when one was generated). */
  url: string;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Starts `volley run` with the web UI (VOLLEY_HEADLESS cleared) and resolves once it printed its URL.
 * `prefix` runs it through another command (ip netns exec …). Killed after `timeoutMs` whatever happens.
 */
export function startWebCli(
  args: readonly string[],
  opts: { cwd: string; prefix?: readonly string[]; timeoutMs?: number },
): Promise<WebCli> {
  const command = [...(opts.prefix ?? []), process.execPath, VOLLEY_BIN, 'run', ...args];
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', VOLLEY_HEADLESS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve(code);
    });
  });
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d) => {
      stderr += d;
      const url = /web UI on (\S+)/.exec(stderr)?.[1];
      if (url) resolve({ child, url, stderr: () => stderr, stdout: () => stdout, exited });
    });
    void exited.then((code) =>
      reject(new Error(`volley exited (${code}) before serving the UI:\n${stderr}`)),
    );
  });
}
