/**
 * Loopback servers whose latency is known exactly, run on a worker thread so the load test's own work on
 * the main thread does not delay their timers. Modes:
 * - mix: delays repeat a fixed pattern (e.g. 45 × 0 ms, 4 × 123 ms, 1 × 1234 ms);
 * - stall: every response pending between `fromMs` and `toMs` after the first request is held until `toMs`;
 * - capacity: serves `rate` requests per second (token bucket of `burst`); once beyond that it melts down:
 *   every response is held `slowMs` for the next 500 ms.
 */
import { Worker } from 'node:worker_threads';

export type LatencyMode =
  | { kind: 'mix'; pattern: number[] }
  | { kind: 'stall'; fromMs: number; toMs: number }
  | { kind: 'capacity'; rate: number; burst: number; slowMs: number };

export interface LatencyServer {
  url: string;
  /** The delay applied to each request, in arrival order (mix and stall modes). */
  delays(): Promise<number[]>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const mode = workerData;
const delays = [];
let n = 0;
let firstAt = null;
let tokens = mode.kind === 'capacity' ? mode.burst : 0;
let refilledAt = performance.now();
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
    tokens = Math.min(mode.burst, tokens + ((now - refilledAt) / 1000) * mode.rate);
    refilledAt = now;
    if (tokens >= 1) tokens -= 1;
    else meltdownUntil = now + 500;
    if (now < meltdownUntil) delay = mode.slowMs;
  }
  delays.push(delay);
  req.resume();
  if (delay <= 0) res.end('ok');
  else setTimeout(() => res.end('ok'), delay);
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'delays') parentPort.postMessage({ delays });
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
    async close() {
      const closed = next<boolean>('closed');
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}
