import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VOLLEY_BIN } from './cli.ts';
import { until } from './until.ts';

function inboundLines(recording: string): number {
  try {
    return readFileSync(recording, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{"t":"in"')).length;
  } catch {
    return 0;
  }
}

/**
 * Runs `volley trace record` on a fixture server that prints `listening on PORT`, sends it `requests`
 * concurrent GETs of `path(i)` (i from 1), then stops it with Ctrl-C once they are all in the recording.
 * Returns each response's JSON by i.
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
    // Ctrl-C once every exchange is written: a kill loses the lines of the traced process's last turn.
    await until(() => inboundLines(options.recording) >= options.requests, 'every request in the recording');
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    return bodies;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
