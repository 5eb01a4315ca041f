import type { EndpointSummary, StatsSnapshot } from '../../metrics/summary.ts';
import { visibleControls } from '../../terminal-text.ts';
import { formatMsForConsole } from './number-format.ts';
import { padLeft, padRight, textWidth } from './text-cells.ts';

export interface LiveDashboardOptions {
  /** Planned run time; null draws no progress bar (iterations, or until Ctrl-C). */
  plannedDurationSec: number | null;
  /** Terminal width; lines never exceed it. Default (or unknown, 0) 80. */
  columns?: number | undefined;
  /** Endpoints listed, the busiest first. Default 5. */
  topEndpoints?: number;
}

const MIN_COLUMNS = 40;

/**
 * The live view drawn (and redrawn in place) on a terminal while a run goes on: a progress bar, the
 * headline figures of the last 10 s (and the open model's arrivals) and the busiest endpoints. A pure function of the snapshot, so it
 * is tested as text. Ends with a newline; no line is wider than `columns`.
 */
export function renderLiveDashboard(snapshot: StatsSnapshot, options: LiveDashboardOptions): string {
  const columns = options.columns && options.columns > 0 ? Math.max(MIN_COLUMNS, options.columns) : 80;
  const a = snapshot.aggregated;
  const lines = [
    progressLine(snapshot.elapsedSec, options.plannedDurationSec, snapshot.users, columns),
    ...pack(
      [
        `req/s ${a.currentRps.toFixed(1)}`,
        `p50 ${ms(a.currentPercentiles['50'])}`,
        `p95 ${ms(a.currentPercentiles['95'])}`,
        `failures ${a.failures} (${percent(a.failures, a.requests)})`,
        `requests ${a.requests}`,
      ],
      columns,
    ),
    ...arrivalLines(snapshot, columns),
    '',
    ...endpointLines(snapshot.endpoints, options.topEndpoints ?? 5, columns),
  ];
  return `${lines.map((line) => clip(visibleControls(line), columns)).join('\n')}\n`;
}

/** Open model: the rate asked for and the arrivals dropped for want of a free user (never hidden). */
function arrivalLines(snapshot: StatsSnapshot, columns: number): string[] {
  const arrivals = snapshot.arrivals;
  if (!arrivals) return [];
  const dropped = `dropped ${arrivals.dropped} (${percent(arrivals.dropped, arrivals.scheduled)})`;
  return pack(
    [
      `arrivals/s ${arrivals.rate.toFixed(1)}`,
      `launched ${arrivals.launched}`,
      arrivals.dropped > 0 ? dropped.toUpperCase() : dropped,
    ],
    columns,
  );
}

function progressLine(elapsedSec: number, plannedSec: number | null, users: number, columns: number): string {
  const right = `  users ${users}`;
  if (plannedSec === null || plannedSec <= 0) return `volley  elapsed ${clock(elapsedSec)}${right}`;
  const fraction = Math.min(1, Math.max(0, elapsedSec / plannedSec));
  const label = ` ${padLeft(`${Math.floor(fraction * 100)}%`, 4)}  ${clock(Math.min(elapsedSec, plannedSec))} / ${clock(plannedSec)}`;
  const barWidth = Math.max(10, Math.min(40, columns - textWidth(`volley  ${label}${right}`) - 2));
  const filled = Math.round(fraction * barWidth);
  return `volley  ${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}${label}${right}`;
}

/** The busiest endpoints over the last 10 s (then over the run), with their current figures. */
function endpointLines(endpoints: readonly EndpointSummary[], top: number, columns: number): string[] {
  if (endpoints.length === 0 || top <= 0) return ['(no requests yet)'];
  const busiest = [...endpoints]
    .sort((x, y) => y.currentRps - x.currentRps || y.requests - x.requests)
    .slice(0, top);
  const figures = (e: EndpointSummary) => [
    e.currentRps.toFixed(1),
    ms(e.currentPercentiles['50']),
    ms(e.currentPercentiles['95']),
    String(e.failures),
  ];
  const headers = ['req/s', 'p50', 'p95', 'fails'];
  const widths = headers.map((h, i) => Math.max(h.length, ...busiest.map((e) => figures(e)[i]?.length ?? 0)));
  const numbersWidth = widths.reduce((sum, w) => sum + w + 2, 0);
  const title = `Top endpoints (${endpoints.length})`;
  const longest = Math.max(textWidth(title), ...busiest.map((e) => textWidth(`${e.method} ${e.name}`)));
  const nameWidth = Math.max(10, Math.min(longest, columns - numbersWidth));
  const row = (label: string, cells: readonly string[]) =>
    padRight(cut(label, nameWidth), nameWidth) +
    cells.map((c, i) => `  ${padLeft(c, widths[i] ?? 0)}`).join('');
  const more = endpoints.length > busiest.length ? [`… and ${endpoints.length - busiest.length} more`] : [];
  return [row(title, headers), ...busiest.map((e) => row(`${e.method} ${e.name}`, figures(e))), ...more];
}

/** Figures on as few lines as fit, three spaces apart. */
function pack(parts: readonly string[], columns: number): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && textWidth(last) + 3 + textWidth(part) <= columns) {
      lines[lines.length - 1] = `${last}   ${part}`;
    } else lines.push(part);
  }
  return lines;
}

function ms(value: number | undefined): string {
  return `${formatMsForConsole(value ?? 0)} ms`;
}

function percent(part: number, whole: number): string {
  return `${whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00'}%`;
}

/** 75 → "1:15"; 3725 → "1:02:05". */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** At most `width` columns, ending with "…" when cut. */
function cut(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  return `${Array.from(text)
    .slice(0, width - 1)
    .join('')}…`;
}

function clip(line: string, columns: number): string {
  return textWidth(line) > columns ? cut(line, columns) : line;
}
