/**
 * Start-up: from spawning `volley run` (a small scenario, one user) to its first request arriving at
 * a loopback server in this process. The median of several runs.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stop } from './procs.ts';
import { type Spread, spread } from './stats.ts';
import { ROOT, SCENARIOS } from './tools.ts';

/** How volley is started: from the TypeScript sources (a checkout) or from the compiled dist/ (the npm package). */
export type StartupVariant = 'source' | 'built';

function volleyCommand(variant: StartupVariant): string[] {
  if (variant === 'source') return [join(ROOT, 'bin', 'volley.js')];
  // What bin/volley.js does in a published package, where src/ is absent.
  const main = pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href;
  const code =
    `const { main } = await import(${JSON.stringify(main)});` +
    'process.exit(await main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }));';
  return ['--input-type=module', '-e', code, '--'];
}

export async function measureStartup(
  runs: number,
  variant: StartupVariant,
  log: (line: string) => void,
): Promise<Spread> {
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
          ...volleyCommand(variant),
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
      log(`start-up (${variant}) run ${i + 1}/${runs}: first request after ${ms.toFixed(0)} ms`);
      await stop(child, 'SIGINT');
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return spread(times);
}
