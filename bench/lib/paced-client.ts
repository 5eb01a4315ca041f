/**
 * A fixed-rate HTTP client that times each request to the microsecond (autocannon reports whole
 * milliseconds, too coarse for "adds under 1 ms"): `node bench/lib/paced-client.ts URL RATE SECONDS
 * [CONNECTIONS]` sends GET URL at RATE per second over keep-alive connections (a request waits for a free
 * one) and prints `{ "count", "p50", "p99" }` in milliseconds. Its own cost is the same whatever it
 * measures, so differences between two targets are theirs.
 */
import { Agent, request } from 'node:http';

const [url = '', rateText = '1000', secondsText = '5', connectionsText = '8'] = process.argv.slice(2);
const rate = Number(rateText);
const connections = Number(connectionsText);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const latencies: number[] = [];
const endAt = performance.now() + Number(secondsText) * 1000;

function once(): Promise<void> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - start);
        resolve();
      });
    });
    req.on('error', () => resolve());
    req.end();
  });
}

const pending: Promise<void>[] = [];
for (let i = 0; ; i++) {
  const at = i * (1000 / rate);
  const now = performance.now();
  if (now >= endAt) break;
  const wait = endAt - Number(secondsText) * 1000 + at - now;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(once());
}
await Promise.all(pending);
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
process.stdout.write(`${JSON.stringify({ count: latencies.length, p50: at(0.5), p99: at(0.99) })}\n`);
