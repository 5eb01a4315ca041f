/**
 * The open model on one core: `node bench/open-model.ts [--rate 30000] [--duration 20] [--rounds 3]
 * [--max-users 5000] [--rev REV] [--node-options="--flag"] [--target-delay-ms N]`.
 *
 * volley runs the minimal scenario at a constant arrival rate, pinned to core 0, against nginx (one
 * worker, core 1): a trivial target, so every dropped arrival is the generator's doing. Each round reads
 * the run's JSON summary: arrivals scheduled, launched and dropped, the generator's CPU and its event-loop
 * delay, and the latency percentiles. `--rev` runs a git revision instead of the working tree (a
 * checkout beside it, this checkout's node_modules), rounds alternating with the working tree.
 * `--target-delay-ms` loads a slow target instead (a Node server answering after N ms, core 1): the
 * users needed then follow Little's law, and the latencies show whether they came in time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from './lib/nginx.ts';
import { collectStderr, spawnPinned, which } from './lib/procs.ts';
import { startSlowTarget } from './lib/slow-target.ts';
import { fixed, spread, table } from './lib/stats.ts';
import { ROOT } from './lib/tools.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '30000' },
    duration: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    'max-users': { type: 'string', default: '5000' },
    rev: { type: 'string' },
    /** A variant of the working tree run with these Node (V8) options: `--node-options="--flag …"`. */
    'node-options': { type: 'string' },
    'target-delay-ms': { type: 'string' },
  },
});
const nginxPath = which('nginx');
if (nginxPath === null) {
  process.stderr.write('open-model: nginx is needed (apt-get install nginx)\n');
  process.exit(2);
}

interface Round {
  dropped: number;
  /** Of `dropped`, below the cap with volley itself saturated (summary.arrivals.droppedSaturated). */
  droppedSaturated: number;
  scheduled: number;
  cpuAvg: number;
  cpuPeak: number;
  /** The generator's average CPU over the run × the arrivals' span ÷ arrivals launched: 30,000/s needs 30,000× that per second. */
  cpuMicrosPerArrival: number;
  overloaded: boolean;
  loopP99: number;
  loopMax: number;
  p50: number;
  p99: number;
  /** The most users (each with its connection) open at once. */
  peakUsers: number;
}

function checkout(revision: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-rev-'));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${revision}" | tar -x -C "${dir}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const variants: { name: string; dir: string; nodeOptions?: string }[] = [{ name: 'working tree', dir: ROOT }];
if (values.rev !== undefined) variants.push({ name: values.rev, dir: checkout(values.rev) });
if (values['node-options'] !== undefined) {
  variants.push({ name: values['node-options'], dir: ROOT, nodeOptions: values['node-options'] });
}
const results = new Map<string, Round[]>(variants.map((v) => [v.name, []]));
const delayMs = values['target-delay-ms'];
const nginx =
  delayMs === undefined
    ? await startNginx(nginxPath, 1, Number(values['max-users']) + 100)
    : await startSlowTarget(1, Number(delayMs));
const out = join(mkdtempSync(join(tmpdir(), 'volley-open-')), 'summary.json');
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
      const child = spawnPinned(
        0,
        process.execPath,
        [
          ...(variant.nodeOptions?.split(' ') ?? []),
          'bin/volley.js',
          'run',
          'bench/scenarios/minimal.ts',
          '-H',
          nginx.url,
          '--arrival-rate',
          values.rate,
          '--max-users',
          values['max-users'],
          '-t',
          `${values.duration}s`,
          '--headless',
          '--only-summary',
          '--json-file',
          out,
        ],
        { cwd: variant.dir, env: { ...process.env, NO_COLOR: '1' } },
      );
      const stderr = collectStderr(child);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0 && code !== 1) throw new Error(`volley exited ${code}: ${stderr()}`);
      const summary = JSON.parse(readFileSync(out, 'utf8'));
      const generator = summary.meta.generator ?? {};
      const aggregated = summary.aggregated ?? summary.stats?.aggregated ?? {};
      const percentile = (p: string) =>
        Number(aggregated.percentiles?.[p] ?? aggregated[`p${p}`] ?? Number.NaN);
      const measured: Round = {
        dropped: summary.arrivals.dropped,
        droppedSaturated: summary.arrivals.droppedSaturated ?? 0,
        scheduled: summary.arrivals.scheduled,
        cpuAvg: generator.cpuPercentAvg ?? Number.NaN,
        cpuPeak: generator.cpuPercentPeak ?? Number.NaN,
        cpuMicrosPerArrival:
          ((generator.cpuPercentAvg ?? Number.NaN) / 100) *
          (((summary.arrivals.durationSec ?? Number(values.duration)) * 1e6) / summary.arrivals.launched),
        overloaded: generator.overloaded === true,
        loopP99: generator.loopDelayMs?.p99 ?? Number.NaN,
        loopMax: generator.loopDelayMs?.max ?? Number.NaN,
        p50: percentile('50'),
        p99: percentile('99'),
        peakUsers: Number(summary.meta.peakUsers ?? Number.NaN),
      };
      results.get(variant.name)?.push(measured);
      process.stderr.write(
        `round ${round + 1} ${variant.name}: dropped ${measured.dropped}/${measured.scheduled} ` +
          `(${fixed((100 * measured.dropped) / measured.scheduled, 3)}%, ${measured.droppedSaturated} by a saturated volley), CPU ${fixed(measured.cpuAvg)}% avg ` +
          `${fixed(measured.cpuPeak)}% peak${measured.overloaded ? ' (warned)' : ''}, ` +
          `${fixed(measured.cpuMicrosPerArrival, 1)} µs CPU/arrival, loop delay p99 ` +
          `${fixed(measured.loopP99, 1)} ms max ${fixed(measured.loopMax, 1)} ms, p50 ${measured.p50} ms p99 ${measured.p99} ms, ` +
          `${measured.peakUsers} users at most\n`,
      );
    }
  }
} finally {
  await nginx.close();
  for (const v of variants) if (v.dir !== ROOT) rmSync(v.dir, { recursive: true, force: true });
}
const rows = [...results].map(([name, rounds]) => {
  const m = (f: (r: Round) => number) => spread(rounds.map(f)).median;
  return [
    name,
    `${fixed(
      m((r) => (100 * r.dropped) / r.scheduled),
      3,
    )}%`,
    fixed(m((r) => r.cpuAvg)),
    fixed(
      m((r) => r.cpuMicrosPerArrival),
      1,
    ),
    `${rounds.filter((r) => r.dropped > 0).length}/${rounds.length}`,
    `${rounds.filter((r) => r.overloaded).length}/${rounds.length}`,
    fixed(
      m((r) => r.loopP99),
      1,
    ),
    fixed(
      m((r) => r.p50),
      2,
    ),
    fixed(
      m((r) => r.p99),
      1,
    ),
    fixed(m((r) => r.peakUsers)),
  ];
});
process.stdout.write(
  `\nOpen model, ${values.rate} arrivals/s for ${values.duration} s, one core, ${delayMs === undefined ? 'nginx' : `a target answering after ${delayMs} ms`} (medians of ${values.rounds} rounds):\n` +
    `${table(['volley', 'dropped', 'CPU % avg', 'CPU µs/arrival', 'rounds dropping', 'CPU warning', 'loop delay p99 ms', 'p50 ms', 'p99 ms', 'users'], rows)}\n`,
);
