/**
 * An encoded HDR histogram as its non-empty bins: what the distribution tests of `volley compare` count.
 */
import { decodeFromCompressedBase64, type JsHistogram } from 'hdr-histogram-js';

/** Non-empty bins in ascending order: `values[i]` µs (the bin's middle) was seen `counts[i]` times. */
export interface HistogramBins {
  readonly values: readonly number[];
  readonly counts: readonly number[];
  readonly total: number;
  /** Mean and standard deviation in µs. */
  readonly mean: number;
  readonly stdDev: number;
}

/** Decodes an `encodeHistogramPortable` result (µs values): a run summary's histograms. */
export function decodeBins(encoded: string): HistogramBins {
  // The JS flavour, for its bins: the WebAssembly one answers percentiles only.
  const histogram = decodeFromCompressedBase64(encoded, 32, false) as JsHistogram;
  try {
    const values: number[] = [];
    const counts: number[] = [];
    let total = 0;
    if (histogram.totalCount > 0) {
      const last = Math.min(histogram.countsArrayIndex(histogram.maxValue), histogram.countsArrayLength - 1);
      for (let index = 0; index <= last; index++) {
        const count = histogram.getCountAtIndex(index);
        if (count === 0) continue;
        values.push(histogram.medianEquivalentValue(histogram.valueFromIndex(index)));
        counts.push(count);
        total += count;
      }
    }
    return { values, counts, total, ...moments(values, counts, total) };
  } finally {
    histogram.destroy();
  }
}

function moments(
  values: readonly number[],
  counts: readonly number[],
  total: number,
): { mean: number; stdDev: number } {
  if (total === 0) return { mean: 0, stdDev: 0 };
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] as number) * (counts[i] as number);
  const mean = sum / total;
  let squares = 0;
  for (let i = 0; i < values.length; i++)
    squares += (counts[i] as number) * ((values[i] as number) - mean) ** 2;
  return { mean, stdDev: Math.sqrt(squares / total) };
}

/** The value (µs) at or below which `fraction` (0..1) of `bins` lie: the lowest bin reaching that rank. */
export function binQuantile(bins: HistogramBins, fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * bins.total));
  let seen = 0;
  for (let i = 0; i < bins.values.length; i++) {
    seen += bins.counts[i] as number;
    if (seen >= rank) return bins.values[i] as number;
  }
  return bins.values.at(-1) ?? 0;
}

/** Both sets of bins on one ascending axis of values: counts of `a` and of `b` at each value. */
export function alignBins(
  a: HistogramBins,
  b: HistogramBins,
): { values: number[]; countsA: number[]; countsB: number[] } {
  const values: number[] = [];
  const countsA: number[] = [];
  const countsB: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = a.values[i] ?? Number.POSITIVE_INFINITY;
    const vb = b.values[j] ?? Number.POSITIVE_INFINITY;
    const value = Math.min(va, vb);
    values.push(value);
    countsA.push(va === value ? (a.counts[i++] as number) : 0);
    countsB.push(vb === value ? (b.counts[j++] as number) : 0);
  }
  return { values, countsA, countsB };
}
