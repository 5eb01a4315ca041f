import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { build, type Histogram, type JsHistogram } from 'hdr-histogram-js';
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

/** A JS histogram of any precision and lowest discernible value (the reader takes its layout from the header). */
function histogramOf(digits: number, lowest: number): JsHistogram {
  return build({
    bitBucketSize: 64,
    lowestDiscernibleValue: lowest,
    highestTrackableValue: lowest * 2 ** 40,
    numberOfSignificantValueDigits: digits as 1 | 2 | 3 | 4 | 5,
    useWebAssembly: false,
  }) as JsHistogram;
}

test('any precision, any lowest discernible value, any count: re-recording what is read gives the same histogram', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom(1, 3, 1000),
      fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 2 ** 30, noNaN: true }),
          // Counts past 32 bits take the reader's wide arithmetic (40 of them stay below 2^53 in all).
          fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 2 ** 31, max: 2 ** 45 })),
        ),
        { minLength: 1, maxLength: 40 },
      ),
      (digits, lowest, recorded) => {
        const original = histogramOf(digits, lowest);
        for (const [fraction, count] of recorded)
          original.recordValueWithCount(Math.floor(lowest * fraction), count);
        const copy = histogramOf(digits, lowest);
        let previous = -1;
        forEachEncodedValue(encodeHistogram(original), (value, count, index) => {
          assert.ok(index > previous, 'bins ascending, each once');
          previous = index;
          assert.equal(original.getCountAtIndex(index), count);
          assert.equal(original.lowestEquivalentValue(value), value, 'the lowest value of its bin');
          copy.recordValueWithCount(value, count);
        });
        assert.equal(copy.totalCount, original.totalCount);
        for (let index = 0; index < original.countsArrayLength; index++) {
          assert.equal(copy.getCountAtIndex(index), original.getCountAtIndex(index), `bin ${index}`);
        }
      },
    ),
    { seed: 17, numRuns: 150 },
  );
});

test('a header that is not V2 or whose layout cannot be is refused as damaged, naming which', () => {
  const good = () => {
    const h = createLatencyHistogram();
    h.recordValue(1234);
    const bytes = Buffer.from(encodeHistogram(h), 'base64');
    h.destroy();
    return bytes;
  };
  const refused = (bytes: Buffer) => () => forEachEncodedValue(bytes.toString('base64'), () => {});
  assert.throws(refused(good().subarray(0, 39)), /not an HdrHistogram V2 encoding/, 'shorter than a header');
  const cookie = good();
  cookie.writeInt32BE(0x1c849304, 0);
  assert.throws(refused(cookie), /not an HdrHistogram V2 encoding/, 'another cookie');
  // The cookie's word-size nibble is not part of what makes it V2.
  const wordSize = good();
  wordSize.writeInt32BE(0x1c849313, 0);
  const seen: number[] = [];
  forEachEncodedValue(wordSize.toString('base64'), (value) => seen.push(value));
  assert.deepEqual(seen, [1234]);
  for (const [at, value, why] of [
    [12, -1, 'negative precision'],
    [12, 6, 'precision beyond 5 digits'],
  ] as const) {
    const bytes = good();
    bytes.writeInt32BE(value, at);
    assert.throws(refused(bytes), /damaged/, why);
  }
  const noDigits = good();
  noDigits.writeInt32BE(0, 12);
  assert.doesNotThrow(refused(noDigits), 'a precision of 0 digits is a layout');
  const headerOnly = good().subarray(0, 40);
  headerOnly.writeInt32BE(0, 4);
  assert.doesNotThrow(refused(headerOnly), 'a header announcing no payload');
  const lowest = good();
  lowest.writeBigInt64BE(0n, 16);
  assert.throws(refused(lowest), /damaged/, 'lowest discernible value 0');
  const exact = good();
  exact.writeInt32BE(exact.length - 40, 4);
  assert.doesNotThrow(refused(exact), 'a payload that ends exactly at the end');
  exact.writeInt32BE(exact.length - 39, 4);
  assert.throws(refused(exact), /damaged/, 'a payload longer than the bytes');
});

test('bytes after the payload its header announces are not read', () => {
  const h = createLatencyHistogram();
  h.recordValue(1234);
  // ZigZag 1 (0x02): a count of one more bin, if it were read.
  const bytes = Buffer.concat([Buffer.from(encodeHistogram(h), 'base64'), Buffer.from([0x02])]);
  h.destroy();
  const seen: number[] = [];
  forEachEncodedValue(bytes.toString('base64'), (value) => seen.push(value));
  assert.deepEqual(seen, [1234]);
});
