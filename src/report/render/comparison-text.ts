/**
 * `volley compare`'s console report: per endpoint, each metric for BASE and NEW with the change, marked
 * where a test says it is beyond noise; then the gate's verdict.
 */
import type {
  EndpointComparison,
  MetricChange,
  Regression,
  RunComparison,
} from '../../metrics/run-comparison.ts';
import type { RunSummary } from '../../metrics/summary.ts';
import { visibleControls as visible } from '../../terminal-text.ts';
import { formatMsForConsole } from './number-format.ts';

/** The names the runs go by in the report: their files, or "baseline" and "this run". */
export interface ComparedRuns {
  base: { label: string; summary: RunSummary };
  next: { label: string; summary: RunSummary };
}

export function renderComparisonText(comparison: RunComparison, runs: ComparedRuns): string {
  const lines = [
    `base: ${describeRun(runs.base.label, runs.base.summary)}`,
    `new:  ${describeRun(runs.next.label, runs.next.summary)}`,
    '',
  ];
  for (const row of [...comparison.endpoints, comparison.aggregated])
    lines.push(...endpointBlock(row, comparison), '');
  lines.push(legend(comparison), ...gateLines(comparison));
  return `${lines.join('\n')}\n`;
}

function describeRun(label: string, s: RunSummary): string {
  return visible(
    `${label} (${s.meta.scenario} against ${s.meta.host || '(per-user hosts)'}, ${s.meta.startedAt}, ${s.meta.durationSec} s, ${s.aggregated.requests} requests)`,
  );
}

function endpointBlock(row: EndpointComparison, comparison: RunComparison): string[] {
  const title = visible(row.method ? `${row.method} ${row.name}` : row.name);
  if (row.verdict === 'only-base') return [`${title}: only in base (${row.base?.requests ?? 0} requests)`];
  if (row.verdict === 'only-new') return [`${title}: only in new (${row.next?.requests ?? 0} requests)`];
  const lines = [`${title}: ${verdictText(row, comparison.alpha)}`];
  const table = [['', 'base', 'new', 'change'], ...row.metrics.map(metricCells)];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  for (const cells of table) {
    const [label = '', base = '', next = '', change = ''] = cells;
    lines.push(
      `  ${label.padEnd(widths[0] ?? 0)}  ${base.padStart(widths[1] ?? 0)}  ${next.padStart(widths[2] ?? 0)}  ${change.padStart(widths[3] ?? 0)}`.trimEnd(),
    );
  }
  return lines;
}

function verdictText(row: EndpointComparison, alpha: number): string {
  const requests = `${row.base?.requests ?? 0} → ${row.next?.requests ?? 0} requests`;
  if (row.distribution === null) return `${requests}; untested (no histograms)`;
  const { p, delta } = row.distribution;
  const sign = delta >= 0 ? '+' : '−';
  const stats = `Mann–Whitney ${formatP(p)}, Cliff's δ ${sign}${Math.abs(delta).toFixed(2)}`;
  const verdict = row.verdict === 'same' ? `no significant shift at α=${alpha}` : row.verdict;
  return `${requests}; ${verdict} (${stats})`;
}

function metricCells(m: MetricChange): string[] {
  const label = m.unit === 'ms' ? `${m.label} ms` : m.label === 'rps' ? 'req/s' : 'fail ratio';
  const marker = m.significant === 'worse' ? ' ▲' : m.significant === 'better' ? ' ▼' : '  ';
  return [label, formatValue(m, m.base), formatValue(m, m.next), `${formatChange(m)}${marker}`];
}

function formatValue(m: MetricChange, value: number): string {
  if (m.unit === 'ms') return formatMsForConsole(value);
  if (m.unit === 'ratio') return `${(value * 100).toFixed(2)}%`;
  return value.toFixed(1);
}

/** Relative for time and rates, percentage points for the failure ratio. */
export function formatChange(m: MetricChange): string {
  if (m.unit === 'ratio') {
    const pp = (m.next - m.base) * 100;
    return `${pp >= 0 ? '+' : '−'}${Math.abs(pp).toFixed(2)}pp`;
  }
  if (m.relative === null) return m.next === m.base ? '0%' : 'new';
  const percent = m.relative * 100;
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)}%`;
}

export function formatP(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

function legend(comparison: RunComparison): string {
  if (!comparison.tested) {
    return 'A run has no latency histograms (a summary from an older volley or the web UI): changes are not tested for noise.';
  }
  return `▲ worse, ▼ better beyond noise (p < ${comparison.alpha}); req/s and max have no test.`;
}

function gateLines(comparison: RunComparison): string[] {
  if (comparison.limits.length === 0) return [];
  const limits = comparison.limits.map((l) => l.expression).join(', ');
  if (comparison.regressions.length === 0) return [`PASSED: no regression beyond ${limits}`];
  return [
    `FAILED: ${comparison.regressions.length} regression(s) beyond ${limits}`,
    ...comparison.regressions.map(regressionLine),
  ];
}

export function regressionLine(r: Regression): string {
  const m = r.change;
  const unit = m.unit === 'ms' ? ' ms' : m.unit === '/s' ? ' req/s' : '';
  const value = (v: number) =>
    m.unit === 'ratio' ? `${(v * 100).toFixed(2)}%` : `${formatValue(m, v)}${unit}`;
  const test = m.p === null ? 'untested' : formatP(m.p);
  return visible(
    `  ${r.endpoint}: ${r.limit.label} ${value(m.base)} → ${value(m.next)} (${formatChange(m)}, limit ${r.limit.expression}, ${test})`,
  );
}
