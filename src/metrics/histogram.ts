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
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  initWebAssemblySync,
} from 'hdr-histogram-js';

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
export function createLatencyHistogram(): Histogram {
  return createHistogram(3);
}

/** Per-second window histograms: 2 significant digits (±1%), 7x smaller, as current percentiles are coarse anyway. */
export function createWindowHistogram(): Histogram {
  return createHistogram(2);
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

/** Milliseconds (already clamped to 0..MAX_RESPONSE_TIME_MS) to the whole microseconds a histogram records. */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** Compact, exact, portable text form (the standard compressed HdrHistogram encoding). */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Adds an `encodeHistogram` result into `into`, exactly. */
export function addEncodedHistogram(into: Histogram, encoded: string): void {
  const decoded = decodeFromCompressedBase64(encoded, 32, useWebAssembly);
  try {
    into.add(decoded);
  } finally {
    decoded.destroy();
  }
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
