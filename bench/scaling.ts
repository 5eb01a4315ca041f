/**
 * Scaling efficiency of `--processes`: requests per second with 1 worker process vs N against a loopback
 * target (nginx when installed, else a node:http server in its own process), and
 * efficiency = rps(N) / (N × rps(1)).
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

function runVolley(dir: string, host: string, processes: number): Promise<RunSummary> {
  const json = join(dir, `p${processes}.json`);
  const args = [VOLLEY, 'run', join(dir, 'scenario.ts'), '-H', host, '-u', String(users)];
  args.push('-t', `${durationSec}s`, '--processes', String(processes), '--json-file', json, '--only-summary');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`volley exited with ${code}`));
      else resolve(JSON.parse(readFileSync(json, 'utf8')) as RunSummary);
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
  const rows: { processes: number; rps: number; p50: number; p99: number }[] = [];
  for (const processes of counts) {
    const summary = await runVolley(dir, `http://127.0.0.1:${port}`, processes);
    const { rps, percentiles } = summary.aggregated;
    rows.push({ processes, rps, p50: percentiles['50'] ?? 0, p99: percentiles['99'] ?? 0 });
  }
  const base = rows[0]!;
  console.log('processes      req/s   p50 ms   p99 ms   speed-up   efficiency');
  for (const row of rows) {
    const speedUp = row.rps / base.rps;
    const efficiency = speedUp / (row.processes / base.processes);
    console.log(
      `${String(row.processes).padStart(9)} ${row.rps.toFixed(0).padStart(10)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${speedUp.toFixed(2).padStart(9)}x ${(efficiency * 100).toFixed(0).padStart(11)}%`,
    );
  }
  if (cores <= Math.max(...counts)) {
    console.log(
      `\nnote: ${cores} cores for ${Math.max(...counts)} volley processes plus the target: they compete for CPU, so this` +
        " efficiency is a floor, not volley's scaling; use a machine with spare cores or a remote target.",
    );
  }
} finally {
  target.kill('SIGTERM');
}
