import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startedStats } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function retainedBytes(): number {
  collectGarbage();
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

test('2 million requests over a few endpoints and ~30 simulated minutes keep memory flat', () => {
  const { stats, clock } = startedStats();
  const names = ['/users', '/users/:id', '/orders', '/health'];
  const methods = ['GET', 'POST'];
  const record = (count: number): void => {
    for (let i = 0; i < count; i++) {
      clock.ms += 1; // 1000 requests per simulated second: the window buckets turn over all the time.
      const error = i % 97 === 0 ? 'HTTP 500' : null;
      stats.request(methods[i & 1]!, names[(i >> 1) & 3]!, 1 + (i % 5000) * 0.4, 100 + (i & 1023), error);
    }
  };
  // Warm up: every endpoint and error string seen, every window bucket used, the code optimised.
  record(100_000);
  const before = retainedBytes();
  record(2_000_000);
  const growth = retainedBytes() - before;
  assert.equal(stats.snapshot(1).aggregated.requests, 2_100_000);
  assert.ok(growth < 1024 * 1024, `retained memory grew by ${(growth / 1024 / 1024).toFixed(1)} MB`);
});
