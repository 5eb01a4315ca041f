/**
 * What merging costs one coordinator: simulated workers (one child process holding them all) connect over
 * real loopback sockets, pass the real handshake, and each sends a statistics delta every second, made by
 * RunStats as a worker makes it (E endpoints, R requests each per second, latencies spread 5–55 ms). The
 * coordinator is the real one (acceptWorkers + runCoordinator) in this process. Each round measures its
 * CPU time over the run (user + system, whatever it did: sockets, JSON, checks, merging, live tables), the
 * live lag (from a report's arrival to the first live table that includes it), the longest event-loop delay,
 * and the exit delay (from the last worker's final report to runCoordinator's return).
 *
 * Side by side, in the same process and rounds, one delta's parse + merge in today's format (sparse bins,
 * volley.run-stats.v4, with the message check and RunStats' bookkeeping) and in the two before it: v3
 * (plain HdrHistogram V2, every bin read and recorded) and the compressed encoding (each histogram inflated
 * and added whole). The older two are timed on their JSON and histograms only (no check, no bookkeeping):
 * a lower bound on what they cost, so the ratios understate the gain.
 *
 *   npx node bench/cluster-merge.ts [--workers 200] [--endpoints 20] [--requests 5] [--seconds 10] [--rounds 3]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { workerProof } from '../src/cluster/cluster-auth.ts';
import { runCoordinator } from '../src/cluster/coordinator.ts';
import { CLUSTER_PROTOCOL_VERSION, type WorkerMessage } from '../src/cluster/protocol.ts';
import { acceptWorkers } from '../src/cluster/tcp-workers.ts';
import { checkWorkerMessage } from '../src/cluster/worker-message-check.ts';
import type { WorkerLink } from '../src/cluster/worker-state.ts';
import { resolveRunPlan } from '../src/engine/resolve-plan.ts';
import { loadScenario } from '../src/engine/scenario-loader.ts';
import {
  createLatencyHistogram,
  createWindowHistogram,
  encodeHistogram,
  forEachEncodedValue,
} from '../src/metrics/histogram.ts';
import { RunStats } from '../src/metrics/run-stats.ts';
import { ENDPOINT, SECOND, type SerializedRunStats } from '../src/metrics/serialized-stats.ts';
import { forEachSparseBin } from '../src/metrics/sparse-histogram.ts';
import type { StatsSnapshot } from '../src/metrics/summary.ts';
import { fixed, spread } from './lib/stats.ts';

const TOKEN = 'bench-token';
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '200' },
    endpoints: { type: 'string', default: '20' },
    requests: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});
const workers = Number(values.workers);
const endpoints = Number(values.endpoints);
const requests = Number(values.requests);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

/** One worker-second's delta, as a worker's RunStats serializes it. */
function delta(endpointCount: number, requestsEach: number): SerializedRunStats {
  const stats = new RunStats();
  for (let e = 0; e < endpointCount; e++) {
    for (let r = 0; r < requestsEach; r++)
      stats.request('GET', `/endpoint/${e}`, 5 + Math.random() * 50, 200, null);
  }
  const serialized = stats.serialize();
  stats.dispose();
  return serialized;
}

/** The simulated workers: all in this child, so that their CPU is not the coordinator's. */
function simulateWorkers(port: number): void {
  const line = `${JSON.stringify({ type: 'stats', stats: delta(endpoints, requests), users: 1 })}\n`;
  const done = `${JSON.stringify({ type: 'done', stats: delta(0, 0), peakUsers: 1, stopReason: 'run-time' })}\n`;
  for (let index = 0; index < workers; index++) {
    const socket = connect({ host: '127.0.0.1', port });
    const nonce = Buffer.alloc(32, index).toString('hex');
    socket.setEncoding('utf8');
    let buffered = '';
    socket.on('error', () => {});
    socket.on('connect', () =>
      socket.write(
        `${JSON.stringify({ type: 'hello', protocol: CLUSTER_PROTOCOL_VERSION, volleyVersion: 'bench', worker: `sim:${index}`, index, nonce })}\n`,
      ),
    );
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
        const message = JSON.parse(buffered.slice(0, i)) as { type: string; nonce?: string };
        buffered = buffered.slice(i + 1);
        if (message.type === 'challenge') {
          socket.write(
            `${JSON.stringify({ type: 'auth', proof: workerProof(TOKEN, message.nonce as string, nonce) })}\n`,
          );
        } else if (message.type === 'assign')
          socket.write(`${JSON.stringify({ type: 'ready', users: 1 })}\n`);
        else if (message.type === 'start') {
          // Each its own phase within the second, as real workers' reports spread.
          let sent = 0;
          setTimeout(
            () => {
              const timer = setInterval(() => {
                sent += 1;
                socket.write(sent > seconds ? done : line);
                if (sent > seconds) clearInterval(timer);
              }, 1000);
            },
            (index * 997) % 1000,
          );
        }
      }
    });
  }
}

interface Round {
  cpuPercent: number;
  /**
   * From the first report's arrival to the last one's: the workers' steady stream, without the fixed costs
   * around it (assigning and starting a thousand workers, the final summary) that a longer run amortizes.
   */
  steadyPercent: number;
  /** The kernel's part of it (sockets), in % of one core. */
  systemPercent: number;
  msPerWorkerSecond: number;
  liveLagSec: number;
  loopDelayMs: number;
  exitSec: number;
  merged: number;
}

/** One run of the real coordinator against `workers` simulated ones. */
async function coordinatorRound(): Promise<Round> {
  const scenario = await loadScenario(fileURLToPath(new URL('./scenarios/minimal.ts', import.meta.url)));
  const settings = { host: 'http://127.0.0.1:9', users: workers, runTime: `${seconds + 30}s` };
  // Arrival time of every stats report, in order: the coordinator merges them in that order, so a live
  // table holding n reports' requests holds the first n.
  const arrivals: number[] = [];
  const perReport = endpoints * requests;
  let shown = 0;
  let liveLag = 0;
  const onSnapshot = (snapshot: StatsSnapshot) => {
    const now = performance.now();
    const included = Math.round(snapshot.aggregated.requests / perReport);
    if (included > shown) liveLag = Math.max(liveLag, now - (arrivals[shown] as number));
    shown = Math.max(shown, included);
  };
  const plan = resolveRunPlan(settings, scenario, {
    reporters: [{ name: 'lag', onSnapshot }],
    log: () => {},
  });
  let onListening: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => {
    onListening = resolve;
  });
  const accepting = acceptWorkers({
    host: '127.0.0.1',
    port: 0,
    expectWorkers: workers,
    token: TOKEN,
    onListening,
    timeoutMs: 120_000,
    heartbeatTimeoutMs: 60_000,
  });
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--child', String(await listening), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  const accepted = await accepting;
  let lastDone = 0;
  // CPU sampled every 100 ms (reading it on every report would cost the coordinator measurably).
  const samples: Sample[] = [];
  const sampler = setInterval(() => samples.push({ at: performance.now(), cpu: process.cpuUsage() }), 100);
  const links = accepted.links.map(
    (link): WorkerLink => ({
      label: link.label,
      send: (message) => link.send(message),
      onClose: (handler) => link.onClose(handler),
      close: () => link.close(),
      onMessage: (handler) =>
        link.onMessage((message: WorkerMessage) => {
          if (message.type === 'stats') arrivals.push(performance.now());
          else if (message.type === 'done') lastDone = performance.now();
          handler(message);
        }),
    }),
  );
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runCoordinator({ plan, settings, links });
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  delay.disable();
  accepted.close();
  child.kill();
  await once(child, 'exit');
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const wall = (end - t0) / 1000;
  return {
    cpuPercent: (100 * cpuSec) / wall,
    steadyPercent: steady(samples, arrivals[0] ?? 0, arrivals.at(-1) ?? 0),
    systemPercent: cpu.system / 1e4 / wall,
    msPerWorkerSecond: (cpuSec * 1000) / (workers * seconds),
    liveLagSec: liveLag / 1000,
    loopDelayMs: delay.max / 1e6,
    exitSec: (end - lastDone) / 1000,
    merged: summary.aggregated.requests,
  };
}

interface Sample {
  at: number;
  cpu: NodeJS.CpuUsage;
}

/** CPU from the first sample after `from` to the last before `to`, in % of one core over that time. */
function steady(samples: readonly Sample[], from: number, to: number): number {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  const [first, last] = [inside[0], inside.at(-1)];
  if (first === undefined || last === undefined || last.at <= first.at) return Number.NaN;
  const used = last.cpu.user + last.cpu.system - first.cpu.user - first.cpu.system;
  return used / 10 / (last.at - first.at);
}

/** CPU ms of one call of `merge` (after a warm-up). */
function cpuPerCall(n: number, merge: () => void): number {
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) merge();
  const used = process.cpuUsage(c);
  return (used.user + used.system) / 1000 / n;
}

interface SideBySide {
  now: number;
  v3: number;
  compressed: number;
  bytes: { now: number; v3: number; compressed: number };
}

/** Where an older format's merge adds: per endpoint (and the aggregated row), a whole-run and a window histogram. */
class Targets {
  readonly #byName = new Map<string, { whole: Histogram; window: Histogram }>();

  of(name: string): { whole: Histogram; window: Histogram } {
    let target = this.#byName.get(name);
    if (target === undefined) {
      target = { whole: createLatencyHistogram(), window: createWindowHistogram() };
      this.#byName.set(name, target);
    }
    return target;
  }

  destroy(): void {
    for (const { whole, window } of this.#byName.values()) {
      whole.destroy();
      window.destroy();
    }
  }
}

/**
 * One delta's parse + merge in today's format and the two before it, each into its own per-endpoint
 * histograms as a coordinator holds them; v4 and v3 alternate in chunks, so that the machine's load hits
 * both alike.
 */
function sideBySide(): SideBySide {
  const sample = delta(endpoints, requests);
  const text = JSON.stringify({ type: 'stats', stats: sample, users: 1 });
  const v3 = JSON.stringify(toV3(sample));
  const compressed = JSON.stringify(toCompressed(JSON.parse(v3) as V3Stats));
  const chunk = Math.max(10, Math.round(2000 / endpoints));
  const into = new RunStats();
  const mergeNow = () => {
    const message = JSON.parse(text) as WorkerMessage & { type: 'stats' };
    if (checkWorkerMessage(message, 10) !== null) throw new Error('the sample delta is refused');
    into.merge(message.stats);
  };
  const v3Targets = new Targets();
  const mergeV3 = () => {
    const parsed = JSON.parse(v3) as V3Stats;
    for (const e of [...parsed.endpoints, parsed.aggregated]) {
      const { whole, window } = v3Targets.of(e.name);
      forEachEncodedValue(e.histogram, (value, count) => whole.recordValueWithCount(value, count));
      for (const s of e.window) {
        forEachEncodedValue(s.histogram, (value, count) => window.recordValueWithCount(value, count));
      }
    }
  };
  const compressedTargets = new Targets();
  const mergeCompressed = () => {
    const parsed = JSON.parse(compressed) as V3Stats;
    for (const e of [...parsed.endpoints, parsed.aggregated]) {
      const { whole, window } = compressedTargets.of(e.name);
      const h = decodeFromCompressedBase64(e.histogram, 32, true);
      whole.add(h);
      h.destroy();
      for (const s of e.window) {
        const w = decodeFromCompressedBase64(s.histogram, 32, true);
        window.add(w);
        w.destroy();
      }
    }
  };
  // Warm-up, then alternating chunks.
  cpuPerCall(chunk, mergeNow);
  cpuPerCall(chunk, mergeV3);
  let [now, older] = [0, 0];
  for (let i = 0; i < 5; i++) {
    now += cpuPerCall(chunk, mergeNow) / 5;
    older += cpuPerCall(chunk, mergeV3) / 5;
  }
  cpuPerCall(1, mergeCompressed);
  const compressedMs = cpuPerCall(Math.max(3, Math.round(chunk / 2)), mergeCompressed);
  into.dispose();
  v3Targets.destroy();
  compressedTargets.destroy();
  return {
    now,
    v3: older,
    compressed: compressedMs,
    bytes: { now: text.length, v3: v3.length, compressed: compressed.length },
  };
}

/** A delta as volley.run-stats.v3 carried it: endpoints as objects, plain V2 histograms, the aggregated row in full. */
interface V3Endpoint {
  method: string;
  name: string;
  requests: number;
  failures: number;
  minMs: number;
  maxMs: number;
  sumMicros: number;
  contentBytes: number;
  histogram: string;
  window: {
    second: number;
    requests: number;
    failures: number;
    minMs: number;
    maxMs: number;
    histogram: string;
  }[];
  errors: { error: string; occurrences: number }[];
}
interface V3Stats {
  format: string;
  endpoints: V3Endpoint[];
  aggregated: V3Endpoint;
  exceptions: unknown[];
  checks: unknown[];
}

function histogramOf(create: () => Histogram, sparse: readonly string[], digits: 2 | 3): Histogram {
  const h = create();
  for (const encoded of sparse) {
    forEachSparseBin(encoded, digits, (value, count) => h.recordValueWithCount(value, count));
  }
  return h;
}

function v2(create: () => Histogram, sparse: readonly string[], digits: 2 | 3): string {
  const h = histogramOf(create, sparse, digits);
  const text = encodeHistogram(h);
  h.destroy();
  return text;
}

function toV3(data: SerializedRunStats): V3Stats {
  const all = data.endpoints.map(
    (e): V3Endpoint => ({
      method: e[ENDPOINT.method],
      name: e[ENDPOINT.name],
      requests: e[ENDPOINT.requests],
      failures: e[ENDPOINT.failures],
      minMs: e[ENDPOINT.minMs],
      maxMs: e[ENDPOINT.maxMs],
      sumMicros: e[ENDPOINT.sumMicros],
      contentBytes: e[ENDPOINT.contentBytes],
      histogram: e[ENDPOINT.histogram],
      window: e[ENDPOINT.window].map((s) => ({
        second: s[SECOND.second],
        requests: s[SECOND.requests],
        failures: s[SECOND.failures],
        minMs: s[SECOND.minMs],
        maxMs: s[SECOND.maxMs],
        histogram: s[SECOND.histogram],
      })),
      errors: e[ENDPOINT.errors].map(([error, occurrences]) => ({ error, occurrences })),
    }),
  );
  const seconds = [...new Set(all.flatMap((e) => e.window.map((s) => s.second)))];
  const aggregated: V3Endpoint = {
    method: '',
    name: 'Aggregated',
    requests: data.aggregated.requests,
    failures: data.aggregated.failures,
    minMs: Math.min(...all.map((e) => e.minMs)),
    maxMs: Math.max(...all.map((e) => e.maxMs)),
    sumMicros: all.reduce((sum, e) => sum + e.sumMicros, 0),
    contentBytes: all.reduce((sum, e) => sum + e.contentBytes, 0),
    histogram: v2(
      createLatencyHistogram,
      all.map((e) => e.histogram),
      3,
    ),
    window: seconds.map((second) => {
      const these = all.flatMap((e) => e.window.filter((s) => s.second === second));
      return {
        second,
        requests: these.reduce((sum, s) => sum + s.requests, 0),
        failures: these.reduce((sum, s) => sum + s.failures, 0),
        minMs: Math.min(...these.map((s) => s.minMs)),
        maxMs: Math.max(...these.map((s) => s.maxMs)),
        histogram: v2(
          createWindowHistogram,
          these.map((s) => s.histogram),
          2,
        ),
      };
    }),
    errors: [],
  };
  const endpoint = (e: V3Endpoint): V3Endpoint => ({
    ...e,
    histogram: v2(createLatencyHistogram, [e.histogram], 3),
    window: e.window.map((s) => ({ ...s, histogram: v2(createWindowHistogram, [s.histogram], 2) })),
  });
  return { ...data, format: 'volley.run-stats.v3', endpoints: all.map(endpoint), aggregated };
}

/** The same v3 delta with its histograms in the compressed encoding used before v3. */
function toCompressed(data: V3Stats): V3Stats {
  const recode = (encoded: string, create: () => Histogram) => {
    const h = create();
    forEachEncodedValue(encoded, (value, count) => h.recordValueWithCount(value, count));
    const text = encodeIntoCompressedBase64(h);
    h.destroy();
    return text;
  };
  const endpoint = (e: V3Endpoint) => ({
    ...e,
    histogram: recode(e.histogram, createLatencyHistogram),
    window: e.window.map((s) => ({ ...s, histogram: recode(s.histogram, createWindowHistogram) })),
  });
  return { ...data, endpoints: data.endpoints.map(endpoint), aggregated: endpoint(data.aggregated) };
}

async function main(): Promise<void> {
  console.log(
    `${workers} workers × ${endpoints} endpoints × ${requests} req/s each, ${seconds} s, ${rounds} rounds`,
  );
  const results: Round[] = [];
  const sides: SideBySide[] = [];
  for (let round = 0; round < rounds; round++) {
    const result = await coordinatorRound();
    results.push(result);
    const side = sideBySide();
    sides.push(side);
    console.log(
      `  round ${round + 1}: CPU ${fixed(result.cpuPercent, 1)}% of a core (steady ${fixed(result.steadyPercent, 1)}%, system ${fixed(result.systemPercent, 1)}%; ${fixed(result.msPerWorkerSecond, 3)} ms per worker-second), live lag ${fixed(result.liveLagSec, 2)} s, event-loop delay ${fixed(result.loopDelayMs)} ms, exit ${fixed(result.exitSec, 2)} s after the last report; merged ${result.merged} of ${workers * seconds * endpoints * requests} requests`,
    );
    console.log(
      `           one delta: v4 ${fixed(side.now, 3)} ms (${side.bytes.now} B), v3 ${fixed(side.v3, 3)} ms (${side.bytes.v3} B), compressed ${fixed(side.compressed, 3)} ms (${side.bytes.compressed} B)`,
    );
  }
  const show = (values: number[], digits: number) => {
    const s = spread(values);
    return `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
  };
  const rows: [string, (r: Round) => number, number][] = [
    ['coordinator CPU, % of one core', (r) => r.cpuPercent, 1],
    ['  of which system (kernel)', (r) => r.systemPercent, 1],
    ['  while reports stream in', (r) => r.steadyPercent, 1],
    ['CPU ms per worker-second', (r) => r.msPerWorkerSecond, 3],
    ['live lag, s', (r) => r.liveLagSec, 2],
    ['longest event-loop delay, ms', (r) => r.loopDelayMs, 0],
    ['exit after the last report, s', (r) => r.exitSec, 2],
  ];
  console.log('medians (min–max):');
  for (const [label, pick, digits] of rows) {
    console.log(`  ${label.padEnd(34)}${show(results.map(pick), digits)}`);
  }
  const v4 = show(
    sides.map((s) => s.now),
    3,
  );
  const v3 = show(
    sides.map((s) => s.v3 / s.now),
    1,
  );
  const compressed = show(
    sides.map((s) => s.compressed / s.now),
    1,
  );
  console.log(`  one delta's parse + merge: v4 ${v4} ms; v3 ÷ v4 ${v3}; compressed ÷ v4 ${compressed}`);
}

// Last: the helpers above (a class among them) are defined by now.
if (values.child !== undefined) simulateWorkers(Number(values.child));
else await main();
