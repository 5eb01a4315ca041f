import type { RunSummary } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { csvRow } from './csv-row.ts';

/** Columns of PREFIX_exceptions.csv, exactly as Locust 2.x writes them (StatsCSV.exceptions_columns). */
export const EXCEPTIONS_CSV_COLUMNS: readonly string[] = ['Count', 'Message', 'Traceback', 'Nodes'];

/** Locust lists the workers an exception came from; a volley run has one process. */
const LOCAL_NODE = 'local';

/** PREFIX_exceptions.csv: one row per distinct exception, the stack of its first occurrence as Traceback. */
export function renderExceptionsCsv(summary: RunSummary): string {
  const rows = summary.exceptions.map((e) => csvRow([e.count, e.message, e.stack, LOCAL_NODE]));
  return [csvRow(EXCEPTIONS_CSV_COLUMNS), ...rows].join('');
}

/** Writes PREFIX_exceptions.csv atomically and returns its path. */
export async function writeExceptionsCsv(prefix: string, summary: RunSummary): Promise<string> {
  const path = `${prefix}_exceptions.csv`;
  await writeFileAtomic(path, renderExceptionsCsv(summary));
  return path;
}
