/**
 * Loopback servers whose latency is known exactly, run on a worker thread so the load test's own work on
 * the main thread does not delay their timers. Modes:
 * - mix: delays repeat a fixed pattern (e.g. 45 × 0 ms, 4 × 123 ms, 1 × 1234 ms);
 * - stall: every response pending between `fromMs` and `toMs` after the first request is held until `toMs`;
 * - capacity: serves `rate` requests per second on average over any 2 s window at once; once more arrive
 *   it melts down: every response is held `slowMs` for the next 500 ms. (A 2 s window, so a client that
 *   sends a little bunched up after a pause is not mistaken for one above the rate.)
 */
import { Worker } from 'node:worker_threads';

export type LatencyMode =
  | { kind: 'mix'; pattern: number[] }
  | { kind: 'stall'; fromMs: number; toMs: number }
  | { kind: 'capacity'; rate: number; slowMs: number };

export interface LatencyServer {
  url: string;
  /** How long each response was actually held, measured by the server (ms, in completion order). */
  delays(): Promise<number[]>;
  /** The longest the server's event loop was held up so far (ms): requests it saw that much late. */
  lagMs(): Promise<number>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();
const mode = workerData;
const delays = [];
let n = 0;
let firstAt = null;
const recent = [];
let meltdownUntil = 0;
const server = createServer((req, res) => {
  const now = performance.now();
  let delay = 0;
  if (mode.kind === 'mix') {
    delay = mode.pattern[n++ % mode.pattern.length];
  } else if (mode.kind === 'stall') {
    if (firstAt === null) firstAt = now;
    const t = now - firstAt;
    if (t >= mode.fromMs && t < mode.toMs) delay = mode.toMs - t;
  } else {
    recent.push(now);
    while (recent.length > 0 && recent[0] <= now - 2000) recent.shift();
    if (recent.length > 2 * mode.rate) meltdownUntil = now + 500;
    if (now < meltdownUntil) delay = mode.slowMs;
  }
  req.resume();
  const finish = () => {
    res.end('ok');
    delays.push(performance.now() - now);
  };
  if (delay <= 0) finish();
  else setTimeout(finish, delay);
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'delays') parentPort.postMessage({ delays });
  if (m === 'lag') parentPort.postMessage({ lag: lag.max / 1e6 });
  if (m === 'close') { server.closeAllConnections(); server.close(() => parentPort.postMessage({ closed: true })); }
});
`;

export async function startLatencyServer(mode: LatencyMode): Promise<LatencyServer> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: mode });
  const next = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (key in m) {
          worker.off('message', onMessage);
          resolve(m[key] as T);
        }
      };
      worker.on('message', onMessage);
    });
  const port = await next<number>('port');
  return {
    url: `http://127.0.0.1:${port}`,
    async delays() {
      const reply = next<number[]>('delays');
      worker.postMessage('delays');
      return reply;
    },
    async lagMs() {
      const reply = next<number>('lag');
      worker.postMessage('lag');
      return reply;
    },
    async close() {
      const closed = next<boolean>('closed');
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}
