/**
 * Fixed latency buckets (Prometheus's `le`) counted from an HDR histogram: what a multi-process run has of
 * its workers' latencies is their histograms, not the samples.
 */
import { decodeFromCompressedBase64, type JsHistogram } from 'hdr-histogram-js';

/**
 * Adds the values of `encoded` (an `encodeHistogram` result, in µs) to `counts`: `counts[i]` gets those in
 * (boundsMicros[i - 1], boundsMicros[i]]; values above the last bound are not counted anywhere. Exact to
 * the histogram's resolution: the HDR bin holding a bound counts under it, so a value less than a bin's
 * width (0.1% at 3 significant digits) above a bound may too. `boundsMicros` must be ascending.
 */
export function addEncodedToBuckets(
  encoded: string,
  boundsMicros: readonly number[],
  counts: number[],
): void {
  // The JS flavour, for its bins: the WebAssembly one answers percentiles only.
  const histogram = decodeFromCompressedBase64(encoded, 32, false) as JsHistogram;
  try {
    if (histogram.totalCount === 0) return;
    const lastIndex = Math.min(
      histogram.countsArrayIndex(histogram.maxValue),
      histogram.countsArrayLength - 1,
    );
    let index = 0;
    for (let bucket = 0; bucket < boundsMicros.length && index <= lastIndex; bucket++) {
      const bound = Math.min(boundsMicros[bucket] as number, histogram.highestTrackableValue);
      const end = Math.min(histogram.countsArrayIndex(bound), lastIndex);
      let count = 0;
      for (; index <= end; index++) count += histogram.getCountAtIndex(index);
      counts[bucket] = (counts[bucket] ?? 0) + count;
    }
  } finally {
    histogram.destroy();
  }
}
