import type { RunSummary } from '../../metrics/summary.ts';
import { visibleControls } from '../../terminal-text.ts';
import { checkReport } from './check-report.ts';
import { errorReport, exceptionReport } from './error-report.ts';
import { arrivalReport, capacityReport } from './load-model-report.ts';
import { nameColumn } from './name-column.ts';
import { percentileTable } from './percentile-table.ts';
import { sortEndpoints } from './sort-endpoints.ts';
import { statsTable } from './stats-table.ts';
import { thresholdReport } from './threshold-report.ts';

export const PERCENTILES_TITLE = 'Response time percentiles';

/**
 * The end-of-run report, in the order `locust --headless` prints it: request statistics with whole-run
 * rates, response time percentiles, the error report when requests failed; then, volley's additions,
 * exceptions, named checks and thresholds when there are any. Sections are separated by a blank line; the text ends
 * with a newline. `maxLineWidth` (terminal columns) caps the Name column.
 */
export function renderFinalReport(
  summary: RunSummary,
  options: { maxLineWidth?: number | undefined } = {},
): string {
  const endpoints = sortEndpoints(summary.endpoints);
  const stats = statsTable(endpoints, summary.aggregated, false);
  const percentiles = percentileTable(endpoints, summary.aggregated, false);
  const column = nameColumn([...endpoints, summary.aggregated], {
    fixedWidth: Math.max(stats.fixedWidth, percentiles.fixedWidth),
    maxLineWidth: options.maxLineWidth,
  });
  const tableWidth = column.typeWidth + column.nameWidth + stats.fixedWidth;
  return renderSections([
    stats.render(column),
    [PERCENTILES_TITLE, ...percentiles.render(column)],
    errorReport(summary.failures, tableWidth),
    exceptionReport(summary.exceptions, tableWidth),
    arrivalReport(summary.arrivals),
    capacityReport(summary.capacity, options.maxLineWidth),
    checkReport(summary.checks),
    thresholdReport(summary.thresholds),
    generatorWarning(summary),
    workerLosses(summary),
  ]);
}

/** Multi-process runs: one line per lost worker, since its share of the figures above is missing. */
function workerLosses(summary: RunSummary): string[] {
  const lost = (summary.workers ?? []).filter((w) => w.state === 'lost');
  if (lost.length === 0) return [];
  return [
    `Incomplete: ${lost.length} of ${summary.workers?.length} workers lost before the end of the run (exit code ${summary.exitCode}):`,
    ...lost.map(
      (w) =>
        `  worker index ${w.index} (${w.host || '?'}): ${w.lossReason ?? 'lost'}; ${w.requests} requests reported`,
    ),
  ];
}

/** A warning line when the generator itself was short of CPU (see GeneratorCpuMonitor). */
function generatorWarning(summary: RunSummary): string[] {
  const generator = summary.meta.generator;
  const loop = generator?.loopDelayMs;
  // Beside the latencies: a late event loop is the generator's own delay, not the server's.
  const health =
    loop === undefined
      ? []
      : [`Load generator: event-loop delay p50 ${loop.p50} ms, p99 ${loop.p99} ms, max ${loop.max} ms`];
  if (generator === undefined || !generator.overloaded) return health;
  return [
    ...health,
    `Warning: the load generator peaked at ${Math.round(generator.cpuPercentPeak)}% CPU ` +
      `(average ${Math.round(generator.cpuPercentAvg)}%): its figures may include its own delays.`,
  ];
}

/**
 * Non-empty sections joined by a blank line, trailing spaces dropped, control characters in names and
 * messages made visible, ending with a newline.
 */
export function renderSections(sections: readonly (readonly string[])[]): string {
  const text = sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.map((line) => visibleControls(line).trimEnd()).join('\n'))
    .join('\n\n');
  return `${text}\n`;
}
