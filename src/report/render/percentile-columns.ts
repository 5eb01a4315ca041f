import { REPORTED_PERCENTILES } from '../../metrics/summary.ts';

/** Column titles as Locust writes them: "50%", "99.9%", "100%". */
export const PERCENTILE_HEADERS: readonly string[] = REPORTED_PERCENTILES.map((p) => `${p}%`);

/** Keys of EndpointSummary.percentiles, in REPORTED_PERCENTILES order. */
export const PERCENTILE_KEYS: readonly string[] = REPORTED_PERCENTILES.map((p) => String(p));

/**
 * One cell per reported percentile. "N/A" when the row has no requests (Locust's convention) or when a
 * value is missing, so that "no data" never reads as "0 ms".
 */
export function percentileCells(
  values: Record<string, number>,
  hasRequests: boolean,
  format: (ms: number) => string,
): string[] {
  return PERCENTILE_KEYS.map((key) => {
    const value = values[key];
    return hasRequests && value !== undefined ? format(value) : 'N/A';
  });
}
