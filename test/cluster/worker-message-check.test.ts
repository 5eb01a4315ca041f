import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkerMessage } from '../../src/cluster/protocol.ts';
import { checkWorkerMessage } from '../../src/cluster/worker-message-check.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import { ENDPOINT, SECOND } from '../../src/metrics/serialized-stats.ts';

function delta() {
  const stats = new RunStats();
  stats.request('GET', '/a', 5, 10, null);
  stats.request('GET', '/b', 7, 10, 'HTTP 500');
  const serialized = stats.serialize();
  stats.dispose();
  return serialized;
}

test('accepts what a real worker sends', () => {
  assert.equal(checkWorkerMessage({ type: 'stats', stats: delta(), users: 3 }, 10), null);
  assert.equal(
    checkWorkerMessage({ type: 'done', stats: delta(), peakUsers: 3, stopReason: 'run-time' }, 10),
    null,
  );
});

test('refuses statistics whose endpoints do not add up to the total', () => {
  const stats = delta();
  stats.aggregated.failures = 0;
  assert.match(
    checkWorkerMessage({ type: 'stats', stats, users: 1 }, 10) ?? '',
    /its endpoints add up to 2 requests and 1 failures, its total says 2 and 0/,
  );
});

test('refuses counts out of bounds, wrong types and more users than the run has', () => {
  const negative = delta();
  negative.endpoints[0]![ENDPOINT.requests] = -1;
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: negative, users: 1 }, 10) ?? '',
    /requests is not a count/,
  );
  const huge = delta();
  huge.endpoints[0]![ENDPOINT.requests] = 1e12;
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: huge, users: 1 }, 10) ?? '',
    /not a count from 0 to/,
  );
  const text = delta();
  (text.endpoints[0] as unknown[])[ENDPOINT.maxMs] = 'slow';
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: text, users: 1 }, 10) ?? '',
    /maxMs is not a number/,
  );
  assert.match(checkWorkerMessage({ type: 'ready', users: 11 }, 10) ?? '', /ready\.users/);
  assert.match(
    checkWorkerMessage({ type: 'log', level: 'debug', message: 'x' } as unknown as WorkerMessage, 10) ?? '',
    /log\.level "debug" is not a log level/,
  );
  assert.match(
    checkWorkerMessage(
      { type: 'stats', stats: { format: 'other' }, users: 1 } as unknown as WorkerMessage,
      10,
    ) ?? '',
    /stats is in format "other"/,
  );
});

test('refuses histograms that do not count the requests, are damaged, or seconds that hold more than the endpoint', () => {
  const inflated = delta();
  inflated.endpoints[0]![ENDPOINT.requests] *= 1000;
  inflated.aggregated.requests = inflated.endpoints.reduce((sum, e) => sum + e[ENDPOINT.requests], 0);
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: inflated, users: 1 }, 10) ?? '',
    /stats\.endpoints\[0\]\.histogram counts 1 values for 1000 requests/,
  );
  const damaged = delta();
  damaged.endpoints[0]![ENDPOINT.histogram] += '!';
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: damaged, users: 1 }, 10) ?? '',
    /stats\.endpoints\[0\]\.histogram: a sparse histogram is damaged at character \d+/,
  );
  const window = delta();
  const seconds = window.endpoints[0]![ENDPOINT.window];
  const second = seconds[0]!;
  seconds.push([second[SECOND.second] + 1, ...second.slice(1)] as typeof second);
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: window, users: 1 }, 10) ?? '',
    /stats\.endpoints\[0\]'s seconds hold 2 requests, more than its 1/,
  );
  const forgedSecond = delta();
  forgedSecond.endpoints[0]![ENDPOINT.window][0]![SECOND.requests] = 5;
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: forgedSecond, users: 1 }, 10) ?? '',
    /window\[0\]\.histogram counts 1 values for 5 requests/,
  );
  const many = delta();
  many.endpoints[0]![ENDPOINT.window] = Array.from({ length: 11 }, (_, i) => [i, 0, 0, 0, 0, '']);
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: many, users: 1 }, 10) ?? '',
    /window holds more than 10 seconds/,
  );
  const noTotals = delta() as unknown as { aggregated: unknown };
  noTotals.aggregated = 'all fine';
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: noTotals, users: 1 } as unknown as WorkerMessage, 10) ?? '',
    /stats\.aggregated is not an object/,
  );
});

test('refuses an endpoint or a second that is not a list of its fields', () => {
  const short = delta();
  (short.endpoints as unknown[])[1] = short.endpoints[1]!.slice(0, 10);
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: short, users: 1 }, 10) ?? '',
    /stats\.endpoints\[1\] is not a list of 11/,
  );
  const keyed = delta();
  (keyed.endpoints[0]![ENDPOINT.window] as unknown[])[0] = { second: 1, requests: 1 };
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: keyed, users: 1 }, 10) ?? '',
    /stats\.endpoints\[0\]\.window\[0\] is not a list of 6/,
  );
  const errors = delta();
  (errors.endpoints[1]![ENDPOINT.errors] as unknown[])[0] = ['HTTP 500', 2];
  assert.match(
    checkWorkerMessage({ type: 'stats', stats: errors, users: 1 }, 10) ?? '',
    /lists 2 failure occurrences for 1 failures/,
  );
});

test("an open-model worker's share: droppedSaturated may be absent (an older worker), and is a count when present", () => {
  const done = (extra: Record<string, unknown>) =>
    ({
      type: 'done',
      stats: delta(),
      peakUsers: 3,
      stopReason: 'run-time',
      open: {
        targetRate: 10,
        achievedRate: 9,
        durationSec: 1,
        scheduled: 10,
        launched: 9,
        dropped: 1,
        maxUsers: 5,
        uncorrected: delta(),
        iterations: delta(),
        ...extra,
      },
    }) as unknown as WorkerMessage;
  assert.equal(checkWorkerMessage(done({}), 10), null);
  assert.equal(checkWorkerMessage(done({ droppedSaturated: 1 }), 10), null);
  assert.match(
    checkWorkerMessage(done({ droppedSaturated: -1 }), 10) ?? '',
    /done\.open\.droppedSaturated is not a count/,
  );
});
