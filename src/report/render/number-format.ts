/**
 * `value` with at most `maxDecimals` decimals and no trailing zeros: 12.5, 0.042, 3.
 * For files read by programs (CSV), where sub-millisecond precision must survive.
 */
export function formatDecimal(value: number, maxDecimals: number): string {
  if (!Number.isFinite(value)) return 'N/A';
  const rounded = Number(value.toFixed(maxDecimals));
  // Number() drops trailing zeros; `+ 0` turns -0 into 0.
  return String(rounded + 0);
}

/** Milliseconds in a CSV cell: up to microsecond precision. */
export function csvMs(ms: number): string {
  return formatDecimal(ms, 3);
}

/** A per-second rate in a CSV cell. Six decimals so that one failure in an hour is not printed as 0. */
export function csvRate(perSecond: number): string {
  return formatDecimal(perSecond, 6);
}

/**
 * Milliseconds for people: integers from 100 ms, one decimal from 10 ms, two below (0.42, 12.3, 187).
 * The thresholds look at the rounded value so that 99.96 prints as 100, not 100.0.
 */
export function formatMsForConsole(ms: number): string {
  if (!Number.isFinite(ms)) return 'N/A';
  const magnitude = Math.abs(ms);
  if (Number(magnitude.toFixed(1)) >= 100) return ms.toFixed(0);
  if (Number(magnitude.toFixed(2)) >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}
