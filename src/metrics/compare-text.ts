/** Code-point order, like Python's sort (and so Locust's tables), independent of the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
