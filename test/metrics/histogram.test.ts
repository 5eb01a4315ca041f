import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EndpointStats } from '../../src/metrics/endpoint-stats.ts';
import {
  addEncodedHistogram,
  createLatencyHistogram,
  createWindowHistogram,
  destroyHistograms,
  destroyHistogramsWith,
  encodeHistogram,
  MAX_RESPONSE_TIME_MS,
  recorderOf,
  toMicros,
} from '../../src/metrics/histogram.ts';
import { until } from '../helpers/until.ts';

test('histograms record with WebAssembly where it is available (2.5x faster than the JS ones)', () => {
  assert.equal(createLatencyHistogram().constructor.name, 'WasmHistogram');
  assert.equal(createWindowHistogram().constructor.name, 'WasmHistogram');
});

test('loading the histograms leaves hdr-histogram-js’s own inflate in place once its WebAssembly is unpacked', () => {
  const fromHdr = createRequire(createRequire(import.meta.url).resolve('hdr-histogram-js'));
  const pako = fromHdr('pako') as { inflate: (data: Uint8Array) => Uint8Array };
  assert.ok(!String(pako.inflate).includes('inflateSync'), String(pako.inflate));
});

test('a histogram covers 1 µs to one hour and refuses more instead of growing (callers clamp first)', () => {
  const histogram = createLatencyHistogram();
  histogram.recordValue(toMicros(MAX_RESPONSE_TIME_MS));
  assert.equal(histogram.totalCount, 1);
  assert.throws(
    () => histogram.recordValue(toMicros(MAX_RESPONSE_TIME_MS) * 2),
    /outside of histogram covered range/,
  );
});

test('a recorder records exactly what recordValue records, refuses what it refuses, and nothing once destroyed', () => {
  for (const create of [createLatencyHistogram, createWindowHistogram]) {
    const direct = create();
    const through = create();
    const record = recorderOf(through);
    for (const value of [1, 7, 999, 1234, 56_789, 3_600_000_000]) {
      direct.recordValue(value);
      record(value);
    }
    assert.equal(encodeHistogram(through), encodeHistogram(direct));
    assert.throws(() => record(toMicros(MAX_RESPONSE_TIME_MS) * 2), /outside of histogram covered range/);
    const owner = {};
    destroyHistograms(owner, [through, direct]);
    assert.throws(() => record(1), /destroyed/);
  }
});

test('a recorder of a JS histogram (no WebAssembly) records through recordValue', () => {
  const { build } = createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js');
  const js = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    useWebAssembly: false,
  });
  const record = recorderOf(js);
  record(1234);
  record(1234);
  assert.deepEqual([js.totalCount, js.maxValue], [2, 1234]);
});

test('milliseconds become whole microseconds, rounded', () => {
  assert.equal(toMicros(1.2344), 1234);
  assert.equal(toMicros(1.2346), 1235);
});

test('an encoded histogram adds into another exactly', () => {
  const from = createLatencyHistogram();
  for (const micros of [1, 1000, 123_456]) from.recordValue(micros);
  const into = createLatencyHistogram();
  into.recordValue(5);
  addEncodedHistogram(into, encodeHistogram(from));
  assert.equal(into.totalCount, 4);
  assert.equal(into.getValueAtPercentile(100), from.getValueAtPercentile(100));
  assert.equal(into.minNonZeroValue, 1);
});

test('destroying histograms frees them now: they cannot be used afterwards', () => {
  const owner = {};
  const histograms = [createLatencyHistogram(), createWindowHistogram()];
  destroyHistogramsWith(owner, histograms);
  destroyHistograms(owner, histograms);
  for (const histogram of histograms) assert.throws(() => histogram.recordValue(1), /destroyed/);
});

test('histograms whose owner is garbage-collected without being destroyed are freed', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const histogram = createLatencyHistogram();
  (() => destroyHistogramsWith({}, [histogram]))();
  const freed = () => {
    try {
      histogram.recordValue(1);
      return false;
    } catch {
      return true;
    }
  };
  await until(() => {
    gc();
    return freed();
  }, 'the finalizer to free the histogram');
});

test('an endpoint’s histograms are freed once the endpoint is garbage-collected', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { histogram } = new EndpointStats('GET', '/dropped');
  await until(() => {
    gc();
    try {
      histogram.recordValue(1);
      return false;
    } catch {
      return true;
    }
  }, 'the finalizer to free the endpoint’s histogram');
});

test('an endpoint disposed of frees its histograms at once', () => {
  const endpoint = new EndpointStats('GET', '/a');
  endpoint.dispose();
  assert.throws(() => endpoint.record(1, 1000, 0, false, 0), /destroyed/);
});

test('a recorder of a WebAssembly histogram writes into WebAssembly itself, not through the wrapper’s recordValue', () => {
  const histogram = createLatencyHistogram();
  let throughWrapper = 0;
  const wrapper = histogram.recordValue.bind(histogram);
  histogram.recordValue = (value: number) => {
    throughWrapper++;
    wrapper(value);
  };
  const record = recorderOf(histogram);
  record(5);
  record(1234);
  assert.equal(throughWrapper, 0, 'the wrapper was not called');
  assert.deepEqual([histogram.totalCount, histogram.maxValue], [2, 1234]);
  histogram.destroy();
});
