import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { META, startedStats } from './fixtures.ts';

/** How many values a summary histogram holds, and its largest, decoded as `volley compare` reads them. */
function decoded(encoded: string): [number, number] {
  const histogram = decodeFromCompressedBase64(encoded, 32, false);
  try {
    return [histogram.totalCount, histogram.maxValue];
  } finally {
    histogram.destroy();
  }
}

test('a summary carries every endpoint histogram and the aggregated one, in the encoding it names', () => {
  const { stats } = startedStats();
  stats.request('GET', '/b', 20, 0, null);
  stats.request('GET', '/a', 10, 0, null);
  stats.request('GET', '/a', 30, 0, null);
  const { histograms } = stats.summary(META, [], { exitCodeOnError: 1 });
  assert.ok(histograms, 'the summary has histograms');
  assert.equal(histograms.encoding, 'hdr-base64-us');
  assert.deepEqual(
    histograms.endpoints.map(({ method, name, histogram }) => [method, name, decoded(histogram)[0]]),
    [
      ['GET', '/a', 2],
      ['GET', '/b', 1],
    ],
  );
  const [count, maxMicros] = decoded(histograms.aggregated);
  assert.equal(count, 3);
  assert.ok(Math.abs(maxMicros - 30_000) <= 30, `largest ${maxMicros} µs`);
});
