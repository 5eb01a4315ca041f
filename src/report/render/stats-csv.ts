import type { EndpointSummary, RunSummary } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { csvRow } from './csv-row.ts';
import { csvMs, csvRate, formatDecimal } from './number-format.ts';
import { PERCENTILE_HEADERS, percentileCells } from './percentile-columns.ts';
import { sortEndpoints } from './sort-endpoints.ts';

/** Columns of PREFIX_stats.csv, exactly as Locust 2.x writes them (StatsCSV.requests_csv_columns). */
export const STATS_CSV_COLUMNS: readonly string[] = [
  'Type',
  'Name',
  'Request Count',
  'Failure Count',
  'Median Response Time',
  'Average Response Time',
  'Min Response Time',
  'Max Response Time',
  'Average Content Size',
  'Requests/s',
  'Failures/s',
  ...PERCENTILE_HEADERS,
];

/** PREFIX_stats.csv: one row per endpoint sorted by (name, method), then the Aggregated row with an empty Type. */
export function renderStatsCsv(summary: RunSummary): string {
  const rows = [...sortEndpoints(summary.endpoints), summary.aggregated].map(statsRow);
  return [csvRow(STATS_CSV_COLUMNS), ...rows].join('');
}

/** Writes PREFIX_stats.csv atomically and returns its path. */
export async function writeStatsCsv(prefix: string, summary: RunSummary): Promise<string> {
  const path = `${prefix}_stats.csv`;
  await writeFileAtomic(path, renderStatsCsv(summary));
  return path;
}

function statsRow(endpoint: EndpointSummary): string {
  return csvRow([
    endpoint.method,
    endpoint.name,
    endpoint.requests,
    endpoint.failures,
    csvMs(endpoint.medianMs),
    csvMs(endpoint.avgMs),
    csvMs(endpoint.minMs),
    csvMs(endpoint.maxMs),
    formatDecimal(endpoint.avgContentBytes, 3),
    csvRate(endpoint.rps),
    csvRate(endpoint.failuresPerSec),
    ...percentileCells(endpoint.percentiles, endpoint.requests > 0, csvMs),
  ]);
}
