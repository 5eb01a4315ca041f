import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { build, type Histogram, type JsHistogram } from 'hdr-histogram-js';
import {
  createLatencyHistogram,
  createWindowHistogram,
  MAX_RESPONSE_TIME_MS,
} from '../../src/metrics/histogram.ts';
import { RunStats } from '../../src/metrics/run-stats.ts';
import {
  addSparse,
  binIndex,
  binValue,
  encodeSparse,
  forEachSparseBin,
  SparseHistogramError,
  sparseTotal,
} from '../../src/metrics/sparse-histogram.ts';
import { FakeClock, META, T0 } from './fixtures.ts';

const MAX_MICROS = MAX_RESPONSE_TIME_MS * 1000;
const PERCENTILES = [0, 1, 25, 50, 66, 75, 90, 95, 99, 99.9, 99.99, 100];

const values = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: MAX_MICROS })),
  { maxLength: 200 },
);

function sameDistribution(a: Histogram, b: Histogram): void {
  assert.equal(b.totalCount, a.totalCount);
  for (const p of PERCENTILES) assert.equal(b.getValueAtPercentile(p), a.getValueAtPercentile(p), `p${p}`);
}

test('a sparse histogram added into an empty one gives the same distribution, at both precisions', () => {
  fc.assert(
    fc.property(values, fc.boolean(), (recorded, window) => {
      const create = window ? createWindowHistogram : createLatencyHistogram;
      const [original, copy] = [create(), create()];
      try {
        for (const v of recorded) original.recordValue(v);
        const total = addSparse(encodeSparse(original), window ? 2 : 3, copy);
        assert.equal(total, recorded.length);
        sameDistribution(original, copy);
      } finally {
        original.destroy();
        copy.destroy();
      }
    }),
    { numRuns: 200 },
  );
});

test('bins are numbered as HdrHistogram numbers its counts, and each bin’s value records into that bin', () => {
  for (const digits of [2, 3] as const) {
    const js = build({
      bitBucketSize: 32,
      autoResize: false,
      lowestDiscernibleValue: 1,
      highestTrackableValue: MAX_MICROS,
      numberOfSignificantValueDigits: digits,
      useWebAssembly: false,
    }) as JsHistogram;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MICROS }), (value) => {
        const index = binIndex(value, digits);
        assert.equal(index, js.countsArrayIndex(value));
        assert.equal(binValue(index, digits), js.lowestEquivalentValue(value));
        assert.equal(binIndex(binValue(index, digits), digits), index);
      }),
      { numRuns: 500 },
    );
    js.destroy();
  }
});

test('a second’s handful of values takes a few characters each, and an empty histogram none', () => {
  const histogram = createLatencyHistogram();
  for (const ms of [5.1, 12.7, 20.3, 33.3, 54.9]) histogram.recordValue(Math.round(ms * 1000));
  const encoded = encodeSparse(histogram);
  assert.ok(encoded.length <= 5 * 4, `${encoded.length} characters: ${encoded}`);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/, 'JSON carries it unescaped');
  histogram.reset();
  assert.equal(encodeSparse(histogram), '');
  assert.equal(sparseTotal('', 3), 0);
  histogram.destroy();
});

test('large counts and the range’s last bin survive the trip', () => {
  const [original, copy] = [createLatencyHistogram(), createLatencyHistogram()];
  original.recordValueWithCount(MAX_MICROS, 2_000_000_000);
  original.recordValueWithCount(1, 3);
  assert.equal(addSparse(encodeSparse(original), 3, copy), 2_000_000_003);
  sameDistribution(original, copy);
  original.destroy();
  copy.destroy();
});

test('damaged or forged text is refused before any bin is handed out', () => {
  const histogram = createLatencyHistogram();
  histogram.recordValue(5000);
  histogram.recordValue(7000);
  const good = encodeSparse(histogram);
  histogram.destroy();
  const refused = (encoded: string, digits: 2 | 3, message: RegExp) => {
    let called = 0;
    assert.throws(
      () => forEachSparseBin(encoded, digits, () => called++),
      (error: unknown) => error instanceof SparseHistogramError && message.test(error.message),
      encoded,
    );
    assert.equal(called, 0, 'nothing handed out');
  };
  refused(`${good}!`, 3, /damaged at character/);
  refused(`${good}"`, 3, /damaged at character/);
  refused(`${good}é`, 3, /damaged at character/);
  refused(good.slice(0, -1), 3, /damaged at character/);
  refused(`${good}g`, 3, /damaged at character/);
  refused('AA', 3, /lists bin 0 with no count/);
  refused(`${'g'.repeat(11)}AB`, 3, /more than 55 bits/);
  // Bin 23221 is past the last one 3 digits have for an hour; window histograms (2 digits) end sooner.
  refused(`${encodeNumber(binIndex(MAX_MICROS, 3) + 1)}B`, 3, /beyond its range/);
  refused(`${encodeNumber(binIndex(MAX_MICROS, 2) + 1)}B`, 2, /beyond its range/);
  assert.equal(sparseTotal(`${encodeNumber(binIndex(MAX_MICROS, 3))}B`, 3), 1);
});

/** One number in the sparse alphabet, as encodeSparse writes it. */
function encodeNumber(value: number): string {
  const final = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef';
  const more = 'ghijklmnopqrstuvwxyz0123456789-_';
  let text = '';
  let rest = value;
  while (rest >= 32) {
    text += more[rest % 32];
    rest = Math.floor(rest / 32);
  }
  return text + final[rest];
}

test('three hundred deltas, merged through JSON, give exactly the run recorded in one place', () => {
  const clock = new FakeClock();
  const started = () => {
    const stats = new RunStats({ now: clock.now });
    stats.start(T0);
    return stats;
  };
  const [direct, worker, coordinator] = [started(), started(), started()];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  // 15 s of a worker reporting every 50 ms, some reports empty.
  for (let report = 0; report < 300; report++) {
    for (let i = 0; i < Math.floor(random() * 6); i++) {
      clock.set(report * 50 + i);
      const endpoint = `/e/${Math.floor(random() * 8)}`;
      const ms = random() < 0.99 ? 5 + random() * 50 : 1000 + random() * 60_000;
      const error = random() < 0.03 ? 'HTTP 503' : null;
      direct.request('GET', endpoint, ms, 100, error);
      worker.request('GET', endpoint, ms, 100, error);
    }
    coordinator.merge(JSON.parse(JSON.stringify(worker.serialize())));
    worker.reset();
  }
  clock.set(15_000);
  for (const stats of [direct, coordinator]) stats.stop(T0 + 15_000);
  const expected = direct.summary(META, [], { exitCodeOnError: 1 });
  assert.ok(expected.aggregated.requests > 500 && expected.aggregated.failures > 0);
  assert.ok(expected.aggregated.currentRps > 0);
  assert.deepEqual(coordinator.summary(META, [], { exitCodeOnError: 1 }), expected);
  assert.deepEqual(coordinator.snapshot(3), direct.snapshot(3));
  for (const stats of [direct, worker, coordinator]) stats.dispose();
});
