import type { EndpointSummary } from '../../metrics/summary.ts';
import type { ConsoleTable } from './console-table.ts';
import type { NameColumn } from './name-column.ts';
import { formatMsForConsole } from './number-format.ts';
import { PERCENTILE_HEADERS, percentileCells } from './percentile-columns.ts';
import { columnWidth, padLeft, padRight } from './text-cells.ts';

/**
 * Locust's response time percentiles table (stats.py get_percentile_stats_summary), without its
 * "(approximated)": ours are HDR figures exact to 3 significant digits.
 * Type, Name, 50% (8 wide), 66% … 100% and # reqs (6 wide), "|"-separated dashes, endpoints sorted, then
 * Aggregated after a second separator. Like Locust, rows without requests are left out. `current` uses
 * the last-10-s percentiles (live output) instead of the whole run's.
 */
export function percentileTable(
  endpoints: readonly EndpointSummary[],
  aggregated: EndpointSummary,
  current: boolean,
): ConsoleTable {
  const cells = (e: EndpointSummary): string[] => [
    ...percentileCells(current ? e.currentPercentiles : e.percentiles, true, formatMsForConsole),
    String(e.requests),
  ];
  const rows = endpoints.filter((e) => e.requests > 0);
  const total = aggregated.requests > 0 ? aggregated : undefined;
  const header = [...PERCENTILE_HEADERS, '# reqs'];
  const body = [...rows, ...(total ? [total] : [])].map(cells);
  const widths = header.map((title, i) =>
    columnWidth(i === 0 ? 8 : 6, [title, ...body.map((row) => row[i] ?? '')]),
  );
  const numbers = (texts: readonly string[]): string =>
    texts.map((text, i) => padLeft(text, widths[i] ?? 0)).join(' ');
  const fixedWidth = `  ${numbers(header)}`.length;
  return {
    fixedWidth,
    render(column: NameColumn) {
      const line = (type: string, name: string, texts: readonly string[]): string =>
        `${padRight(type, column.typeWidth)} ${padRight(name, column.nameWidth)} ${numbers(texts)}`;
      const row = (e: EndpointSummary): string => line(e.method, column.label(e.name), cells(e));
      const separator = [column.typeWidth, column.nameWidth, ...widths].map((w) => '-'.repeat(w)).join('|');
      return [
        line('Type', 'Name', header),
        separator,
        ...rows.map(row),
        separator,
        ...(total ? [row(total)] : []),
      ];
    },
  };
}
