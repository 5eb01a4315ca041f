/**
 * What `volley capture` costs per request in instructions (callgrind), which do not depend on what else
 * the machine does: the same bounded load (autocannon, a fixed number of requests after a warm-up) goes
 * through three proxies in front of nginx, each under valgrind: the plainest node:http reverse proxy
 * (bench/lib/bare-proxy.ts, the floor), `volley capture` forwarding only (`--max-entries 1`, reached in
 * the warm-up), and `volley capture` recording every exchange. Slow (a minute or two per proxy): a tool
 * for working on the overhead, beside bench/capture.ts. Method: bench/README.md ("Capture overhead").
 *
 *   node bench/capture-instructions.ts [--rounds 1] [--warm-up 3000] [--requests 3000]
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from './lib/nginx.ts';
import { freePort, sleep, stop, which } from './lib/procs.ts';
import { spread } from './lib/stats.ts';
import { ROOT } from './lib/tools.ts';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1' },
    'warm-up': { type: 'string', default: '3000' },
    requests: { type: 'string', default: '3000' },
  },
});

const nginxPath = which('nginx');
if (which('valgrind') === null || which('callgrind_control') === null || nginxPath === null) {
  process.stderr.write('bench/capture-instructions.ts needs valgrind and nginx (apt-get install …)\n');
  process.exit(2);
}

/** autocannon sends exactly `amount` requests over 8 connections; resolves with how many it counted. */
function load(url: string, amount: string): Promise<number> {
  const cli = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, '--json', '-c', '8', '-a', amount, url],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve((JSON.parse(stdout) as { requests: { total: number } }).requests.total);
      },
    );
  });
}

const PROXIES = {
  bare: (listen: string, upstream: string, _dir: string) => [
    join(ROOT, 'bench', 'lib', 'bare-proxy.ts'),
    '--listen',
    listen,
    '--upstream',
    upstream,
  ],
  forwarding: (listen: string, upstream: string, dir: string) => [
    ...capture(listen, upstream, dir),
    '--max-entries',
    '1',
  ],
  recording: (listen: string, upstream: string, dir: string) => [
    ...capture(listen, upstream, dir),
    '--rotate-size',
    '8MB',
  ],
};

function capture(listen: string, upstream: string, dir: string): string[] {
  return [
    join(ROOT, 'bin', 'volley.js'),
    'capture',
    '--listen',
    listen,
    '--upstream',
    upstream,
    '--out',
    join(dir, 'bench.har'),
  ];
}

async function instructionsPerRequest(kind: keyof typeof PROXIES, upstream: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-bench-capture-cg-'));
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const proxy = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--smc-check=all',
      `--callgrind-out-file=${dir}/cg.%p`,
      process.execPath,
      ...PROXIES[kind](listen, upstream, dir),
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  try {
    const url = `http://${listen}/`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(url)).ok) break;
      } catch {}
      if (i > 2400) throw new Error(`${kind} did not start under valgrind in 20 minutes`);
      await sleep(500);
    }
    await load(url, flags['warm-up'] as string);
    const pid = String(proxy.pid);
    execFileSync('callgrind_control', ['-z', pid], { stdio: 'ignore' });
    const requests = await load(url, flags.requests as string);
    execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' });
    const dump = readdirSync(dir).find((name) => name.startsWith(`cg.${pid}.`));
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, dump as string), 'utf8'));
    return Number(totals?.[1]) / requests;
  } finally {
    await stop(proxy, 'SIGINT', 30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

const nginx = await startNginx(nginxPath, 1, 256);
const results: Record<keyof typeof PROXIES, number[]> = { bare: [], forwarding: [], recording: [] };
const fmt = (n: number) => `${Math.round(n / 1000).toLocaleString('en')}k`;
try {
  for (let round = 1; round <= Number(flags.rounds); round++) {
    for (const kind of Object.keys(PROXIES) as (keyof typeof PROXIES)[]) {
      const n = await instructionsPerRequest(kind, nginx.url);
      results[kind].push(n);
      process.stderr.write(`round ${round} ${kind}: ${fmt(n)} instructions/request\n`);
    }
  }
} finally {
  await nginx.close();
}
const bare = spread(results.bare).median;
for (const kind of Object.keys(PROXIES) as (keyof typeof PROXIES)[]) {
  const median = spread(results[kind]).median;
  process.stdout.write(
    `${kind.padEnd(10)} ${fmt(median).padStart(6)} instructions/request (median of ${results[kind].length}), ${(median / bare).toFixed(2)}× the bare proxy\n`,
  );
}
