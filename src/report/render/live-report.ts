import type { StatsSnapshot } from '../../metrics/summary.ts';
import type { ConsoleTable } from './console-table.ts';
import { PERCENTILES_TITLE, renderSections } from './final-report.ts';
import { arrivalLiveLine } from './load-model-report.ts';
import { nameColumn } from './name-column.ts';
import { percentileTable } from './percentile-table.ts';
import { sortEndpoints } from './sort-endpoints.ts';
import { statsTable } from './stats-table.ts';

export interface LiveReportOptions {
  /** Also print the response time percentiles of the last 10 s. */
  percentiles?: boolean;
  /** Terminal columns: caps the Name column. */
  maxLineWidth?: number | undefined;
}

/**
 * What is printed while a run goes on, like Locust's periodic print_stats(current=True): the statistics
 * table with the rates of the last 10 s. Ends with a newline.
 */
export function renderLiveReport(snapshot: StatsSnapshot, options: LiveReportOptions = {}): string {
  const endpoints = sortEndpoints(snapshot.endpoints);
  const stats = statsTable(endpoints, snapshot.aggregated, true);
  const percentiles = options.percentiles ? percentileTable(endpoints, snapshot.aggregated, true) : undefined;
  const tables: ConsoleTable[] = percentiles ? [stats, percentiles] : [stats];
  const column = nameColumn([...endpoints, snapshot.aggregated], {
    fixedWidth: Math.max(...tables.map((t) => t.fixedWidth)),
    maxLineWidth: options.maxLineWidth,
  });
  return renderSections([
    [...stats.render(column), ...arrivalLiveLine(snapshot.arrivals)],
    percentiles ? [`${PERCENTILES_TITLE}, last 10 s`, ...percentiles.render(column)] : [],
  ]);
}
