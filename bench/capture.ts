/**
 * `node bench/capture.ts`: what `volley capture` costs. The same load goes to nginx directly, through the
 * plainest node:http reverse proxy (bench/lib/bare-proxy.ts, the floor any Node proxy pays) and through
 * the capturing proxy, interleaved round by round: the p50 each adds at a moderate fixed rate (timed to
 * the microsecond by bench/lib/paced-client.ts), and the requests per second each passes flat out
 * (autocannon) with its CPU per request, so req/s per core, the figure that survives a shared machine.
 * Proxies run pinned to core 0, nginx to core 1; capture records every exchange (rotating files at 8 MB,
 * as a long capture should). Method: bench/README.md ("Capture overhead").
 */
import { type ChildProcess, execFile } from 'node:child_process';
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

interface Proxy {
  url: string;
  child: ChildProcess;
}

async function startProxy(script: string[], extra: string[]): Promise<Proxy> {
  const port = await freePort();
  const child = spawnPinned(0, process.execPath, [
    ...script,
    '--listen',
    `127.0.0.1:${port}`,
    '--upstream',
    nginx.url,
    ...extra,
  ]);
  const errors = collectStderr(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/`)).ok) return { url, child };
    } catch {}
    await sleep(50);
  }
  throw new Error(`${script.join(' ')} did not start: ${errors()}`);
}

/** A node script's --json output (autocannon or the paced client). */
function nodeJson<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

const paced = (url: string) =>
  nodeJson<{ p50: number; count: number }>([
    join(ROOT, 'bench', 'lib', 'paced-client.ts'),
    `${url}/`,
    String(rate),
    String(duration),
    '8',
  ]);

const flatOut = (url: string) =>
  nodeJson<{ requests: { average: number; total: number } }>([
    join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '-c',
    String(connections),
    '-d',
    String(duration),
    `${url}/`,
  ]);

const TARGETS = ['direct', 'bare', 'capture'] as const;
type Target = (typeof TARGETS)[number];
const results = Object.fromEntries(
  TARGETS.map((t) => [t, { p50: [] as number[], rps: [] as number[], cpuMicros: [] as number[] }]),
) as Record<Target, { p50: number[]; rps: number[]; cpuMicros: number[] }>;
/** Same-round ratios, capture's figure ÷ another's. */
const ratios = { rpsDirect: [] as number[], cpuBare: [] as number[], addedP50: [] as number[] };

const proxies: Proxy[] = [];
try {
  const bare = await startProxy([join(ROOT, 'bench', 'lib', 'bare-proxy.ts')], []);
  proxies.push(bare);
  const capture = await startProxy(
    [join(ROOT, 'bin', 'volley.js'), 'capture'],
    ['--out', join(dir, 'bench.har'), '--rotate-size', '8MB'],
  );
  proxies.push(capture);
  const urls: Record<Target, string> = { direct: nginx.url, bare: bare.url, capture: capture.url };
  const pids: Record<Target, number | undefined> = {
    direct: undefined,
    bare: bare.child.pid,
    capture: capture.child.pid,
  };
  for (let round = 1; round <= rounds; round++) {
    for (const target of TARGETS) {
      const latency = await paced(urls[target]);
      const pid = pids[target];
      const before = pid === undefined ? null : cpuSeconds(pid);
      const flat = await flatOut(urls[target]);
      const after = pid === undefined ? null : cpuSeconds(pid);
      const r = results[target];
      r.p50.push(latency.p50);
      r.rps.push(flat.requests.average);
      if (before && after) {
        const cpu = after.user + after.system - before.user - before.system;
        r.cpuMicros.push((cpu * 1e6) / Math.max(1, flat.requests.total));
      }
      process.stderr.write(
        `round ${round} ${target}: p50 ${latency.p50.toFixed(3)} ms at ${rate}/s, ${Math.round(flat.requests.average)} req/s flat out${r.cpuMicros.length === round ? `, ${(r.cpuMicros.at(-1) as number).toFixed(1)} µs CPU/req` : ''}\n`,
      );
    }
    const last = (t: Target, k: 'p50' | 'rps' | 'cpuMicros') => results[t][k].at(-1) as number;
    ratios.rpsDirect.push(last('capture', 'rps') / last('direct', 'rps'));
    ratios.cpuBare.push(last('capture', 'cpuMicros') / last('bare', 'cpuMicros'));
    ratios.addedP50.push(last('capture', 'p50') - last('direct', 'p50'));
  }
} finally {
  for (const proxy of proxies) await stop(proxy.child);
  await nginx.close();
  rmSync(dir, { recursive: true, force: true });
}

const m = (list: number[]) => spread(list).median;
const row = (label: string, pick: (t: Target) => string, difference: string): string[] => [
  label,
  ...TARGETS.map(pick),
  difference,
];
process.stdout.write(
  `${table(
    ['', 'direct', 'bare node:http proxy', 'volley capture', 'capture vs (same-round median)'],
    [
      row(
        `p50 at ${rate} req/s (ms)`,
        (t) => fixed(m(results[t].p50), 3),
        `+${fixed(m(ratios.addedP50), 3)} ms vs direct`,
      ),
      row(
        `req/s flat out (${connections} conns)`,
        (t) => fixed(m(results[t].rps)),
        `${fixed(m(ratios.rpsDirect) * 100)}% of direct`,
      ),
      row(
        'proxy CPU µs/req',
        (t) => (t === 'direct' ? '' : fixed(m(results[t].cpuMicros), 1)),
        `${fixed(m(ratios.cpuBare), 2)}× the bare proxy`,
      ),
      row('proxy req/s per core', (t) => (t === 'direct' ? '' : fixed(1e6 / m(results[t].cpuMicros))), ''),
    ],
  )}\n(medians of ${rounds} rounds × ${duration} s; nginx the upstream on core 1, proxies on core 0)\n`,
);
