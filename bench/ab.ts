/**
 * `node bench/ab.ts --base REF`: volley's throughput at another commit against this checkout's, the
 * same way, in the same script: interleaved rounds (the order swapped each round) against one server,
 * each volley pinned to core 0 and the server to core 1. Measured from the outside as in
 * bench/lib/throughput.ts: requests the server answered in a window after a warm-up, and volley's CPU
 * from /proc. Reports medians and same-round ratios. Uses nginx's stand-in, bench/lib/fixed-server.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { requestsServed } from './lib/fixed-server.ts';
import { collectStderr, cpuSeconds, freePort, sleep, spawnPinned, stop } from './lib/procs.ts';
import { fixed, spread } from './lib/stats.ts';
import { ROOT } from './lib/tools.ts';

const USAGE = `usage: node bench/ab.ts --base REF [--rounds N] [--duration SEC] [--warmup SEC] [--users N]
`;

interface Round {
  rps: number;
  cpuMicrosPerRequest: number;
}

function parseAbArgs() {
  try {
    const { values } = parseArgs({
      options: {
        base: { type: 'string' },
        rounds: { type: 'string', default: '5' },
        duration: { type: 'string', default: '6' },
        warmup: { type: 'string', default: '3' },
        users: { type: 'string', default: '64' },
      },
    });
    if (values.base === undefined) throw new Error('--base REF is required (a commit, branch or tag)');
    return { ...values, base: values.base };
  } catch (error) {
    process.stderr.write(`bench/ab: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const options = parseAbArgs();
const rounds = Number(options.rounds);
const durationSec = Number(options.duration);
const warmupSec = Number(options.warmup);
const users = Number(options.users);

/** A checkout of `ref` in a temporary directory, sharing this checkout's node_modules. */
function checkout(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-ab-'));
  execFileSync('sh', ['-c', `git archive "$1" | tar -x -C "$2"`, 'sh', ref, dir], { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function measure(root: string, url: string, statsPort: number): Promise<Round> {
  const args = [join(root, 'bin', 'volley.js'), 'run', join(root, 'bench', 'scenarios', 'minimal.ts')];
  args.push('-H', url, '-u', String(users), '-t', `${warmupSec + durationSec + 30}s`, '--headless');
  const child = spawnPinned(0, process.execPath, [...args, '--only-summary'], {
    cwd: root,
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  const stderr = collectStderr(child);
  try {
    const start = await requestsServed(statsPort);
    while ((await requestsServed(statsPort)) - start < users * 10) {
      if (child.exitCode !== null) throw new Error(`volley did not start: ${stderr().trim().slice(-500)}`);
      await sleep(50);
    }
    await sleep(warmupSec * 1000);
    const cpu0 = cpuSeconds(child.pid as number);
    const requests0 = await requestsServed(statsPort);
    const t0 = performance.now();
    await sleep(durationSec * 1000);
    const cpu1 = cpuSeconds(child.pid as number);
    const requests = (await requestsServed(statsPort)) - requests0;
    const seconds = (performance.now() - t0) / 1000;
    if (cpu0 === null || cpu1 === null)
      throw new Error(`volley exited early: ${stderr().trim().slice(-500)}`);
    const cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
    return { rps: requests / seconds, cpuMicrosPerRequest: (cpu * 1e6) / requests };
  } finally {
    await stop(child);
  }
}

const baseRoot = checkout(options.base);
const loadPort = await freePort();
const statsPort = await freePort();
const server = spawnPinned(1, process.execPath, [
  join(ROOT, 'bench', 'lib', 'fixed-server.ts'),
  String(loadPort),
  String(statsPort),
]);
const results = { base: [] as Round[], here: [] as Round[] };
try {
  await sleep(500);
  for (let round = 1; round <= rounds; round++) {
    const order: ('base' | 'here')[] = round % 2 === 1 ? ['base', 'here'] : ['here', 'base'];
    for (const which of order) {
      const measured = await measure(
        which === 'base' ? baseRoot : ROOT,
        `http://127.0.0.1:${loadPort}`,
        statsPort,
      );
      results[which].push(measured);
      process.stdout.write(
        `round ${round}/${rounds} ${which === 'base' ? options.base : 'this checkout'}: ` +
          `${fixed(measured.rps)} req/s, ${fixed(measured.cpuMicrosPerRequest, 2)} µs CPU/request\n`,
      );
    }
  }
} finally {
  await stop(server);
  rmSync(baseRoot, { recursive: true, force: true });
}
const median = (values: number[]) => spread(values).median;
const rpsRatios = results.here.map((r, i) => r.rps / (results.base[i] as Round).rps);
const cpuRatios = results.here.map(
  (r, i) => (results.base[i] as Round).cpuMicrosPerRequest / r.cpuMicrosPerRequest,
);
process.stdout.write(
  `median req/s: ${options.base} ${fixed(median(results.base.map((r) => r.rps)))}, ` +
    `this checkout ${fixed(median(results.here.map((r) => r.rps)))}\n` +
    `median CPU µs/request: ${options.base} ${fixed(median(results.base.map((r) => r.cpuMicrosPerRequest)), 2)}, ` +
    `this checkout ${fixed(median(results.here.map((r) => r.cpuMicrosPerRequest)), 2)}\n` +
    `same-round ratio, this checkout ÷ ${options.base}: req/s ${fixed(median(rpsRatios), 3)} ` +
    `(${rpsRatios.map((r) => fixed(r, 3)).join(', ')}); per core (CPU per request, inverted) ` +
    `${fixed(median(cpuRatios), 3)} (${cpuRatios.map((r) => fixed(r, 3)).join(', ')})\n`,
);
