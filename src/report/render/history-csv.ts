import type { EndpointSummary, StatsSnapshot } from '../../metrics/summary.ts';
import { csvRow } from './csv-row.ts';
import { csvMs, csvRate, formatDecimal } from './number-format.ts';
import { PERCENTILE_HEADERS, percentileCells } from './percentile-columns.ts';
import { sortEndpoints } from './sort-endpoints.ts';

/**
 * Columns of PREFIX_stats_history.csv, exactly as Locust 2.x writes them
 * (StatsCSVFileWriter.stats_history_csv_columns).
 */
export const STATS_HISTORY_CSV_COLUMNS: readonly string[] = [
  'Timestamp',
  'User Count',
  'Type',
  'Name',
  'Requests/s',
  'Failures/s',
  ...PERCENTILE_HEADERS,
  'Total Request Count',
  'Total Failure Count',
  'Total Median Response Time',
  'Total Average Response Time',
  'Total Min Response Time',
  'Total Max Response Time',
  'Total Average Content Size',
];

/** The header line of PREFIX_stats_history.csv. */
export function renderHistoryHeader(): string {
  return csvRow(STATS_HISTORY_CSV_COLUMNS);
}

/**
 * The lines one snapshot appends to PREFIX_stats_history.csv. Like Locust: only the Aggregated row, or
 * with `fullHistory` (--csv-full-history) one row per endpoint sorted by (name, method) and then Aggregated.
 * Requests/s and Failures/s describe the last 10 s window; the percentiles too with `fullHistory`, else
 * the whole run so far (Locust's `use_current=full_history`); the "Total" columns the whole run so far.
 * Timestamp is whole epoch seconds.
 */
export function renderHistoryRows(snapshot: StatsSnapshot, fullHistory: boolean): string {
  const entries = fullHistory
    ? [...sortEndpoints(snapshot.endpoints), snapshot.aggregated]
    : [snapshot.aggregated];
  const timestamp = Math.floor(snapshot.timestamp / 1000);
  return entries.map((entry) => historyRow(timestamp, snapshot.users, entry, fullHistory)).join('');
}

function historyRow(timestamp: number, users: number, entry: EndpointSummary, current: boolean): string {
  return csvRow([
    timestamp,
    users,
    entry.method,
    entry.name,
    csvRate(entry.currentRps),
    csvRate(entry.currentFailuresPerSec),
    ...percentileCells(current ? entry.currentPercentiles : entry.percentiles, entry.requests > 0, csvMs),
    entry.requests,
    entry.failures,
    csvMs(entry.medianMs),
    csvMs(entry.avgMs),
    csvMs(entry.minMs),
    csvMs(entry.maxMs),
    formatDecimal(entry.avgContentBytes, 3),
  ]);
}
