/**
 * The HDR histograms behind every latency figure. Values are whole microseconds from 1 µs to 1 hour.
 *
 * hdr-histogram-js's WebAssembly build records ~2.5x faster than its pure-JS Int32 histogram
 * (about 25 ns vs 65 ns per value, measured with Node 24), so it is used whenever WebAssembly is
 * available, falling back to the JS Int32 histogram otherwise. WebAssembly histograms live outside the
 * JS heap and must be destroyed explicitly: see `destroyHistograms`.
 */
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import type { Histogram } from 'hdr-histogram-js';
import { build, encodeIntoCompressedBase64, initWebAssemblySync } from 'hdr-histogram-js';

export type { Histogram } from 'hdr-histogram-js';

/** Longest response time a histogram tracks; longer ones are clamped to it. */
export const MAX_RESPONSE_TIME_MS = 3_600_000;
const MAX_MICROS = MAX_RESPONSE_TIME_MS * 1000;

const useWebAssembly = ((): boolean => {
  try {
    withNativeInflate(initWebAssemblySync);
    return true;
  } catch {
    return false;
  }
})();

/**
 * Runs `init` with hdr-histogram-js's pako (pure-JS zlib, used once to unpack its embedded
 * WebAssembly) doing its inflating with Node's zlib: the same bytes, a sizeable part of start-up less.
 * Anything unexpected, and the library's own path runs.
 */
function withNativeInflate(init: () => void): void {
  let pako: { inflate: (data: Uint8Array) => Uint8Array } | null = null;
  try {
    const fromHdr = createRequire(createRequire(import.meta.url).resolve('hdr-histogram-js'));
    pako = fromHdr('pako') as { inflate: (data: Uint8Array) => Uint8Array };
  } catch {
    pako = null;
  }
  const original = pako?.inflate;
  if (pako === null || typeof original !== 'function') {
    init();
    return;
  }
  pako.inflate = (data) => inflateSync(data);
  try {
    init();
  } catch {
    pako.inflate = original;
    init();
  } finally {
    pako.inflate = original;
  }
}

/** Whole-run histograms: 3 significant digits (±0.1%). */
export const LATENCY_DIGITS = 3;
/** Per-second window histograms: 2 significant digits (±1%), 7x smaller, as current percentiles are coarse anyway. */
export const WINDOW_DIGITS = 2;

/** A whole-run histogram (LATENCY_DIGITS). */
export function createLatencyHistogram(): Histogram {
  return createHistogram(LATENCY_DIGITS);
}

/** A one-second window histogram (WINDOW_DIGITS). */
export function createWindowHistogram(): Histogram {
  return createHistogram(WINDOW_DIGITS);
}

function createHistogram(digits: 2 | 3): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_MICROS,
    numberOfSignificantValueDigits: digits,
    useWebAssembly,
  });
}

/**
 * A function recording one value into `histogram`, the same as its `recordValue`. For a WebAssembly
 * histogram it calls the exported function directly with the histogram's address: hdr-histogram-js's
 * `recordValue` goes through AssemblyScript's loader, whose wrapper spreads its arguments and makes a
 * second call into WebAssembly to set their count (about 150 instructions of some 470 per value, and
 * every request records four values, an open-model arrival twelve). Anything unexpected: `recordValue`.
 */
export function recorderOf(histogram: Histogram): (value: number) => void {
  const holder = histogram as unknown as { _wasmHistogram?: { recordValue?: { original?: unknown } } };
  const wasm = holder._wasmHistogram;
  const record = wasm?.recordValue?.original;
  const address: unknown = wasm?.valueOf();
  if (typeof record === 'function' && typeof address === 'number' && address > 0) {
    // Once destroyed, the histogram's memory may be reused: `recordValue` then throws, as it should.
    return (value) => {
      if (holder._wasmHistogram === wasm) record(address, value);
      else histogram.recordValue(value);
    };
  }
  return (value) => histogram.recordValue(value);
}

/** Milliseconds (already clamped to 0..MAX_RESPONSE_TIME_MS) to the whole microseconds a histogram records. */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/**
 * Exact, portable text form: the standard HdrHistogram V2 encoding, base64, not deflated. Statistics
 * deltas carry its non-empty bins rewritten as sparse text (sparse-histogram.ts), read here with
 * `forEachEncodedValue` in proportion to the bins that hold values.
 */
export function encodeHistogram(histogram: Histogram): string {
  const wasm = histogram as Partial<{ encode(): Uint8Array }>;
  if (typeof wasm.encode === 'function') return Buffer.from(wasm.encode()).toString('base64');
  // The JS flavour writes only the compressed form: a cookie, a length, then the deflated V2 bytes.
  const compressed = Buffer.from(encodeIntoCompressedBase64(histogram), 'base64');
  return inflateSync(compressed.subarray(8)).toString('base64');
}

/**
 * The standard compressed HdrHistogram encoding (deflated V2, base64), as every HdrHistogram library reads
 * it: for reports (a run summary's `histograms`), where portability beats the cost of decoding.
 */
export function encodeHistogramPortable(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

const V2_COOKIE_BASE = 0x1c849303;
const V2_HEADER_BYTES = 40;

/**
 * Calls `each(value, count)` for every bin of an `encodeHistogram` result that holds values, in
 * ascending order; `value` is the lowest value of the bin (in µs), which records into the same bin of a
 * histogram of the same precision; `index` is the bin's place in HdrHistogram's count array. Throws on
 * anything that is not such an encoding.
 */
export function forEachEncodedValue(
  encoded: string,
  each: (value: number, count: number, index: number) => void,
): void {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < V2_HEADER_BYTES || (bytes.readInt32BE(0) & ~0xf0) !== V2_COOKIE_BASE) {
    throw new Error('not an HdrHistogram V2 encoding');
  }
  const end = V2_HEADER_BYTES + bytes.readInt32BE(4);
  const digits = bytes.readInt32BE(12);
  const lowest = Number(bytes.readBigInt64BE(16));
  if (end > bytes.length || digits < 0 || digits > 5 || lowest < 1) {
    throw new Error('a damaged HdrHistogram V2 encoding');
  }
  // HdrHistogram's bucket layout, from its precision and lowest discernible value.
  const halfCountMagnitude = HALF_COUNT_MAGNITUDE[digits] as number;
  const halfCount = 1 << halfCountMagnitude;
  const unitMagnitude = lowest < 2 ** 31 ? 31 - Math.clz32(lowest) : Math.floor(Math.log2(lowest));
  let position = V2_HEADER_BYTES;
  let index = 0;
  while (position < end) {
    // ZigZag LEB128 (at most 9 bytes, the 9th whole): a count, or minus a run of empty bins. Small
    // numbers (all but absurd counts) stay in 32-bit integer arithmetic: this loop is the merge's cost.
    let b = bytes[position++] as number;
    let raw = b & 0x7f;
    let shift = 7;
    while (b & 0x80) {
      b = bytes[position++] as number;
      if (shift === 56) {
        raw += b * (POWERS_OF_TWO[56] as number);
        break;
      }
      raw = shift < 28 ? raw | ((b & 0x7f) << shift) : raw + (b & 0x7f) * (POWERS_OF_TWO[shift] as number);
      shift += 7;
    }
    const count = raw < 0x80000000 ? (raw >>> 1) ^ -(raw & 1) : raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (count < 0) {
      index -= count;
      continue;
    }
    if (count > 0) {
      let bucket = (index >>> halfCountMagnitude) - 1;
      let subBucket = (index & (halfCount - 1)) + halfCount;
      if (bucket < 0) {
        subBucket -= halfCount;
        bucket = 0;
      }
      each(subBucket * POWERS_OF_TWO[bucket + unitMagnitude]!, count, index);
    }
    index += 1;
  }
}

/** log2 of half a bucket's bins, by significant digits (HdrHistogram: ceil(log2(2·10^digits)) - 1). */
const HALF_COUNT_MAGNITUDE = [0, 1, 2, 3, 4, 5].map((digits) => Math.ceil(Math.log2(2 * 10 ** digits)) - 1);
/** 2^0 … 2^63, for values beyond 32-bit shifts. */
const POWERS_OF_TWO = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** Adds an `encodeHistogram` result into `into`, exactly (both of the same precision). */
export function addEncodedHistogram(into: Histogram, encoded: string): void {
  forEachEncodedValue(encoded, (value, count) => into.recordValueWithCount(value, count));
}

// Safety net for stats objects dropped without `dispose()`: free their WebAssembly memory once collected.
const registry = new FinalizationRegistry<readonly Histogram[]>((histograms) => {
  for (const histogram of histograms) histogram.destroy();
});

/** Destroys `histograms` when `owner` is garbage-collected, unless `destroyHistograms(owner, …)` ran first. */
export function destroyHistogramsWith(owner: object, histograms: readonly Histogram[]): void {
  registry.register(owner, histograms, owner);
}

/** Frees `histograms` now (they must not be used afterwards). */
export function destroyHistograms(owner: object, histograms: readonly Histogram[]): void {
  registry.unregister(owner);
  for (const histogram of histograms) histogram.destroy();
}
