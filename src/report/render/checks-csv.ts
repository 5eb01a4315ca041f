import type { CheckSummary, RunSummary } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { csvRow } from './csv-row.ts';
import { formatDecimal } from './number-format.ts';

/**
 * Columns of PREFIX_checks.csv. Locust has no named checks, so this is a file of volley's own (as
 * PREFIX_arrivals.csv is): tools reading Locust's four files never see it.
 */
export const CHECKS_CSV_COLUMNS: readonly string[] = [
  'Check',
  'Method',
  'Endpoint',
  'Passes',
  'Fails',
  'Pass Ratio',
];

/** Decimals of Pass Ratio: one fail in a million runs still shows. */
const RATIO_DECIMALS = 6;
const SMALLEST_RATIO = 10 ** -RATIO_DECIMALS;

/**
 * PREFIX_checks.csv: one row per named check and endpoint, in the summary's order (request name, method,
 * check name). Just the header when the run had no named checks, so scripts can always read the file.
 */
export function renderChecksCsv(summary: RunSummary): string {
  const rows = summary.checks.map((c) =>
    csvRow([c.name, c.method, c.endpoint, c.passes, c.fails, passRatio(c)]),
  );
  return [csvRow(CHECKS_CSV_COLUMNS), ...rows].join('');
}

/** Writes PREFIX_checks.csv atomically and returns its path. */
export async function writeChecksCsv(prefix: string, summary: RunSummary): Promise<string> {
  const path = `${prefix}_checks.csv`;
  await writeFileAtomic(path, renderChecksCsv(summary));
  return path;
}

/**
 * Passes ÷ runs, 0–1 (the `checks` threshold's figure), never rounded to 1 when a run failed nor to 0
 * when one passed; N/A for a check with no runs (its counts were reset).
 */
function passRatio({ passes, fails }: Pick<CheckSummary, 'passes' | 'fails'>): string {
  const runs = passes + fails;
  if (runs === 0) return 'N/A';
  let ratio = Number((passes / runs).toFixed(RATIO_DECIMALS));
  if (fails > 0 && ratio === 1) ratio = 1 - SMALLEST_RATIO;
  else if (passes > 0 && ratio === 0) ratio = SMALLEST_RATIO;
  return formatDecimal(ratio, RATIO_DECIMALS);
}
