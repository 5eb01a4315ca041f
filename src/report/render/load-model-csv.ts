import type { RunSummary } from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { csvRow } from './csv-row.ts';
import { csvMs, csvRate, formatDecimal } from './number-format.ts';

/**
 * Open-model figures live in files of their own, PREFIX_arrivals.csv and PREFIX_capacity.csv, rather than
 * in new columns or rows of PREFIX_stats.csv: tools that read Locust's CSV check its exact header and
 * treat every row as an endpoint, so the four Locust files stay byte-for-byte Locust's format.
 */
export const ARRIVALS_CSV_COLUMNS: readonly string[] = [
  'Target Arrivals/s',
  'Achieved Arrivals/s',
  'Duration (s)',
  'Scheduled',
  'Launched',
  'Dropped',
  'Max Users',
  'Iteration Median',
  'Iteration 95%',
  'Iteration 99%',
  'Uncorrected Median',
  'Uncorrected 95%',
  'Uncorrected 99%',
  'Uncorrected Max',
  // Added after the others: a reader of the older file finds its columns where they were.
  'Dropped (volley saturated)',
];

export const CAPACITY_CSV_COLUMNS: readonly string[] = [
  'Rate/s',
  'Achieved Rate/s',
  'Launched',
  'Dropped',
  'Request Count',
  'Fail Ratio',
  '50%',
  '95%',
  '99%',
  'Passed',
  'Broken',
];

export function renderArrivalsCsv(summary: RunSummary): string | null {
  const a = summary.arrivals;
  if (!a) return null;
  const u = a.uncorrected.aggregated;
  return (
    csvRow(ARRIVALS_CSV_COLUMNS) +
    csvRow([
      csvRate(a.targetRate),
      csvRate(a.achievedRate),
      formatDecimal(a.durationSec, 3),
      a.scheduled,
      a.launched,
      a.dropped,
      a.maxUsers,
      csvMs(a.iteration.percentiles['50'] ?? 0),
      csvMs(a.iteration.percentiles['95'] ?? 0),
      csvMs(a.iteration.percentiles['99'] ?? 0),
      csvMs(u.percentiles['50'] ?? 0),
      csvMs(u.percentiles['95'] ?? 0),
      csvMs(u.percentiles['99'] ?? 0),
      csvMs(u.maxMs),
      a.droppedSaturated,
    ])
  );
}

export function renderCapacityCsv(summary: RunSummary): string | null {
  const c = summary.capacity;
  if (!c) return null;
  const rows = c.steps.map((s) =>
    csvRow([
      formatDecimal(s.rate, 3),
      csvRate(s.achievedRate),
      s.launched,
      s.dropped,
      s.requests,
      formatDecimal(s.failRatio, 6),
      csvMs(s.p50Ms),
      csvMs(s.p95Ms),
      csvMs(s.p99Ms),
      s.passed ? 'true' : 'false',
      s.broken.join('; '),
    ]),
  );
  return [csvRow(CAPACITY_CSV_COLUMNS), ...rows].join('');
}

/** Writes PREFIX_arrivals.csv and PREFIX_capacity.csv when the run has those figures. */
export async function writeLoadModelCsv(prefix: string, summary: RunSummary): Promise<void> {
  const arrivals = renderArrivalsCsv(summary);
  if (arrivals !== null) await writeFileAtomic(`${prefix}_arrivals.csv`, arrivals);
  const capacity = renderCapacityCsv(summary);
  if (capacity !== null) await writeFileAtomic(`${prefix}_capacity.csv`, capacity);
}
