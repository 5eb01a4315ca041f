import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { build, type Histogram } from 'hdr-histogram-js';
import {
  addEncodedHistogram,
  createLatencyHistogram,
  createWindowHistogram,
  encodeHistogram,
  forEachEncodedValue,
  MAX_RESPONSE_TIME_MS,
} from '../../src/metrics/histogram.ts';

const PERCENTILES = [0, 1, 25, 50, 66, 75, 90, 95, 99, 99.9, 99.99, 100];

function sameDistribution(a: Histogram, b: Histogram): void {
  assert.equal(b.totalCount, a.totalCount);
  for (const p of PERCENTILES) assert.equal(b.getValueAtPercentile(p), a.getValueAtPercentile(p), `p${p}`);
}

const values = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: MAX_RESPONSE_TIME_MS * 1000 })),
  { maxLength: 200 },
);

test('an encoded histogram added into an empty one gives the same distribution (whole-run and window precision)', () => {
  fc.assert(
    fc.property(values, fc.boolean(), (recorded, window) => {
      const create = window ? createWindowHistogram : createLatencyHistogram;
      const [original, copy] = [create(), create()];
      try {
        for (const v of recorded) original.recordValue(v);
        addEncodedHistogram(copy, encodeHistogram(original));
        sameDistribution(original, copy);
      } finally {
        original.destroy();
        copy.destroy();
      }
    }),
    { numRuns: 200 },
  );
});

test('the JS histograms (no WebAssembly) encode to the same form', () => {
  const js = build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  const wasm = createLatencyHistogram();
  for (const v of [7, 1234, 1234, 99_999, 3_500_000_000]) {
    js.recordValue(v);
    wasm.recordValue(v);
  }
  const seen: [number, number][] = [];
  forEachEncodedValue(encodeHistogram(js), (value, count) => seen.push([value, count]));
  const fromWasm: [number, number][] = [];
  forEachEncodedValue(encodeHistogram(wasm), (value, count) => fromWasm.push([value, count]));
  assert.deepEqual(seen, fromWasm);
  assert.deepEqual(
    seen.map(([, count]) => count),
    [1, 2, 1, 1],
  );
  wasm.destroy();
});

test('bins come out once each, ascending, as the lowest value of the bin', () => {
  const h = createLatencyHistogram();
  for (const v of [5, 5, 2047, 2048, 2049, 100_000, 100_050]) h.recordValue(v);
  const seen: [number, number][] = [];
  forEachEncodedValue(encodeHistogram(h), (value, count) => seen.push([value, count]));
  // Exact below 2048 µs; 2048 and 2049 share a bin of width 2; 100 000 and 100 050 bins of width 64.
  assert.deepEqual(seen, [
    [5, 2],
    [2047, 1],
    [2048, 2],
    [99_968, 1],
    [100_032, 1],
  ]);
  h.destroy();
});

test('anything but an HdrHistogram V2 encoding is refused', () => {
  assert.throws(() => forEachEncodedValue('aGVsbG8=', () => {}), /not an HdrHistogram V2 encoding/);
  const truncated = Buffer.from(encodeHistogram(createLatencyHistogram()), 'base64').subarray(0, 41);
  truncated.writeInt32BE(1000, 4);
  assert.throws(() => forEachEncodedValue(truncated.toString('base64'), () => {}), /damaged/);
});
