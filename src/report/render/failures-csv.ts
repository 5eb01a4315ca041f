import type { RunSummary } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { csvRow } from './csv-row.ts';

/** Columns of PREFIX_failures.csv, exactly as Locust 2.x writes them (StatsCSV.failures_columns). */
export const FAILURES_CSV_COLUMNS: readonly string[] = ['Method', 'Name', 'Error', 'Occurrences'];

/** PREFIX_failures.csv: one row per distinct (method, name, error), in the summary's order. */
export function renderFailuresCsv(summary: RunSummary): string {
  const rows = summary.failures.map((f) => csvRow([f.method, f.name, f.error, f.occurrences]));
  return [csvRow(FAILURES_CSV_COLUMNS), ...rows].join('');
}

/** Writes PREFIX_failures.csv atomically and returns its path. */
export async function writeFailuresCsv(prefix: string, summary: RunSummary): Promise<string> {
  const path = `${prefix}_failures.csv`;
  await writeFileAtomic(path, renderFailuresCsv(summary));
  return path;
}
