import type { EndpointSummary } from '../../metrics/summary.ts';
import type { ConsoleTable } from './console-table.ts';
import type { NameColumn } from './name-column.ts';
import { formatMsForConsole } from './number-format.ts';
import { columnWidth, padLeft, padRight } from './text-cells.ts';

interface StatsCells {
  method: string;
  name: string;
  reqs: string;
  fails: string;
  avg: string;
  min: string;
  max: string;
  med: string;
  rps: string;
  fps: string;
}

const HEADER: Omit<StatsCells, 'method' | 'name'> = {
  reqs: '# reqs',
  fails: '# fails',
  avg: 'Avg',
  min: 'Min',
  max: 'Max',
  med: 'Med',
  rps: 'req/s',
  fps: 'failures/s',
};

/**
 * Locust's request statistics table (stats.py get_stats_summary / StatsEntry.to_string):
 *
 *   Type     Name   # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s
 *   --------|------|-------|-------------|-------|-------|-------|-------|--------|-----------
 *
 * with its column widths (7, 12, 7, 7, 7, 7, 7, 11) as minimums, its separators, the endpoints sorted
 * and the Aggregated row after a second separator. `current` shows the last-10-s rates (live output),
 * otherwise whole-run rates (final report), as Locust's print_stats(current=…).
 */
export function statsTable(
  endpoints: readonly EndpointSummary[],
  aggregated: EndpointSummary,
  current: boolean,
): ConsoleTable {
  const rows = endpoints.map((e) => statsCells(e, current));
  const total = statsCells(aggregated, current);
  const all = [...rows, total];
  const widest = (minimum: number, cell: (c: StatsCells) => string): number =>
    columnWidth(minimum, all.map(cell));
  const w = {
    reqs: widest(7, (c) => c.reqs),
    fails: widest(12, (c) => c.fails),
    avg: widest(7, (c) => c.avg),
    min: widest(7, (c) => c.min),
    max: widest(7, (c) => c.max),
    // Locust prints Max and Med with no space between ("%7d%7d"); keep at least one.
    med: widest(7, (c) => ` ${c.med}`),
    rps: widest(7, (c) => c.rps),
    fps: widest(11, (c) => c.fps),
  };
  const line = (c: Omit<StatsCells, 'method' | 'name'>, type: string, name: string): string =>
    `${type} ${name} ${padLeft(c.reqs, w.reqs)} ${padLeft(c.fails, w.fails)} |` +
    `${padLeft(c.avg, w.avg)} ${padLeft(c.min, w.min)} ${padLeft(c.max, w.max)}${padLeft(c.med, w.med)} | ` +
    `${padLeft(c.rps, w.rps)} ${padLeft(c.fps, w.fps)}`;
  // Same total width as a row: the fails and req/s segments absorb the " |" and " | " around them.
  const separator = (column: NameColumn): string =>
    [column.typeWidth, column.nameWidth, w.reqs, w.fails + 1, w.avg, w.min, w.max, w.med, w.rps + 1, w.fps]
      .map((width) => '-'.repeat(width))
      .join('|');
  const fixedWidth = line(HEADER, '', '').length;
  return {
    fixedWidth,
    render(column) {
      const row = (c: StatsCells): string =>
        line(c, padRight(c.method, column.typeWidth), padRight(column.label(c.name), column.nameWidth));
      return [
        line(HEADER, padRight('Type', column.typeWidth), padRight('Name', column.nameWidth)),
        separator(column),
        ...rows.map(row),
        separator(column),
        row(total),
      ];
    },
  };
}

function statsCells(e: EndpointSummary, current: boolean): StatsCells {
  const failRatio = e.requests > 0 ? e.failures / e.requests : e.failures > 0 ? 1 : 0;
  return {
    method: e.method,
    name: e.name,
    reqs: String(e.requests),
    fails: `${e.failures}(${(failRatio * 100).toFixed(2)}%)`,
    avg: formatMsForConsole(e.avgMs),
    min: formatMsForConsole(e.minMs),
    max: formatMsForConsole(e.maxMs),
    med: formatMsForConsole(e.medianMs),
    rps: (current ? e.currentRps : e.rps).toFixed(2),
    fps: (current ? e.currentFailuresPerSec : e.failuresPerSec).toFixed(2),
  };
}
