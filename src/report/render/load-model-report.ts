import type {
  ArrivalSnapshot,
  ArrivalSummary,
  CapacitySummary,
  EndpointSummary,
} from '../../metrics/summary.ts';
import { nameColumn } from './name-column.ts';
import { formatDecimal, formatMsForConsole } from './number-format.ts';
import { percentileTable } from './percentile-table.ts';
import { sortEndpoints } from './sort-endpoints.ts';
import { padLeft } from './text-cells.ts';

function ms(value: number | undefined): string {
  return `${formatMsForConsole(value ?? 0)} ms`;
}

function latencyLine(label: string, e: EndpointSummary): string {
  const p = e.percentiles;
  return `  ${label}: p50 ${ms(p['50'])}, p95 ${ms(p['95'])}, p99 ${ms(p['99'])}, max ${ms(e.maxMs)}`;
}

/** Why arrivals were dropped: no user free at the cap, or volley's own loop saturated below it. */
function droppedReason(a: ArrivalSummary): string {
  const saturated = a.droppedSaturated;
  if (saturated === 0) return `no free user under max users ${a.maxUsers}`;
  if (saturated === a.dropped)
    return `volley itself saturated, below max users ${a.maxUsers}: the generator fell behind, not the target`;
  return `no free user under max users ${a.maxUsers}; ${saturated} of them with volley itself saturated`;
}

/**
 * The open model's section of the final report: target and achieved arrival rates, dropped arrivals
 * (never silently skipped), and the uncorrected latency next to the corrected headline tables above.
 */
export function arrivalReport(arrivals: ArrivalSummary | undefined): string[] {
  if (!arrivals) return [];
  const a = arrivals;
  const dropped =
    a.dropped > 0
      ? `DROPPED ${a.dropped} (${formatDecimal((100 * a.dropped) / Math.max(1, a.scheduled), 2)}%: ${droppedReason(a)})`
      : `dropped 0 (max users ${a.maxUsers})`;
  return [
    `Arrivals (open model): target ${formatDecimal(a.targetRate, 2)}/s, achieved ${formatDecimal(a.achievedRate, 2)}/s over ${formatDecimal(a.durationSec, 1)} s`,
    `  scheduled ${a.scheduled}, launched ${a.launched}, ${dropped}`,
    "  Response times above count each arrival's first request from its intended time on the schedule.",
    latencyLine('uncorrected (from send)', a.uncorrected.aggregated),
    latencyLine('iteration (schedule to task end)', a.iteration),
  ];
}

/** One line under the live table while an open-model run goes on. */
export function arrivalLiveLine(arrivals: ArrivalSnapshot | undefined): string[] {
  if (!arrivals) return [];
  return [
    `Arrivals: rate ${formatDecimal(arrivals.rate, 2)}/s, scheduled ${arrivals.scheduled}, launched ${arrivals.launched}, dropped ${arrivals.dropped}`,
  ];
}

/** The capacity search's result, the step series as a table, and the sustainable step's percentiles. */
export function capacityReport(capacity: CapacitySummary | undefined, maxLineWidth?: number): string[] {
  if (!capacity) return [];
  const c = capacity;
  const verdict =
    c.sustainableRate === null
      ? 'no step was sustained'
      : `sustainable ${formatDecimal(c.sustainableRate, 2)}/s${c.breakingRate === null ? ' (no step broke)' : `, broke at ${formatDecimal(c.breakingRate, 2)}/s`}`;
  const header = ['Rate/s', 'Achieved/s', 'Dropped', 'Requests', 'Fail %', 'p50 ms', 'p95 ms', 'p99 ms'];
  const rows = c.steps.map((s) => [
    formatDecimal(s.rate, 2),
    formatDecimal(s.achievedRate, 2),
    String(s.dropped),
    String(s.requests),
    formatDecimal(100 * s.failRatio, 2),
    formatMsForConsole(s.p50Ms),
    formatMsForConsole(s.p95Ms),
    formatMsForConsole(s.p99Ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => padLeft(cell, widths[i] ?? 0)).join('  ');
  const lines = [
    `Capacity search (${c.thresholds.join(', ') || 'no thresholds'}; steps of ${formatDecimal(c.stepDurationSec, 1)} s): ${verdict}`,
    `${line(header)}  Result`,
    ...c.steps.map((s, i) => `${line(rows[i] ?? [])}  ${s.passed ? 'ok' : `broken: ${s.broken.join('; ')}`}`),
  ];
  if (c.sustainable && c.sustainableRate !== null) {
    const endpoints = sortEndpoints(c.sustainable.endpoints);
    const table = percentileTable(endpoints, c.sustainable.aggregated, false);
    const column = nameColumn([...endpoints, c.sustainable.aggregated], {
      fixedWidth: table.fixedWidth,
      maxLineWidth,
    });
    lines.push(
      '',
      `Response time percentiles at ${formatDecimal(c.sustainableRate, 2)}/s`,
      ...table.render(column),
    );
  }
  return lines;
}
