/**
 * `node bench/capture.ts`: what `volley capture` costs. The same load (autocannon) goes to nginx directly
 * and through the capturing proxy, interleaved round by round: the p50 it adds at a moderate fixed rate,
 * and the requests per second it passes flat out, with its CPU per request (so req/s per core, the figure
 * that survives a shared machine). The proxy runs pinned to core 0 and records every exchange (rotating
 * files at 8 MB, as a long capture should). Method: bench/README.md ("Capture overhead").
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from './lib/nginx.ts';
import { collectStderr, cpuSeconds, freePort, sleep, spawnPinned, stop, which } from './lib/procs.ts';
import { fixed, spread, table } from './lib/stats.ts';
import { ROOT } from './lib/tools.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '64' },
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const rate = Number(values.rate);
const connections = Number(values.connections);

const nginxPath = which('nginx');
if (nginxPath === null) {
  process.stderr.write('bench: nginx is needed as the upstream (apt-get install nginx)\n');
  process.exit(2);
}
const nginx = await startNginx(nginxPath, 1, connections * 4);
const dir = mkdtempSync(join(tmpdir(), 'volley-bench-capture-'));
const port = await freePort();
const proxy = spawnPinned(0, process.execPath, [
  join(ROOT, 'bin', 'volley.js'),
  'capture',
  '--listen',
  `127.0.0.1:${port}`,
  '--upstream',
  nginx.url,
  '--out',
  join(dir, 'bench.har'),
  '--rotate-size',
  '8MB',
]);
const proxyErrors = collectStderr(proxy);
const proxied = `http://127.0.0.1:${port}`;

async function waitForProxy(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${proxied}/`)).ok) return;
    } catch {}
    await sleep(50);
  }
  throw new Error(`volley capture did not start: ${proxyErrors()}`);
}

interface LoadResult {
  latency: { p50: number };
  requests: { average: number; total: number };
}

/** autocannon (the npm devDependency's CLI, as bench/lib/tools.ts runs it), its --json report. */
function load(url: string, options: { rate?: number; connections: number }): Promise<LoadResult> {
  const args = [
    join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '-c',
    String(options.connections),
    '-d',
    String(duration),
  ];
  if (options.rate !== undefined) args.push('-R', String(options.rate));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...args, url], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

const direct = nginx.url;
const results = {
  direct: { p50: [] as number[], rps: [] as number[] },
  proxied: { p50: [] as number[], rps: [] as number[], cpuMicros: [] as number[] },
};
try {
  await waitForProxy();
  for (let round = 1; round <= rounds; round++) {
    for (const [name, url] of [
      ['direct', direct],
      ['proxied', proxied],
    ] as const) {
      const latency = await load(url, { rate, connections: 8 });
      results[name].p50.push(latency.latency.p50);
      const before = cpuSeconds(proxy.pid as number);
      const flat = await load(url, { connections });
      const after = cpuSeconds(proxy.pid as number);
      results[name].rps.push(flat.requests.average);
      if (name === 'proxied' && before && after) {
        const cpu = after.user + after.system - before.user - before.system;
        results.proxied.cpuMicros.push((cpu * 1e6) / Math.max(1, flat.requests.total));
      }
      process.stderr.write(
        `round ${round} ${name}: p50 ${latency.latency.p50} ms at ${rate}/s, ${Math.round(flat.requests.average)} req/s flat out\n`,
      );
    }
  }
} finally {
  await stop(proxy);
  await nginx.close();
  rmSync(dir, { recursive: true, force: true });
}

const d = { p50: spread(results.direct.p50), rps: spread(results.direct.rps) };
const p = {
  p50: spread(results.proxied.p50),
  rps: spread(results.proxied.rps),
  cpu: spread(results.proxied.cpuMicros),
};
process.stdout.write(
  `${table(
    ['', 'direct', 'through volley capture', 'difference'],
    [
      [
        `p50 at ${rate} req/s (ms)`,
        fixed(d.p50.median, 2),
        fixed(p.p50.median, 2),
        `+${fixed(p.p50.median - d.p50.median, 2)} ms`,
      ],
      [
        `req/s flat out (${connections} conns)`,
        fixed(d.rps.median),
        fixed(p.rps.median),
        `${fixed((p.rps.median / d.rps.median) * 100)}%`,
      ],
      ['proxy CPU µs/req', '', fixed(p.cpu.median, 1), ''],
      ['proxy req/s per core', '', fixed(1e6 / p.cpu.median), ''],
    ],
  )}\n(medians of ${rounds} rounds × ${duration} s; autocannon is the client, nginx the upstream)\n`,
);
