/**
 * What recording costs a service, in instructions: the demo API runs under valgrind's callgrind, untraced
 * and under `volley trace record`, and the same bounded load (the users-posts journey, fixed iterations,
 * no think time) is sent to each after a warm-up. Instructions per request count the server's work only,
 * whatever else the machine is doing, so the ratio holds on a busy shared machine where requests/s do
 * not (the same configuration measured twice differs by under 1% untraced, by up to 15% traced: JIT
 * tiering). Slow (minutes per configuration): a tool for working on the overhead, beside bench/trace.ts.
 *
 *   node bench/trace-instructions.ts [--rounds 1] [--warm-up 100] [--iterations 120]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stop, which } from './lib/procs.ts';
import { spread } from './lib/stats.ts';

const VOLLEY = fileURLToPath(new URL('../bin/volley.js', import.meta.url));
const JOURNEY = fileURLToPath(new URL('../examples/users-posts/scenario.ts', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1' },
    'warm-up': { type: 'string', default: '100' },
    iterations: { type: 'string', default: '120' },
  },
});

if (which('valgrind') === null || which('callgrind_control') === null) {
  process.stderr.write('bench/trace-instructions.ts needs valgrind (apt-get install valgrind)\n');
  process.exit(2);
}

async function load(port: number, iterations: string, json?: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      VOLLEY,
      'run',
      JOURNEY,
      '-H',
      `http://127.0.0.1:${port}`,
      '-u',
      '4',
      '-i',
      iterations,
      '--headless',
    ].concat(json ? ['--json-file', json] : []),
    { env: { ...process.env, THINK_TIME: '0' }, stdio: 'ignore' },
  );
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!json) return 0;
  return (JSON.parse(readFileSync(json, 'utf8')) as { aggregated: { requests: number } }).aggregated.requests;
}

/** The pid callgrind_control lists for a command line holding `marker`. */
function callgrindPid(marker: string): string | null {
  const listing = execFileSync('callgrind_control', { encoding: 'utf8' });
  return (
    new RegExp(`^PID (\\d+):.*${marker.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm').exec(listing)?.[1] ??
    null
  );
}

async function instructionsPerRequest(traced: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-bench-cg-'));
  try {
    const db = join(dir, 'demo.db');
    const valgrind = ['valgrind', '--tool=callgrind', '--smc-check=all', `--callgrind-out-file=${dir}/cg.%p`];
    const demo = [VOLLEY, 'demo', '--port', '0', '--db', `sqlite:${db}`];
    const server = traced
      ? spawn(
          process.execPath,
          [
            VOLLEY,
            'trace',
            'record',
            '--out',
            join(dir, 'r.vtrace'),
            '--',
            ...valgrind,
            'node',
            ...demo.slice(0),
          ],
          { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
        )
      : spawn(valgrind[0] as string, [...valgrind.slice(1), process.execPath, ...demo], {
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error('the demo did not start under valgrind in 20 minutes')),
          1_200_000,
        );
        server.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        server.stderr?.resume();
      });
      await load(port, flags['warm-up'] as string);
      const pid = callgrindPid(db);
      if (pid === null) throw new Error('callgrind_control does not list the demo');
      execFileSync('callgrind_control', ['-z', pid], { stdio: 'ignore' });
      const requests = await load(port, flags.iterations as string, join(dir, 'run.json'));
      execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' });
      const dump = readdirSync(dir).find((name) => name.startsWith(`cg.${pid}.`));
      const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, dump as string), 'utf8'));
      return Number(totals?.[1]) / requests;
    } finally {
      await stop(server, 'SIGINT');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratios: number[] = [];
const fmt = (n: number) => Math.round(n / 1000).toLocaleString('en');
for (let round = 1; round <= Number(flags.rounds); round++) {
  const plain = await instructionsPerRequest(false);
  const traced = await instructionsPerRequest(true);
  ratios.push(traced / plain);
  process.stdout.write(
    `round ${round}: untraced ${fmt(plain)}k instructions/request, traced ${fmt(traced)}k → ${(traced / plain).toFixed(3)}×\n`,
  );
}
const r = spread(ratios);
process.stdout.write(
  `\nserver instructions per request, traced ÷ untraced (users-posts journey, callgrind): ${r.median.toFixed(3)}× (${r.min.toFixed(3)}–${r.max.toFixed(3)})\n`,
);
