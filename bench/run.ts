/**
 * `npm run bench`: volley against its peers, and its own start-up and memory figures. Flags: USAGE
 * below; method and results: bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureMemory, soak } from './lib/memory.ts';
import { startNginx } from './lib/nginx.ts';
import { canPin, which } from './lib/procs.ts';
import { measureStartup, type StartupVariant, startupAvailable, startupRatio } from './lib/startup.ts';
import { fixed } from './lib/stats.ts';
import { measureThroughput, throughputTable } from './lib/throughput.ts';
import { ROOT, TOOLS } from './lib/tools.ts';

const USAGE = `usage: node bench/run.ts [--quick] [--rounds N] [--duration SEC] [--warmup SEC] [--connections N]
         [--tools volley,autocannon,...] [--only throughput,startup,memory]
         [--users N] [--soak MINUTES] [--tls] [--no-install] [--out FILE]   (see bench/README.md)
`;

function parseBenchArgs() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string', default: '64' },
        tools: { type: 'string' },
        only: { type: 'string', default: 'throughput,startup,memory' },
        users: { type: 'string' },
        soak: { type: 'string' },
        tls: { type: 'boolean', default: false },
        'no-install': { type: 'boolean', default: false },
        out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
      },
    });
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const { values } = parseBenchArgs();

const env = process.env;
const quick = values.quick === true || env.BENCH_QUICK === '1';
const rounds = Number(values.rounds ?? env.BENCH_ROUNDS ?? (quick ? 2 : 5));
const durationSec = Number(values.duration ?? env.BENCH_DURATION ?? (quick ? 4 : 10));
const warmupSec = Number(values.warmup ?? env.BENCH_WARMUP ?? (quick ? 2 : 3));
const connections = Number(values.connections);
const memoryUsers = Number(values.users ?? env.BENCH_USERS ?? (quick ? 2000 : 15_000));
const only = new Set(values.only.split(','));
if (values.soak !== undefined) only.add('soak');
const wanted = values.tools?.split(',') ?? null;
// volley-undici (volley through undici) only when asked for: a comparison of volley's two transports.
const tools = TOOLS.filter((tool) =>
  wanted === null ? tool.name !== 'volley-undici' : wanted.includes(tool.name),
);

const TOOL_CORE = 0;
const SERVER_CORE = 1;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** apt packages of missing peers, installed when running as root (CI); otherwise they are skipped. */
function installPeers(): void {
  const missing: string[] = [];
  if (which('nginx') === null) missing.push('nginx');
  if (which('wrk') === null) missing.push('wrk');
  if (which('locust') === null) missing.push('python3-locust');
  if (which('taskset') === null) missing.push('util-linux');
  if (missing.length === 0) return;
  if (values['no-install'] || process.getuid?.() !== 0 || which('apt-get') === null) {
    log(`not installing ${missing.join(', ')} (not root, no apt-get, or --no-install): skipped`);
    return;
  }
  log(`installing ${missing.join(', ')} with apt-get…`);
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'ignore' });
  } catch {
    // Some may not exist in this distribution (python3-locust): those tools report "not available".
    for (const name of missing) {
      try {
        execFileSync('apt-get', ['install', '-y', '--no-install-recommends', name], { stdio: 'ignore' });
      } catch {
        log(`apt-get could not install ${name}`);
      }
    }
  }
}

/** Compiles dist/ as `npm pack` would, for the start-up of the published package; false if it fails. */
function buildDist(): boolean {
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json')], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    log('could not build dist/: start-up of the package not measured');
    return false;
  }
}

async function main(): Promise<void> {
  installPeers();
  const nginxPath = which('nginx');
  if (nginxPath === null) throw new Error('nginx is needed as the server under test (apt-get install nginx)');
  if (!canPin)
    log('warning: cannot pin to separate cores (taskset missing or one core): figures are indicative');
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), pinned: canPin },
    node: process.version,
    settings: { rounds, durationSec, warmupSec, connections, memoryUsers, tls: values.tls },
  };
  const nginx = await startNginx(
    nginxPath,
    SERVER_CORE,
    Math.max(memoryUsers, connections) + 100,
    values.tls,
  );
  const report: string[] = [];
  try {
    if (only.has('throughput')) {
      log(
        `throughput: ${rounds} rounds × ${durationSec} s (after ${warmupSec} s warm-up), ${connections} connections`,
      );
      const throughput = await measureThroughput(
        nginx,
        tools,
        { rounds, durationSec, warmupSec, connections, toolCore: TOOL_CORE },
        log,
      );
      results.throughput = throughput;
      report.push(
        `Throughput on one core (nginx on another), ${values.tls ? 'HTTPS, ' : ''}${connections} connections, ` +
          `${rounds} rounds × ${durationSec} s:`,
        throughputTable(throughput),
      );
      for (const r of throughput)
        if (!r.available) report.push(`  ${r.name}: not available (${r.unavailableReason})`);
    }
    if (only.has('startup')) {
      const runs = quick ? 3 : 7;
      buildDist();
      const variants = (['node', 'autocannon', 'built', 'source'] as const).filter(startupAvailable);
      const spreads = await measureStartup(runs, variants, log);
      const ratios = {
        builtToNode: startupRatio(spreads, 'built', 'node'),
        builtToAutocannon: startupRatio(spreads, 'built', 'autocannon'),
        sourceToBuilt: startupRatio(spreads, 'source', 'built'),
      };
      results.startup = { firstRequestMs: Object.fromEntries(spreads), ratios };
      const names: Record<StartupVariant, string> = {
        node: 'bare Node, one http.get (the floor)',
        autocannon: 'autocannon -c 1',
        built: 'volley, npm package (dist/)',
        source: 'volley, source checkout (TypeScript stripped)',
      };
      const rows = [...spreads].map(
        ([v, s]) =>
          `  ${names[v].padEnd(48)} median ${fixed(s.median).padStart(6)} ms (${fixed(s.min)}–${fixed(s.max)})`,
      );
      const ratio = (label: string, r: { median: number; min: number; max: number }) =>
        `  ${label}: ${fixed(r.median, 2)}× median of same-round ratios (${fixed(r.min, 2)}–${fixed(r.max, 2)})`;
      report.push(
        [
          `Start-up, spawned to its first request arriving (${runs} interleaved rounds after a warm-up):`,
          ...rows,
          ratio('volley (dist) ÷ bare Node', ratios.builtToNode),
          ratio('volley (dist) ÷ autocannon', ratios.builtToAutocannon),
          ratio('volley (source) ÷ volley (dist)', ratios.sourceToBuilt),
        ].join('\n'),
      );
    }
    if (only.has('memory')) {
      const memory = await measureMemory(nginx, memoryUsers, TOOL_CORE, log, quick ? 10 : 30);
      results.memory = memory;
      report.push(
        `Memory: ${memory.users} waiting users ${fixed(memory.loadedRssBytes / 2 ** 20, 1)} MiB RSS (median over ` +
          `a wait period; peak ${fixed(memory.peakRssBytes / 2 ** 20, 1)}), idle ` +
          `${fixed(memory.idleRssBytes / 2 ** 20, 1)} MiB → ${fixed(memory.bytesPerUser / 1024, 1)} KiB ` +
          `(${fixed(memory.bytesPerUser)} bytes) per user, ${fixed(memory.peakBytesPerUser / 1024, 1)} KiB at the peak`,
      );
    }
    if (only.has('soak')) {
      const minutes = Number(values.soak ?? 10);
      const result = await soak(nginx, memoryUsers, minutes, TOOL_CORE, log);
      results.soak = result;
      report.push(
        `Soak: ${result.users} users for ${minutes} min: highest RSS of each minute ` +
          `${result.maxRssPerMinute.map((b) => fixed(b / 2 ** 20)).join(', ')} MiB; ` +
          `slope over the second half ${fixed(result.slopeBytesPerMin / 2 ** 20, 2)} MiB/min`,
      );
    }
  } finally {
    await nginx.close();
  }
  writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${report.join('\n\n')}\n\nWritten to ${values.out}\n`);
}

await main();
