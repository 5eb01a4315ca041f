import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOLLEY_BIN } from '../helpers/cli.ts';

/** Named checks for webScenario({ checks: true }): against a target answering 200, "status is 201" always fails. */
const READER_CHECKS = `{ check: { 'status is 200': (r) => r.status === 200 } }`;
const WRITER_CHECKS = `check: { 'is ok': (r) => r.json().ok === true, 'status is 201': (r) => r.status === 201 }`;

/**
 * A scenario in a temp dir: users that GET / and POST /items with a short, fixed think time; with
 * `checks`, each request also runs named checks (so every POST fails).
 */
export function webScenario(options: { checks?: boolean } = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'volley-web-'));
  const file = join(dir, 'scenario.ts');
  const readerOptions = options.checks ? `, ${READER_CHECKS}` : '';
  const writerChecks = options.checks ? `, ${WRITER_CHECKS}` : '';
  writeFileSync(
    file,
    `import { user, constant } from 'volley';
export const Reader = user({ weight: 2, wait: constant(0.05), tasks: [async (vu) => { await vu.http.get('/'${readerOptions}); }] });
export const Writer = user({ wait: constant(0.05), tasks: [async (vu) => { await vu.http.post('/items', { json: { a: 1 }${writerChecks} }); }] });
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
