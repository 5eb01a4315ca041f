/**
 * Start-up: from spawning a process to its first request arriving at a loopback server in this process.
 * Every variant runs once per round, interleaved, so a noisy machine slows them alike; the medians and
 * the per-round ratios to bare Node and to autocannon are what to compare.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stop } from './procs.ts';
import { type Spread, spread } from './stats.ts';
import { ROOT, SCENARIOS } from './tools.ts';

/**
 * - source: `bin/volley.js` in a checkout (TypeScript stripped at load);
 * - built: the npm package (dist/, what users install);
 * - node: bare Node sending one request (the floor: what any Node tool pays);
 * - autocannon: a peer written in Node.
 */
export type StartupVariant = 'source' | 'built' | 'node' | 'autocannon';

const autocannonJs = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');

function command(variant: StartupVariant, url: string): string[] {
  const volleyArgs = ['run', join(SCENARIOS, 'minimal.ts'), '-H', url, '-u', '1', '-t', '1s', '--headless'];
  switch (variant) {
    case 'source':
      return [join(ROOT, 'bin', 'volley.js'), ...volleyArgs, '--only-summary'];
    case 'built': {
      // What bin/volley.js does in a published package, where src/ is absent.
      const main = pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href;
      const code =
        "(await import('node:module')).default.enableCompileCache?.();" +
        `const { main } = await import(${JSON.stringify(main)});` +
        'process.exit(await main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }));';
      return ['--input-type=module', '-e', code, '--', ...volleyArgs, '--only-summary'];
    }
    case 'node':
      return ['-e', `require('node:http').get(${JSON.stringify(url)}, (r) => r.resume())`];
    case 'autocannon':
      return [autocannonJs, '-c', '1', '-d', '1', url];
  }
}

export function startupAvailable(variant: StartupVariant): boolean {
  if (variant === 'autocannon') return existsSync(autocannonJs);
  if (variant === 'built') return existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
  return true;
}

/** Medians per variant, first request in ms; `rounds` runs of each, interleaved. */
export async function measureStartup(
  rounds: number,
  variants: readonly StartupVariant[],
  log: (line: string) => void,
): Promise<Map<StartupVariant, Spread>> {
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
  const url = `http://127.0.0.1:${address.port}`;
  const times = new Map<StartupVariant, number[]>(variants.map((v) => [v, []]));
  try {
    // One unmeasured run each first: the compile cache and the OS file cache are then warm for all.
    for (let round = 0; round <= rounds; round++) {
      for (const variant of variants) {
        const arrived = new Promise<number>((resolve) => {
          firstRequest = () => resolve(performance.now());
        });
        const started = performance.now();
        const child = spawn(process.execPath, command(variant, url), { stdio: 'ignore', detached: true });
        const ms = (await arrived) - started;
        await stop(child, 'SIGINT');
        if (round === 0) continue;
        times.get(variant)?.push(ms);
        log(`start-up round ${round}/${rounds}, ${variant}: first request after ${ms.toFixed(0)} ms`);
      }
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return new Map([...times].map(([v, t]) => [v, spread(t)]));
}

/** Per-round ratios a ÷ b (same round, so the same machine state), summarised. */
export function startupRatio(spreads: Map<StartupVariant, Spread>, a: StartupVariant, b: StartupVariant) {
  const x = spreads.get(a)?.values ?? [];
  const y = spreads.get(b)?.values ?? [];
  return spread(x.map((v, i) => v / (y[i] ?? Number.NaN)).filter(Number.isFinite));
}
