import type { CheckSummary } from '../../metrics/summary.ts';
import { columnWidth, padLeft, padRight } from './text-cells.ts';

const PASSED = '✓';
const FAILED = '✗';

/**
 * k6's checks, one line each: ✓ when the check never failed, ✗ when it failed at least once, then its
 * endpoint, its name, its pass ratio and counts, e.g.
 *   ✗ POST /users   has an id   98.33 %   ✓ 118   ✗ 2
 * Empty when no named check ran.
 */
export function checkReport(checks: readonly CheckSummary[]): string[] {
  if (checks.length === 0) return [];
  const endpoints = checks.map((c) => (c.method === '' ? c.endpoint : `${c.method} ${c.endpoint}`));
  const ratios = checks.map((c) => passPercent(c));
  const passes = checks.map((c) => `${PASSED} ${c.passes}`);
  const endpointWidth = columnWidth(0, endpoints);
  const nameWidth = columnWidth(
    0,
    checks.map((c) => c.name),
  );
  const ratioWidth = columnWidth(0, ratios);
  const passWidth = columnWidth(0, passes);
  const lines = checks.map(
    (c, i) =>
      `${c.fails > 0 ? FAILED : PASSED} ${padRight(endpoints[i] ?? '', endpointWidth)}   ` +
      `${padRight(c.name, nameWidth)}   ${padLeft(ratios[i] ?? '', ratioWidth)}   ` +
      `${padRight(passes[i] ?? '', passWidth)}   ${FAILED} ${c.fails}`,
  );
  const failed = checks.filter((c) => c.fails > 0).length;
  const verdict = failed === 0 ? 'all passed' : `${failed} of ${checks.length} failed`;
  return [`Checks (${verdict})`, ...lines];
}

/** Passes ÷ runs as a percentage with two decimals, never rounded to 100 when one failed
 * nor to 0 when one passed. */
export function passPercent(check: Pick<CheckSummary, 'passes' | 'fails'>): string {
  const runs = check.passes + check.fails;
  if (runs === 0) return 'no runs';
  const percent = (check.passes / runs) * 100;
  let text = percent.toFixed(2);
  if (check.fails > 0 && text === '100.00') text = '99.99';
  else if (check.passes > 0 && text === '0.00') text = '0.01';
  return `${text} %`;
}
