import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLatencyHistogram } from '../../src/metrics/histogram.ts';
import { addEncodedToBuckets } from '../../src/metrics/histogram-buckets.ts';
import { encodeSparse } from '../../src/metrics/sparse-histogram.ts';

function encoded(micros: number[]): string {
  const histogram = createLatencyHistogram();
  for (const value of micros) histogram.recordValue(value);
  return encodeSparse(histogram);
}

test('values count in the first bucket whose bound they do not exceed (le), those above the last nowhere', () => {
  const counts: number[] = [0, 0, 0];
  addEncodedToBuckets(encoded([1, 1000, 1001, 4000, 5000, 9000, 20_000]), [1000, 5000, 10_000], counts);
  assert.deepEqual(counts, [2, 3, 1]);
});

test('counts add up over several histograms', () => {
  const counts: number[] = [];
  addEncodedToBuckets(encoded([10, 2000]), [1000, 5000], counts);
  addEncodedToBuckets(encoded([20, 30]), [1000, 5000], counts);
  assert.deepEqual(counts, [3, 1]);
});

test('an empty histogram changes nothing; buckets above the largest value are left as they were', () => {
  const counts = [7, 8];
  addEncodedToBuckets(encoded([]), [1000, 5000], counts);
  assert.deepEqual(counts, [7, 8]);
  const fresh: number[] = [];
  addEncodedToBuckets(encoded([10]), [1000, 5000, 10_000], fresh);
  assert.deepEqual(fresh, [1]);
});

test('a bound above the histogram’s range counts everything up to the range’s end', () => {
  // Nothing to start from: a bucket passed over holds 0, never a hole.
  const counts: number[] = [];
  addEncodedToBuckets(encoded([3_600_000_000]), [1000, Number.MAX_SAFE_INTEGER], counts);
  assert.deepEqual(counts, [0, 1]);
});

test('an empty histogram adds no buckets, and the largest value counts even in the bin right after a bound', () => {
  const empty: number[] = [];
  addEncodedToBuckets(encoded([]), [1000], empty);
  assert.deepEqual(empty, []);
  const counts: number[] = [];
  addEncodedToBuckets(encoded([1000, 1001]), [1000, 5000], counts);
  assert.deepEqual(counts, [1, 1]);
});
