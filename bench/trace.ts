/**
 * `volley trace` benchmarks: what recording costs a service under load, and how long a replay of 10,000
 * recorded requests takes.
 *
 *   node bench/trace.ts [--rounds 5] [--duration 10] [--users 16] [--replay-requests 10000]
 *
 * 1. Recording overhead. The demo API (on SQLite) is loaded by `volley run` with an example's journey
 *    (`--journey`, default users-posts) and no think time, untraced and under `volley trace record`, interleaved round by
 *    round (the order alternates), the server pinned to core 1 and the load to core 0 where `taskset`
 *    exists. Each round's ratio traced ÷ untraced of requests/s and of the server's CPU per request is
 *    taken in that same round; the table gives medians.
 * 2. Replay speed. The demo is recorded under the same journey until it has served the requested number
 *    of requests, then `volley trace replay` is timed end to end (program start, every request re-sent
 *    and compared, report), with the database deleted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSeconds, spawnPinned, stop } from './lib/procs.ts';
import { spread } from './lib/stats.ts';

const VOLLEY = fileURLToPath(new URL('../bin/volley.js', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    users: { type: 'string', default: '16' },
    'replay-requests': { type: 'string', default: '10000' },
    only: { type: 'string' },
    journey: { type: 'string', default: 'users-posts' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  process.stdout.write(
    'Usage: node bench/trace.ts [--rounds N] [--duration SECONDS] [--users N] [--replay-requests N] [--only overhead|replay] [--journey users-posts|quickstart|registration-login|students]\n',
  );
  process.exit(0);
}
/**
 * The scenario that loads the demo: quickstart (what `npm run demo` sends: students CRUD and
 * registration/login), or an example's journey: users-posts (cheap handlers, 50-row lists),
 * registration-login (password hashing), students.
 */
const JOURNEY = fileURLToPath(
  new URL(
    flags.journey === 'quickstart' ? '../examples/quickstart.ts' : `../examples/${flags.journey}/scenario.ts`,
    import.meta.url,
  ),
);
const rounds = Number(flags.rounds);
const durationSec = Number(flags.duration);
const users = Number(flags.users);
const replayRequests = Number(flags['replay-requests']);
const work = mkdtempSync(join(tmpdir(), 'volley-bench-trace-'));
let nextPort = 20_000 + Math.floor(Math.random() * 20_000);

/** The pids of a process's children (the traced demo under `volley trace record`). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the demo did not answer on port ${port}`);
}

/** Runs the journey against the port, bounded by `-t` or `-i`; returns the run's JSON summary. */
async function load(port: number, bound: string[]): Promise<{ requests: number; rps: number }> {
  const json = join(work, `load-${port}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawnPinned(
    0,
    process.execPath,
    [
      VOLLEY,
      'run',
      JOURNEY,
      '-H',
      `http://127.0.0.1:${port}`,
      '-u',
      String(users),
      '-r',
      '1000',
      ...bound,
      '--headless',
      '--json-file',
      json,
    ],
    { env: { ...process.env, THINK_TIME: '0', VOLLEY_HEADLESS: '1' } },
  );
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const summary = JSON.parse(readFileSync(json, 'utf8')) as {
    aggregated: { requests: number; rps: number };
  };
  return { requests: summary.aggregated.requests, rps: summary.aggregated.rps };
}

interface Sample {
  rps: number;
  serverCpuUsPerRequest: number;
}

/** One measured window against a fresh demo, untraced or traced. */
async function measure(traced: boolean): Promise<Sample> {
  const port = nextPort++;
  const db = join(work, `demo-${port}.db`);
  const demo = [VOLLEY, 'demo', '--port', String(port), '--db', `sqlite:${db}`];
  const server = traced
    ? spawnPinned(1, process.execPath, [
        VOLLEY,
        'trace',
        'record',
        '--out',
        join(work, `r-${port}.vtrace`),
        '--',
        'node',
        ...demo,
      ])
    : spawnPinned(1, process.execPath, demo);
  try {
    await waitForPort(port);
    const serverPid = traced ? (childrenOf(server.pid as number)[0] as number) : (server.pid as number);
    await load(port, ['-t', '3s']); // warm-up: JIT, statement caches, page cache
    const before = cpuSeconds(serverPid);
    const result = await load(port, ['-t', `${durationSec}s`]);
    const after = cpuSeconds(serverPid);
    const cpu = before && after ? after.user + after.system - before.user - before.system : Number.NaN;
    return { rps: result.rps, serverCpuUsPerRequest: (cpu * 1e6) / result.requests };
  } finally {
    await stop(server, 'SIGINT');
    rmSync(db, { force: true });
  }
}

function fmt(n: number, digits = 3): string {
  return Number.isFinite(n) ? Number(n.toPrecision(digits)).toString() : '–';
}

async function overhead(): Promise<void> {
  const plain: Sample[] = [];
  const traced: Sample[] = [];
  const rpsRatio: number[] = [];
  const cpuRatio: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? [false, true] : [true, false];
    const samples = new Map<boolean, Sample>();
    for (const isTraced of order) samples.set(isTraced, await measure(isTraced));
    const p = samples.get(false) as Sample;
    const t = samples.get(true) as Sample;
    plain.push(p);
    traced.push(t);
    rpsRatio.push(t.rps / p.rps);
    cpuRatio.push(t.serverCpuUsPerRequest / p.serverCpuUsPerRequest);
    process.stdout.write(
      `round ${round}: untraced ${fmt(p.rps)} req/s (${fmt(p.serverCpuUsPerRequest)} µs CPU/req), traced ${fmt(t.rps)} req/s (${fmt(t.serverCpuUsPerRequest)} µs CPU/req) → ${fmt(t.rps / p.rps)}×\n`,
    );
  }
  const row = (name: string, samples: Sample[]) =>
    `| ${name} | ${fmt(spread(samples.map((s) => s.rps)).median)} | ${fmt(spread(samples.map((s) => s.serverCpuUsPerRequest)).median)} |`;
  const r = spread(rpsRatio);
  const c = spread(cpuRatio);
  process.stdout.write(
    [
      '',
      `Recording overhead: the demo API under the ${flags.journey} journey, ${users} users, no think time, ${rounds} rounds × ${durationSec} s`,
      '| server | req/s (median) | server CPU µs/req (median) |',
      '| --- | --- | --- |',
      row('untraced', plain),
      row('volley trace record', traced),
      '',
      `same-round ratio traced ÷ untraced: req/s ${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)}), i.e. ${fmt((1 - r.median) * 100, 2)}% fewer; server CPU per request ${fmt(c.median)}× (${fmt(c.min)}–${fmt(c.max)})`,
      '',
    ].join('\n'),
  );
}

async function replaySpeed(): Promise<void> {
  const port = nextPort++;
  const db = join(work, 'replay.db');
  const recording = join(work, 'replay.vtrace');
  const demo = ['node', VOLLEY, 'demo', '--port', String(port), '--db', `sqlite:${db}`];
  const recorder = spawnPinned(1, process.execPath, [
    VOLLEY,
    'trace',
    'record',
    '--out',
    recording,
    '--',
    ...demo,
  ]);
  let recorded = 0;
  try {
    await waitForPort(port);
    // The journey makes 7 requests per user per pass (1 + 1 + 3 + 1 + 1).
    const iterations = Math.ceil(replayRequests / users);
    recorded = (await load(port, ['-i', String(iterations)])).requests;
  } finally {
    await stop(recorder, 'SIGINT');
  }
  rmSync(db, { force: true });
  const started = performance.now();
  const replay = spawn(
    process.execPath,
    [VOLLEY, 'trace', 'replay', recording, '--json', join(work, 'replay.json'), '--', ...demo],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  replay.stdout.on('data', (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((resolve) => replay.once('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    [
      `Replay speed: ${recorded} recorded requests (+1 health check) replayed in ${fmt(seconds)} s, exit code ${code} (target: under 30 s)`,
      out.split('\n')[0] ?? '',
      '',
    ].join('\n'),
  );
}

try {
  if (flags.only === undefined || flags.only === 'overhead') await overhead();
  if (flags.only === undefined || flags.only === 'replay') await replaySpeed();
} finally {
  rmSync(work, { recursive: true, force: true });
}
