/**
 * A load generator's own work per request, in instructions: `node bench/client-instructions.ts
 * [--tools volley,wrk,node-floor,autocannon] [--warmup 20] [--window 20] [--connections 64] [--rounds 1]`.
 *
 * Each tool runs under valgrind's callgrind against nginx (one worker, core 1), sending flat out. After
 * the tool sends and a warm-up (wall seconds: under callgrind a tool runs some 50× slower, and Node's JIT needs the time to
 * settle), the counters are zeroed, requests are counted at nginx over the window, and callgrind dumps:
 * instructions ÷ requests, every thread of the tool, start-up and shut-down excluded. It counts user-space
 * work only, and does not depend on what else the machine does: the figure to compare tools on a shared
 * machine and to see what a change saves. The kernel's part (system time: the `write` and `read` on
 * loopback TCP, much the same for every tool) is not in it; side-by-side.ts measures it.
 *
 * `node-floor` is the least a Node HTTP/1.1 client can do: 64 sockets writing one constant request
 * string each time a read arrives (no parsing, no timing, no statistics), with `onread` as volley uses.
 *
 * `--rate N` runs volley's open model instead (N arrivals/s, at most 5,000 users): instructions per arrival.
 * Under callgrind a generator runs some 50× slower, so what it does once a second (the statistics
 * snapshot for the reporters, some 10 million instructions) weighs some 50× more per request than it
 * does at full speed: `--keep` the files to see it apart.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNginx } from './lib/nginx.ts';
import { collectStderr, sleep, stop, which } from './lib/procs.ts';
import { fixed, spread, table } from './lib/stats.ts';
import { TOOLS } from './lib/tools.ts';

const { values } = parseArgs({
  options: {
    tools: { type: 'string', default: 'volley,wrk,node-floor' },
    warmup: { type: 'string', default: '20' },
    window: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '1' },
    /** volley only: the open model at this many arrivals/s (minimal scenario) instead of 64 users. */
    rate: { type: 'string' },
    /** Keeps the callgrind files there, and has Node write /tmp/perf-PID.map to name JIT code in them. */
    keep: { type: 'string' },
  },
});
const CONNECTIONS = Number(values.connections);
for (const command of ['valgrind', 'callgrind_control', 'nginx', 'taskset']) {
  if (which(command) === null) {
    process.stderr.write(`client-instructions: ${command} is needed\n`);
    process.exit(2);
  }
}

const FLOOR = `
import { connect } from 'node:net';
const url = new URL(process.argv[2]);
const request = 'GET / HTTP/1.1\\r\\nhost: ' + url.host + '\\r\\nconnection: keep-alive\\r\\n\\r\\n';
const buffer = Buffer.allocUnsafe(65536);
for (let i = 0; i < ${CONNECTIONS}; i++) {
  const socket = connect({
    host: url.hostname, port: Number(url.port), noDelay: true,
    onread: { buffer, callback: () => { socket.write(request, 'latin1'); return true; } },
  });
  socket.on('connect', () => socket.write(request, 'latin1'));
}
`;

const dir = mkdtempSync(join(tmpdir(), 'volley-bench-ci-'));
writeFileSync(join(dir, 'floor.mjs'), FLOOR);

function commandOf(name: string, url: string): { command: string; args: string[] } {
  if (name === 'node-floor') return { command: process.execPath, args: [join(dir, 'floor.mjs'), url] };
  const tool = TOOLS.find((t) => t.name === name);
  if (tool === undefined || tool.unavailable() !== null) {
    throw new Error(`${name}: ${tool?.unavailable() ?? 'no such tool'}`);
  }
  const { command, args } = tool.command(url, CONNECTIONS, 3600);
  if (values.rate === undefined || !name.startsWith('volley')) return { command, args };
  // The open model: arrivals at a fixed rate rather than users sending flat out.
  const users = args.indexOf('-u');
  return {
    command,
    args: [
      ...args.slice(0, users),
      '--arrival-rate',
      values.rate,
      '--max-users',
      '5000',
      ...args.slice(users + 2),
    ],
  };
}

const names = values.tools.split(',');
const results = new Map<string, number[]>(names.map((n) => [n, []]));
// The open model may have up to its 5,000 users connected at once.
const nginx = await startNginx(
  which('nginx') as string,
  1,
  values.rate === undefined ? CONNECTIONS + 100 : 5100,
);
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const name of names) {
      const { command, args } = commandOf(name, nginx.url);
      const out = join(dir, `cg-${name}-${round}`);
      const child = spawn(
        'taskset',
        [
          '-c',
          '0',
          'valgrind',
          '--tool=callgrind',
          '--smc-check=all',
          `--callgrind-out-file=${out}.%p`,
          command,
          ...args,
        ],
        {
          detached: true,
          stdio: ['ignore', 'ignore', 'pipe'],
          env:
            values.keep === undefined
              ? process.env
              : { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --perf-basic-prof` },
        },
      );
      const stderr = collectStderr(child);
      try {
        // Start-up under callgrind takes a minute or more for Node: sending first, then the warm-up.
        const start = await nginx.requests();
        while ((await nginx.requests()) - start < CONNECTIONS * 10) {
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`${name} exited: ${stderr()}`);
          await sleep(500);
        }
        await sleep(Number(values.warmup) * 1000);
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${name} exited: ${stderr()}`);
        const pid = String(child.pid);
        execFileSync('callgrind_control', ['-z', pid], { stdio: 'ignore' });
        const before = await nginx.requests();
        await sleep(Number(values.window) * 1000);
        const requests = (await nginx.requests()) - before - 1;
        execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' });
        const dump = readdirSync(dir).find((f) => f.startsWith(`cg-${name}-${round}.${pid}.`));
        const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, dump as string), 'utf8'));
        const perRequest = Number(totals?.[1]) / requests;
        results.get(name)?.push(perRequest);
        process.stderr.write(
          `round ${round + 1} ${name}: ${requests} requests, ${fixed(perRequest / 1000, 1)}k instructions/request\n`,
        );
      } finally {
        await stop(child, 'SIGKILL');
      }
    }
  }
} finally {
  await nginx.close();
  if (values.keep === undefined) rmSync(dir, { recursive: true, force: true });
  else execFileSync('sh', ['-c', `mkdir -p "${values.keep}" && cp "${dir}"/cg-* "${values.keep}"/`]);
}
const base = spread(results.get(names[0] as string) ?? []).median;
const rows = names.map((name) => {
  const median = spread(results.get(name) ?? []).median;
  return [name, `${fixed(median / 1000, 1)}k`, `${fixed(base / median, 2)}×`];
});
process.stdout.write(
  `\nUser-space instructions per request under callgrind (${CONNECTIONS} connections, medians of ${values.rounds} rounds):\n` +
    `${table(['tool', 'instructions/request', `${names[0]} ÷ tool`], rows)}\n`,
);
