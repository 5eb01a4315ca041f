/**
 * Throughput per core. Each tool runs pinned to one core against nginx pinned to the other. After a
 * warm-up, a window of `durationSec` is measured the same way for every tool, from the outside:
 * requests from nginx's own counter, CPU from /proc/<pid>/stat (user + system, all threads). Tools'
 * own reports are not read, so start-up and shut-down costs stay out of the figures. Rounds
 * interleave the tools, so that noise from the machine hits all of them alike.
 */
import type { Nginx } from './nginx.ts';
import { collectStderr, cpuSeconds, sleep, spawnPinned, stop } from './procs.ts';
import { fixed, type Spread, spread, table } from './stats.ts';
import type { Tool } from './tools.ts';

export interface ThroughputOptions {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  toolCore: number;
}

export interface RoundResult {
  rps: number;
  cpuMicrosPerRequest: number;
  /** The part of it spent in the kernel (system calls: the TCP stack, epoll). */
  systemMicrosPerRequest: number;
  /** CPU of the tool over the window, % of one core. */
  cpuPercent: number;
}

export interface ToolResult {
  name: string;
  description: string;
  available: boolean;
  unavailableReason?: string;
  rounds: RoundResult[];
  errors: string[];
  rps?: Spread;
  cpuMicrosPerRequest?: Spread;
  systemMicrosPerRequest?: Spread;
  cpuPercent?: Spread;
  /** volley's median req/s ÷ this tool's. */
  volleyRatio?: number;
  /** Requests one core can send, 1e6 ÷ median CPU µs per request: the throughput per core when CPU-bound. */
  perCore?: number;
  /** volley's per-core figure ÷ this tool's. */
  volleyPerCoreRatio?: number;
  /** volley's req/s ÷ this tool's in the same round, over the rounds. */
  volleyPairedRatio?: Spread;
}

export async function measureThroughput(
  nginx: Nginx,
  tools: readonly Tool[],
  options: ThroughputOptions,
  log: (line: string) => void,
): Promise<ToolResult[]> {
  const results: ToolResult[] = tools.map((tool) => {
    const reason = tool.unavailable();
    return {
      name: tool.name,
      description: tool.description,
      available: reason === null,
      ...(reason === null ? {} : { unavailableReason: reason }),
      rounds: [],
      errors: [],
    };
  });
  for (let round = 1; round <= options.rounds; round++) {
    for (const [i, tool] of tools.entries()) {
      const result = results[i] as ToolResult;
      if (!result.available) continue;
      try {
        const measured = await measureOnce(nginx, tool, options);
        result.rounds.push(measured);
        log(
          `round ${round}/${options.rounds} ${tool.name.padEnd(12)} ${fixed(measured.rps).padStart(8)} req/s  ` +
            `${fixed(measured.cpuMicrosPerRequest, 1).padStart(6)} µs CPU/request ` +
            `(${fixed(measured.systemMicrosPerRequest, 1)} system)  ${fixed(measured.cpuPercent)}% CPU`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.errors.push(message);
        log(`round ${round}/${options.rounds} ${tool.name}: failed: ${message}`);
      }
    }
  }
  for (const result of results) {
    if (result.rounds.length === 0) continue;
    result.rps = spread(result.rounds.map((r) => r.rps));
    result.cpuMicrosPerRequest = spread(result.rounds.map((r) => r.cpuMicrosPerRequest));
    result.systemMicrosPerRequest = spread(result.rounds.map((r) => r.systemMicrosPerRequest));
    result.cpuPercent = spread(result.rounds.map((r) => r.cpuPercent));
  }
  for (const result of results) {
    if (result.cpuMicrosPerRequest !== undefined) result.perCore = 1e6 / result.cpuMicrosPerRequest.median;
  }
  const volley = results.find((r) => r.name === 'volley');
  for (const result of results) {
    if (volley?.rps !== undefined && result.rps !== undefined) {
      result.volleyRatio = volley.rps.median / result.rps.median;
    }
    if (volley?.perCore !== undefined && result.perCore !== undefined) {
      result.volleyPerCoreRatio = volley.perCore / result.perCore;
    }
    // Round by round: the two ran seconds apart, under the same conditions.
    const paired: number[] = [];
    for (const [i, round] of result.rounds.entries()) {
      const mine = volley?.rounds[i];
      if (mine !== undefined) paired.push(mine.rps / round.rps);
    }
    if (paired.length > 0) result.volleyPairedRatio = spread(paired);
  }
  return results;
}

async function measureOnce(nginx: Nginx, tool: Tool, options: ThroughputOptions): Promise<RoundResult> {
  // Long enough to outlast the window; stopped as soon as it is measured.
  const seconds = Math.ceil(options.warmupSec + options.durationSec + 30);
  const { command, args, env } = tool.command(nginx.url, options.connections, seconds);
  const child = spawnPinned(options.toolCore, command, args, env === undefined ? {} : { env });
  const stderr = collectStderr(child);
  try {
    // The warm-up starts once the tool sends (start-up times differ a lot: Python, esbuild…).
    const before = await nginx.requests();
    const waitStart = performance.now();
    while ((await nginx.requests()) - before < options.connections * 10) {
      if (child.exitCode !== null || performance.now() - waitStart > 60_000) {
        throw new Error(`did not start sending: ${stderr().trim().slice(-500)}`);
      }
      await sleep(50);
    }
    await sleep(options.warmupSec * 1000);
    const pid = child.pid;
    const cpu0 = pid === undefined ? null : cpuSeconds(pid);
    const requests0 = await nginx.requests();
    const t0 = performance.now();
    await sleep(options.durationSec * 1000);
    const cpu1 = pid === undefined ? null : cpuSeconds(pid);
    const requests1 = await nginx.requests();
    const t1 = performance.now();
    if (cpu0 === null || cpu1 === null || child.exitCode !== null) {
      throw new Error(`exited early (code ${child.exitCode}): ${stderr().trim().slice(-500)}`);
    }
    // One of the counted requests is our own status request.
    const requests = requests1 - requests0 - 1;
    if (requests <= 0) throw new Error(`sent no requests: ${stderr().trim().slice(-500)}`);
    const seconds = (t1 - t0) / 1000;
    const cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
    return {
      rps: requests / seconds,
      cpuMicrosPerRequest: (cpu * 1e6) / requests,
      systemMicrosPerRequest: ((cpu1.system - cpu0.system) * 1e6) / requests,
      cpuPercent: (cpu / seconds) * 100,
    };
  } finally {
    await stop(child);
  }
}

export function throughputTable(results: readonly ToolResult[]): string {
  const rows = results.map((r) => {
    if (!r.available) return [r.name, 'not available'];
    if (r.rps === undefined || r.cpuMicrosPerRequest === undefined || r.cpuPercent === undefined) {
      return [r.name, 'failed'];
    }
    const ratio = (value: number | undefined) => (value === undefined ? '' : `${fixed(value, 2)}×`);
    const paired = r.volleyPairedRatio;
    return [
      r.name,
      fixed(r.rps.median),
      `${fixed(r.rps.min)}–${fixed(r.rps.max)}`,
      fixed(r.cpuMicrosPerRequest.median, 1),
      `${fixed(r.cpuMicrosPerRequest.min, 1)}–${fixed(r.cpuMicrosPerRequest.max, 1)}`,
      fixed(r.cpuPercent.median),
      fixed(r.perCore ?? Number.NaN),
      ratio(r.volleyRatio),
      paired === undefined ? '' : `${ratio(paired.median)} (${fixed(paired.min, 2)}–${fixed(paired.max, 2)})`,
      ratio(r.volleyPerCoreRatio),
    ];
  });
  return table(
    [
      'tool',
      'req/s',
      'req/s min–max',
      'CPU µs/req',
      'CPU µs/req min–max',
      'CPU %',
      'req/s per core',
      'volley ÷ tool',
      'same-round ratio (min–max)',
      'per-core ratio',
    ],
    rows,
  );
}
