import type { EndpointSummary } from '../../metrics/summary.ts';

/**
 * Endpoints in Locust's table order: by name, then method, comparing code units (as Python sorts
 * strings), not by locale, so the order is the same on every machine. Returns a new array.
 */
export function sortEndpoints(endpoints: readonly EndpointSummary[]): EndpointSummary[] {
  return [...endpoints].sort((a, b) => compare(a.name, b.name) || compare(a.method, b.method));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
