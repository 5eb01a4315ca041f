/**
 * A statistics delta's histograms as their non-empty bins only: (gap, count) pairs of variable-length
 * numbers, written as text that JSON carries unescaped. A worker's second at 20 endpoints holds a handful of
 * values per histogram, so what the coordinator reads, checks and adds is proportional to what was recorded,
 * not to the histogram's size: no header, no runs of empty bins, no decoding into a whole count array.
 *
 * Bins are HdrHistogram's counts-array indexes for a histogram of 1 µs .. MAX_RESPONSE_TIME_MS with 2 or 3
 * significant digits (the receiver knows which from where the histogram sits). Each pair is the number of
 * empty bins skipped since the previous non-empty one (or since bin 0), then the bin's count (≥ 1). Both are
 * never negative, so no zigzag: each number is little-endian 5-bit groups, one character each, the last from
 * FINAL_DIGITS and the others from MORE_DIGITS (so the character also says whether the number goes on).
 */
import type { Histogram } from './histogram.ts';
import { encodeHistogram, forEachEncodedValue, MAX_RESPONSE_TIME_MS } from './histogram.ts';

export type SignificantDigits = 2 | 3;

/** Thrown for text that is not a sparse histogram of the expected precision and range. */
export class SparseHistogramError extends Error {
  override readonly name = 'SparseHistogramError';
}

const FINAL_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef';
const MORE_DIGITS = 'ghijklmnopqrstuvwxyz0123456789-_';
/** Character code → its 5 bits, plus 32 when the number goes on; -1 for any other character. */
const DIGIT_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 32; i++) {
    table[FINAL_DIGITS.charCodeAt(i)] = i;
    table[MORE_DIGITS.charCodeAt(i)] = 32 + i;
  }
  return table;
})();
/** 11 groups carry 55 bits: more than any safe integer; a longer number is damage, not data. */
const MAX_GROUPS = 11;

/** log2 of half a bucket's bins, by significant digits (HdrHistogram: ceil(log2(2·10^digits)) - 1). */
const HALF_COUNT_MAGNITUDE = {
  2: Math.ceil(Math.log2(2 * 10 ** 2)) - 1,
  3: Math.ceil(Math.log2(2 * 10 ** 3)) - 1,
};
/** 2^0 … 2^63: bins' widths, beyond what 32-bit shifts reach. */
const POWERS_OF_TWO = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** Bit length of a positive safe integer (Math.clz32 covers 32 bits only). */
function bitLength(value: number): number {
  return value < 2 ** 32 ? 32 - Math.clz32(value) : 64 - Math.clz32(Math.floor(value / 2 ** 32));
}

/** HdrHistogram's counts-array index of `value` (µs ≥ 1) with lowest discernible value 1. */
export function binIndex(value: number, digits: SignificantDigits): number {
  const half = HALF_COUNT_MAGNITUDE[digits];
  const bucket = Math.max(0, bitLength(value) - (half + 1));
  const subBucket = Math.floor(value / 2 ** bucket);
  return (bucket + 1) * 2 ** half + (subBucket - 2 ** half);
}

/** The lowest value (µs) of bin `index`: recording it lands in that same bin. */
export function binValue(index: number, digits: SignificantDigits): number {
  // Indexes stay far below 2^31: 32-bit integer arithmetic.
  const half = HALF_COUNT_MAGNITUDE[digits];
  const halfCount = 1 << half;
  let bucket = (index >>> half) - 1;
  let subBucket = (index & (halfCount - 1)) + halfCount;
  if (bucket < 0) {
    subBucket -= halfCount;
    bucket = 0;
  }
  return subBucket * (POWERS_OF_TWO[bucket] as number);
}

/** The highest index a value in range (MAX_RESPONSE_TIME_MS) lands in, by precision. */
const LAST_INDEX = {
  2: binIndex(MAX_RESPONSE_TIME_MS * 1000, 2),
  3: binIndex(MAX_RESPONSE_TIME_MS * 1000, 3),
};

function writeNumber(out: string[], value: number): void {
  let rest = value;
  while (rest >= 32) {
    out.push(MORE_DIGITS[rest % 32] as string);
    rest = Math.floor(rest / 32);
  }
  out.push(FINAL_DIGITS[rest] as string);
}

/** `histogram`'s non-empty bins as sparse text ('' when it is empty). */
export function encodeSparse(histogram: Histogram): string {
  if (histogram.totalCount === 0) return '';
  const out: string[] = [];
  let next = 0;
  // HdrHistogram's own V2 encoding walks the count array (in WebAssembly): its non-empty bins, re-written.
  forEachEncodedValue(encodeHistogram(histogram), (_value, count, index) => {
    writeNumber(out, index - next);
    writeNumber(out, count);
    next = index + 1;
  });
  return out.join('');
}

/** Where the number being read starts: shared by `readNumber` and its callers, so reading allocates nothing. */
let at = 0;

/** The number at `at` in `encoded` (moving `at` past it); -1 for a bad or missing character, -2 for too long. */
function readNumber(encoded: string): number {
  let value = 0;
  for (let group = 0, scale = 1; group < MAX_GROUPS; group++, scale *= 32) {
    const code = encoded.charCodeAt(at++);
    // NaN (past the end) fails `< 128` too.
    const digit = code < 128 ? (DIGIT_VALUE[code] as number) : -1;
    if (digit === -1) return -1;
    value += (digit & 31) * scale;
    if (digit < 32) return value;
  }
  return -2;
}

/** The bins of the histogram read last, as (index, count) pairs: room for every bin of the finer precision. */
const bins = new Float64Array(2 * (LAST_INDEX[3] + 1));
/** The counts' sum of the histogram read last. */
let binsTotal = 0;

/**
 * Reads and checks all of `encoded` into `bins` and `binsTotal`; returns the number of bins. Throws
 * SparseHistogramError on anything that is not a sparse histogram of this precision: a character outside
 * the alphabet, a number cut short or longer than 55 bits, a bin beyond the range or listed with no count,
 * counts that add up beyond safe integers.
 */
function readBins(encoded: string, digits: SignificantDigits): number {
  const last = LAST_INDEX[digits];
  at = 0;
  let index = 0;
  let n = 0;
  let total = 0;
  while (at < encoded.length) {
    const start = at;
    const gap = readNumber(encoded);
    const count = gap < 0 ? gap : readNumber(encoded);
    if (count < 0) {
      throw new SparseHistogramError(
        count === -1
          ? `a sparse histogram is damaged at character ${at - 1}`
          : `a sparse histogram has a number of more than 55 bits at character ${start}`,
      );
    }
    index += gap;
    if (index > last) throw new SparseHistogramError(`a sparse histogram's bin ${index} is beyond its range`);
    if (count === 0) throw new SparseHistogramError(`a sparse histogram lists bin ${index} with no count`);
    bins[2 * n] = index;
    bins[2 * n + 1] = count;
    total += count;
    n += 1;
    index += 1;
  }
  if (!Number.isSafeInteger(total)) throw new SparseHistogramError('a sparse histogram counts too much');
  binsTotal = total;
  return n;
}

/**
 * Calls `each(value, count)` for every non-empty bin of `encoded`, in ascending order (`value`: the bin's
 * lowest µs), and returns the counts' sum. All of `encoded` is checked before `each` is first called
 * (SparseHistogramError): a caller never adds half of a bad histogram. `each` must not read another.
 */
export function forEachSparseBin(
  encoded: string,
  digits: SignificantDigits,
  each: (value: number, count: number) => void,
): number {
  const n = readBins(encoded, digits);
  const total = binsTotal;
  for (let i = 0; i < n; i++) each(binValue(bins[2 * i] as number, digits), bins[2 * i + 1] as number);
  return total;
}

/** The counts' sum of `encoded`, checking it all (see forEachSparseBin): the check before a merge. */
export function sparseTotal(encoded: string, digits: SignificantDigits): number {
  readBins(encoded, digits);
  return binsTotal;
}

/** Adds `encoded` into `into` exactly (both of precision `digits`), bin by bin. Returns its count. */
export function addSparse(encoded: string, digits: SignificantDigits, into: Histogram): number {
  return forEachSparseBin(encoded, digits, (value, count) => into.recordValueWithCount(value, count));
}
