/**
 * Scaling efficiency of `--processes`: requests per second with 1 worker process vs N against a loopback
 * target (nginx when installed, else a node:http server in its own process), and
 * efficiency = rps(N) / (N × rps(1)), plus the CPU volley spends per 1000 requests (start-up subtracted),
 * which shows the coordination overhead independently of how many cores this machine can spare.
 *
 *   npx node bench/scaling.ts [--processes 1,2] [--users 32] [--duration 10] [--target nginx|node]
 *
 * Honest reading: the target runs on the same machine. On a 2-core machine volley's processes and the
 * target share the cores, so going from 1 to 2 volley processes mostly takes CPU from the target and the
 * efficiency says little about volley; measure on a machine with spare cores (or a remote target) for that.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunSummary } from '../src/metrics/summary.ts';

const VOLLEY = fileURLToPath(new URL('../bin/volley.js', import.meta.url));
const NGINX = '/usr/sbin/nginx';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '1,2' },
    users: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    target: { type: 'string' },
  },
});
const counts = values.processes.split(',').map(Number);
const users = Number(values.users);
const durationSec = Number(values.duration);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`target on port ${port} did not come up`);
}

function startNginx(dir: string, port: number): ChildProcess {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
error_log ${dir}/logs/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; location / { return 200 "ok"; } }
}
`,
  );
  return spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: 'inherit' });
}

function startNodeTarget(port: number): ChildProcess {
  const source = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1');`;
  return spawn(process.execPath, ['-e', source], { stdio: 'inherit' });
}

const TIME = '/usr/bin/time';

interface Measured {
  summary: RunSummary;
  /** CPU seconds (user + system) of volley's whole process tree, when /usr/bin/time is there. */
  cpuSec: number | null;
}

/** One run of the CLI; with /usr/bin/time, the CPU its processes used (workers are reaped, so counted). */
function runVolley(dir: string, host: string, processes: number, extra: string[]): Promise<Measured> {
  const json = join(dir, `p${processes}.json`);
  const cpuFile = join(dir, `p${processes}.cpu`);
  const args = [VOLLEY, 'run', join(dir, 'scenario.ts'), '-H', host, '--processes', String(processes)];
  args.push('--json-file', json, '--only-summary', '--headless', ...extra);
  const timed = existsSync(TIME);
  const [command, argv] = timed
    ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`volley exited with ${code}`));
      const summary = JSON.parse(readFileSync(json, 'utf8')) as RunSummary;
      const cpu = timed
        ? readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number)
        : null;
      resolve({ summary, cpuSec: cpu ? (cpu[0] ?? 0) + (cpu[1] ?? 0) : null });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'volley-scaling-'));
writeFileSync(
  join(dir, 'scenario.ts'),
  `import { user } from 'volley';\nexport default user({ tasks: [async (vu) => { await vu.http.get('/'); }] });\n`,
);
const useNginx = values.target ? values.target === 'nginx' : existsSync(NGINX);
const port = await freePort();
const target = useNginx ? startNginx(dir, port) : startNodeTarget(port);
try {
  await waitForPort(port);
  const cores = availableParallelism();
  console.log(
    `volley scaling: ${users} users, ${durationSec} s per run, target ${useNginx ? 'nginx (1 worker)' : 'node:http'} on 127.0.0.1:${port}`,
  );
  console.log(`machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown'}), shared with the target\n`);
  const rows: { processes: number; rps: number; p50: number; p99: number; cpuMsPer1k: number | null }[] = [];
  for (const processes of counts) {
    const host = `http://127.0.0.1:${port}`;
    // Start-up and shut-down cost (loading the scenario in each process), subtracted from the CPU figure.
    const idle = await runVolley(dir, host, processes, ['-u', String(processes), '-i', '1']);
    const run = await runVolley(dir, host, processes, ['-u', String(users), '-t', `${durationSec}s`]);
    const { rps, percentiles, requests } = run.summary.aggregated;
    const cpuMsPer1k =
      run.cpuSec !== null && idle.cpuSec !== null ? ((run.cpuSec - idle.cpuSec) * 1e6) / requests : null;
    rows.push({ processes, rps, p50: percentiles['50'] ?? 0, p99: percentiles['99'] ?? 0, cpuMsPer1k });
  }
  const base = rows[0]!;
  console.log('processes      req/s   p50 ms   p99 ms   speed-up   efficiency   volley CPU ms / 1000 req');
  for (const row of rows) {
    const speedUp = row.rps / base.rps;
    const efficiency = speedUp / (row.processes / base.processes);
    const cpu = row.cpuMsPer1k === null ? 'n/a' : row.cpuMsPer1k.toFixed(0);
    console.log(
      `${String(row.processes).padStart(9)} ${row.rps.toFixed(0).padStart(10)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${speedUp.toFixed(2).padStart(9)}x ${(efficiency * 100).toFixed(0).padStart(11)}% ${cpu.padStart(26)}`,
    );
  }
  console.log(
    '\nCPU per 1000 requests is what volley spends (all its processes, start-up subtracted): when it stays flat' +
      ' from 1 to N processes, req/s grows with the cores volley gets, whatever this machine can give it.',
  );
  if (cores <= Math.max(...counts)) {
    console.log(
      `\nnote: ${cores} cores for ${Math.max(...counts)} volley processes plus the target: they compete for CPU, so this` +
        " efficiency is a floor, not volley's scaling; use a machine with spare cores or a remote target.",
    );
  }
} finally {
  target.kill('SIGTERM');
}
