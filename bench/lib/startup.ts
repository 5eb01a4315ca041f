/**
 * Start-up: from spawning `volley run` (a small scenario, one user) to its first request arriving at
 * a loopback server in this process. The median of several runs.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { stop } from './procs.ts';
import { type Spread, spread } from './stats.ts';
import { ROOT, SCENARIOS } from './tools.ts';

export async function measureStartup(runs: number, log: (line: string) => void): Promise<Spread> {
  let firstRequest: (() => void) | null = null;
  const server = createServer((_req, res) => {
    firstRequest?.();
    firstRequest = null;
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const arrived = new Promise<number>((resolve) => {
        firstRequest = () => resolve(performance.now());
      });
      const started = performance.now();
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'bin', 'volley.js'),
          'run',
          join(SCENARIOS, 'minimal.ts'),
          '-H',
          `http://127.0.0.1:${address.port}`,
          '-u',
          '1',
          '-t',
          '1s',
          '--headless',
          '--only-summary',
        ],
        { stdio: 'ignore', detached: true },
      );
      const ms = (await arrived) - started;
      times.push(ms);
      log(`start-up run ${i + 1}/${runs}: first request after ${ms.toFixed(0)} ms`);
      await stop(child, 'SIGINT');
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return spread(times);
}
