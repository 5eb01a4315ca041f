/**
 * Fixed latency buckets (Prometheus's `le`) counted from an HDR histogram: what a multi-process run has of
 * its workers' latencies is their histograms, not the samples.
 */
import { LATENCY_DIGITS } from './histogram.ts';
import { forEachSparseBin } from './sparse-histogram.ts';

/**
 * Adds the values of `encoded` (a whole-run histogram's `encodeSparse`, in µs) to `counts`: `counts[i]` gets those in
 * (boundsMicros[i - 1], boundsMicros[i]]; values above the last bound are not counted anywhere. Exact to
 * the histogram's resolution: the HDR bin holding a bound counts under it, so a value less than a bin's
 * width (0.1% at 3 significant digits) above a bound may too. `boundsMicros` must be ascending.
 */
export function addEncodedToBuckets(
  encoded: string,
  boundsMicros: readonly number[],
  counts: number[],
): void {
  let bucket = 0;
  // Bins come in ascending order, each as its lowest value: it counts under the first bound it is not above.
  forEachSparseBin(encoded, LATENCY_DIGITS, (value, count) => {
    while (bucket < boundsMicros.length && value > (boundsMicros[bucket] as number)) {
      // A bucket passed over holds a count (0), never a hole, like the ones below the largest value.
      counts[bucket] ??= 0;
      bucket++;
    }
    if (bucket < boundsMicros.length) counts[bucket] = (counts[bucket] ?? 0) + count;
  });
}
