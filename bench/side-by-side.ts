/**
 * volley and its peers at the same time, on the same core:
 * `node bench/side-by-side.ts [--tls] [--tools volley,autocannon] [--rounds 7] [--window 5] [--connections 64]`.
 *
 * `npm run bench` runs the tools one after the other; on a shared machine the load of other jobs then
 * differs between them. Here every tool runs at once, each pinned to core 0, each against its own nginx
 * (one worker each, on core 1), so whatever else the machine does hits them alike. With every tool
 * CPU-bound on the same core, the scheduler gives each the same share, and the requests each nginx
 * served in the same window compare what the tools send per unit of CPU. A round's figure is volley's
 * requests ÷ each peer's; the report is the median over rounds. Which nginx a tool gets rotates between
 * rounds, and so does the order they start in.
 */
import { parseArgs } from 'node:util';
import { type Nginx, startNginx } from './lib/nginx.ts';
import { canPin, collectStderr, cpuSeconds, sleep, spawnPinned, stop, which } from './lib/procs.ts';
import { fixed, spread, table } from './lib/stats.ts';
import { TOOLS } from './lib/tools.ts';

const { values } = parseArgs({
  options: {
    tls: { type: 'boolean', default: false },
    tools: { type: 'string', default: 'volley,autocannon' },
    rounds: { type: 'string', default: '7' },
    window: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
  },
});
const ROUNDS = Number(values.rounds);
const WINDOW_SEC = Number(values.window);
const WARMUP_SEC = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const tools = values.tools.split(',').map((name) => {
  const tool = TOOLS.find((t) => t.name === name);
  if (tool === undefined || tool.unavailable() !== null) {
    process.stderr.write(`side-by-side: ${name}: ${tool?.unavailable() ?? 'no such tool'}\n`);
    process.exit(2);
  }
  return tool;
});
if (tools[0]?.name !== 'volley') {
  process.stderr.write('side-by-side: the first tool must be volley (the others are compared with it)\n');
  process.exit(2);
}
const nginxPath = which('nginx');
if (nginxPath === null) {
  process.stderr.write('side-by-side: nginx is needed (apt-get install nginx)\n');
  process.exit(2);
}
if (!canPin) process.stderr.write('warning: cannot pin to cores: figures are indicative\n');

interface Measured {
  rps: number;
  cpuMicrosPerRequest: number;
  cpuPercent: number;
}

const servers: Nginx[] = [];
for (const _ of tools) servers.push(await startNginx(nginxPath, 1, CONNECTIONS + 100, values.tls));
const perTool = tools.map(() => [] as Measured[]);
const ratios = tools.map(() => [] as number[]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the servers and the start order between rounds.
    const order = tools.map((_, i) => (i + round) % tools.length);
    const children = new Map<number, ReturnType<typeof spawnPinned>>();
    for (const i of order) {
      const tool = tools[i] as (typeof tools)[number];
      const server = servers[(i + round) % servers.length] as Nginx;
      const { command, args, env } = tool.command(server.url, CONNECTIONS, WARMUP_SEC + WINDOW_SEC + 60);
      children.set(i, spawnPinned(0, command, args, env === undefined ? {} : { env }));
    }
    const serverOf = (i: number) => servers[(i + round) % servers.length] as Nginx;
    try {
      const stderr = new Map([...children].map(([i, child]) => [i, collectStderr(child)]));
      // Every tool sending before the warm-up starts (start-up times differ).
      const counts = await Promise.all(tools.map((_, i) => serverOf(i).requests()));
      const waitStart = performance.now();
      for (;;) {
        const now = await Promise.all(tools.map((_, i) => serverOf(i).requests()));
        if (now.every((n, i) => n - (counts[i] as number) > CONNECTIONS * 10)) break;
        if (
          performance.now() - waitStart > 60_000 ||
          [...children.values()].some((c) => c.exitCode !== null)
        ) {
          throw new Error(
            `a tool did not start sending: ${[...stderr.values()].map((s) => s()).join(' | ')}`,
          );
        }
        await sleep(50);
      }
      await sleep(WARMUP_SEC * 1000);
      const cpu0 = tools.map((_, i) => cpuOf(children.get(i)?.pid));
      const req0 = await Promise.all(tools.map((_, i) => serverOf(i).requests()));
      const t0 = performance.now();
      await sleep(WINDOW_SEC * 1000);
      const req1 = await Promise.all(tools.map((_, i) => serverOf(i).requests()));
      const cpu1 = tools.map((_, i) => cpuOf(children.get(i)?.pid));
      const seconds = (performance.now() - t0) / 1000;
      for (const [i, child] of children) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${tools[i]?.name} exited (${child.exitCode ?? child.signalCode}): ${stderr.get(i)?.()}`,
          );
        }
      }
      const line: string[] = [];
      for (const [i, tool] of tools.entries()) {
        // One of the counted requests is our own status request.
        const requests = (req1[i] as number) - (req0[i] as number) - 1;
        const cpu = (cpu1[i] as number) - (cpu0[i] as number);
        const measured = {
          rps: requests / seconds,
          cpuMicrosPerRequest: (cpu * 1e6) / requests,
          cpuPercent: (cpu / seconds) * 100,
        };
        perTool[i]?.push(measured);
        line.push(
          `${tool.name} ${fixed(measured.rps)} req/s ${fixed(measured.cpuMicrosPerRequest, 1)} µs/req ${fixed(measured.cpuPercent)}%`,
        );
      }
      const latest = perTool.map((rounds) => rounds.at(-1) as Measured);
      for (const [i, measured] of latest.entries())
        ratios[i]?.push((latest[0] as Measured).rps / measured.rps);
      process.stderr.write(`round ${round + 1}/${ROUNDS}: ${line.join(', ')}\n`);
    } finally {
      await Promise.all([...children.values()].map((child) => stop(child, 'SIGKILL')));
    }
  }
} finally {
  await Promise.all(servers.map((s) => s.close()));
}

const rows = tools.map((tool, i) => {
  const rps = spread((perTool[i] as Measured[]).map((m) => m.rps));
  const cpu = spread((perTool[i] as Measured[]).map((m) => m.cpuMicrosPerRequest));
  const ratio = spread(ratios[i] as number[]);
  return [
    tool.name,
    fixed(rps.median),
    fixed(cpu.median, 1),
    fixed(spread((perTool[i] as Measured[]).map((m) => m.cpuPercent)).median),
    `${fixed(ratio.median, 2)}× (${fixed(ratio.min, 2)}–${fixed(ratio.max, 2)})`,
  ];
});
process.stdout.write(
  `\nAt the same time on one core, ${values.tls ? 'HTTPS' : 'HTTP'}, ${CONNECTIONS} connections, ` +
    `${ROUNDS} rounds × ${WINDOW_SEC} s (medians):\n` +
    `${table(['tool', 'req/s', 'CPU µs/req', 'CPU %', 'volley ÷ tool, same round (min–max)'], rows)}\n`,
);

function cpuOf(pid: number | undefined): number {
  const cpu = pid === undefined ? null : cpuSeconds(pid);
  return cpu === null ? 0 : cpu.user + cpu.system;
}
