/**
 * What merging costs one coordinator: simulated workers (one child process holding them all) connect over
 * real loopback sockets, pass the real handshake, and each sends a statistics delta every second, made by
 * RunStats as a worker makes it (E endpoints, R requests each per second, latencies spread 5–55 ms). The
 * coordinator is the real one (acceptWorkers + runCoordinator) in this process; its CPU is measured over
 * the run, with the gaps between live snapshots and the time from the last worker's end to its own.
 * Side by side, the same delta's merge the way it was before (compressed HdrHistogram encoding, each
 * histogram inflated and added whole) is timed in this process.
 *
 *   npx node bench/cluster-merge.ts [--workers 200] [--endpoints 20] [--requests 5] [--seconds 10]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { workerProof } from '../src/cluster/cluster-auth.ts';
import { runCoordinator } from '../src/cluster/coordinator.ts';
import { CLUSTER_PROTOCOL_VERSION } from '../src/cluster/protocol.ts';
import { acceptWorkers } from '../src/cluster/tcp-workers.ts';
import { resolveRunPlan } from '../src/engine/resolve-plan.ts';
import { loadScenario } from '../src/engine/scenario-loader.ts';
import {
  createLatencyHistogram,
  createWindowHistogram,
  forEachEncodedValue,
} from '../src/metrics/histogram.ts';
import { RunStats } from '../src/metrics/run-stats.ts';
import type { SerializedRunStats } from '../src/metrics/serialized-stats.ts';

const TOKEN = 'bench-token';
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '200' },
    endpoints: { type: 'string', default: '20' },
    requests: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    child: { type: 'string' },
  },
});
const workers = Number(values.workers);
const seconds = Number(values.seconds);

/** One worker-second's delta, as a worker's RunStats serializes it. */
function delta(endpoints: number, requests: number): SerializedRunStats {
  const stats = new RunStats();
  for (let e = 0; e < endpoints; e++) {
    for (let r = 0; r < requests; r++)
      stats.request('GET', `/endpoint/${e}`, 5 + Math.random() * 50, 200, null);
  }
  const serialized = stats.serialize();
  stats.dispose();
  return serialized;
}

if (values.child !== undefined) {
  // The simulated workers: all in this child, so that their CPU is not the coordinator's.
  const port = Number(values.child);
  const line = `${JSON.stringify({ type: 'stats', stats: delta(Number(values.endpoints), Number(values.requests)), users: 1 })}\n`;
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
} else {
  const scenario = await loadScenario(fileURLToPath(new URL('./scenarios/minimal.ts', import.meta.url)));
  const settings = { host: 'http://127.0.0.1:9', users: workers, runTime: `${seconds + 30}s` };
  const snapshots: number[] = [];
  const plan = resolveRunPlan(settings, scenario, {
    reporters: [{ name: 'lag', onSnapshot: () => void snapshots.push(performance.now()) }],
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runCoordinator({ plan, settings, links: accepted.links });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  accepted.close();
  child.kill();
  await once(child, 'exit');
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const gaps = snapshots.slice(1).map((t, i) => (t - (snapshots[i] as number)) / 1000);
  console.log(
    `${workers} workers × ${values.endpoints} endpoints × ${values.requests} req/s each, ${seconds} s`,
  );
  console.log(
    `  merged ${summary.aggregated.requests} requests (expected ${workers * seconds * Number(values.endpoints) * Number(values.requests)})`,
  );
  console.log(
    `  coordinator CPU ${((100 * cpuSec) / wall).toFixed(1)}% of one core over ${wall.toFixed(1)} s; ${((cpuSec * 1000) / (workers * seconds)).toFixed(3)} ms per worker-second (sockets, parsing, checks, merging, snapshots)`,
  );
  console.log(`  live snapshots: ${snapshots.length}, longest gap ${Math.max(0, ...gaps).toFixed(2)} s`);
  console.log(
    `  exit after the last worker's end: ${(wall - seconds).toFixed(2)} s past the ${seconds} s of reports (includes the workers' spread start)`,
  );

  // Side by side, one delta merged: now, and as before (compressed histograms inflated and added whole).
  const sample = delta(Number(values.endpoints), Number(values.requests));
  const text = JSON.stringify(sample);
  const rounds = 200;
  const into = new RunStats();
  let c = process.cpuUsage();
  for (let i = 0; i < rounds; i++) into.merge(JSON.parse(text));
  const now = process.cpuUsage(c);
  const legacy = JSON.stringify(toLegacy(sample));
  const [whole, window] = [createLatencyHistogram(), createWindowHistogram()];
  c = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    const parsed = JSON.parse(legacy) as SerializedRunStats;
    for (const e of [...parsed.endpoints, parsed.aggregated]) {
      const h = decodeFromCompressedBase64(e.histogram, 32, true);
      whole.add(h);
      h.destroy();
      for (const s of e.window) {
        const w = decodeFromCompressedBase64(s.histogram, 32, true);
        window.add(w);
        w.destroy();
      }
    }
  }
  const before = process.cpuUsage(c);
  const ms = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1000 / rounds).toFixed(3);
  console.log(
    `  one delta's merge, CPU: now ${ms(now)} ms (${text.length} bytes), before ${ms(before)} ms (histograms only, ${legacy.length} bytes)`,
  );
}

/** The same delta with its histograms in the compressed encoding used before. */
function toLegacy(data: SerializedRunStats): SerializedRunStats {
  const recode = (encoded: string, window: boolean) => {
    const h = window ? createWindowHistogram() : createLatencyHistogram();
    forEachEncodedValue(encoded, (value, count) => h.recordValueWithCount(value, count));
    const text = encodeIntoCompressedBase64(h);
    h.destroy();
    return text;
  };
  const endpoint = (e: SerializedRunStats['aggregated']) => ({
    ...e,
    histogram: recode(e.histogram, false),
    window: e.window.map((s) => ({ ...s, histogram: recode(s.histogram, true) })),
  });
  return { ...data, endpoints: data.endpoints.map(endpoint), aggregated: endpoint(data.aggregated) };
}
