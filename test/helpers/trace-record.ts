import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { VOLLEY_BIN } from './cli.ts';

/**
 * Runs `volley trace record` on a fixture server that prints `listening on PORT`, sends it `requests`
 * concurrent GETs of `path(i)` (i from 1), then stops it with Ctrl-C. Returns each response's JSON by i.
 */
export async function recordServerUnderLoad(options: {
  recording: string;
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  requests: number;
  path: (i: number) => string;
  timeoutMs?: number;
}): Promise<Record<number, unknown>> {
  const child = spawn(
    process.execPath,
    [VOLLEY_BIN, 'trace', 'record', '--out', options.recording, '--', 'node', options.script],
    { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /listening on (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      void exited.then(() => reject(new Error(`the recorder exited before the server listened:\n${output}`)));
    });
    const bodies: Record<number, unknown> = {};
    await Promise.all(
      Array.from({ length: options.requests }, async (_, index) => {
        const i = index + 1;
        const res = await fetch(`http://127.0.0.1:${port}${options.path(i)}`);
        assert.equal(res.status, 200, await res.clone().text());
        bodies[i] = await res.json();
      }),
    );
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    return bodies;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
