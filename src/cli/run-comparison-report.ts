/**
 * What `volley compare` and `volley run --baseline` share: reading a run's JSON summary, comparing,
 * printing the table and writing the HTML page.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { VolleyError } from '../errors.ts';
import { parseRegressionLimits } from '../metrics/regression-limits.ts';
import { compareRuns, DEFAULT_ALPHA } from '../metrics/run-comparison.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { writeFileAtomic } from '../report/atomic-write.ts';
import { renderComparisonHtml } from '../report/render/comparison-html.ts';
import { type ComparedRuns, renderComparisonText } from '../report/render/comparison-text.ts';
import { loadChartAssets } from '../report/render/uplot-assets.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage-error.ts';

/** A file given to compare that is not a run's JSON summary. */
export class SummaryFileError extends VolleyError {
  override readonly name = 'SummaryFileError';
  override readonly code: string = 'VOLLEY_SUMMARY_FILE';
}

/** Reads a `--json-file` summary; a one-line error for a missing, unreadable or foreign file. */
export async function readSummaryFile(file: string, io: Pick<CliIo, 'cwd'>): Promise<RunSummary> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SummaryFileError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SummaryFileError(`${file} is not JSON: expected the summary a run writes with --json-file`);
  }
  const summary = data as Partial<RunSummary>;
  if (
    summary?.schemaVersion !== 1 ||
    !Array.isArray(summary.endpoints) ||
    typeof summary.aggregated !== 'object' ||
    typeof summary.meta !== 'object'
  ) {
    throw new SummaryFileError(
      `${file} is not a run summary (schemaVersion 1): write one with volley run --json-file FILE`,
    );
  }
  return summary as RunSummary;
}

export interface ComparisonRequest {
  runs: ComparedRuns;
  /** --max-regression values, each a comma-separated list. */
  limits: readonly string[];
  alpha?: number;
  /** --html FILE (relative to the working directory). */
  html?: string;
}

/** Prints the comparison to stdout and writes the HTML page; returns 1 on a regression, else 0. */
export async function reportComparison(request: ComparisonRequest, io: CliIo): Promise<number> {
  const limits = parseRegressionLimits(request.limits.join(','));
  const comparison = compareRuns(
    request.runs.base.summary,
    request.runs.next.summary,
    limits,
    request.alpha ?? DEFAULT_ALPHA,
  );
  io.stdout.write(renderComparisonText(comparison, request.runs));
  if (request.html !== undefined) {
    const file = resolve(io.cwd, request.html);
    await writeFileAtomic(file, renderComparisonHtml(comparison, request.runs, await loadChartAssets()));
  }
  return comparison.regressions.length > 0 ? 1 : 0;
}

/** `volley run --baseline FILE`: the baseline read and the limits checked before the run starts. */
export interface Baseline {
  file: string;
  summary: RunSummary;
  limits: string[];
}

export async function prepareBaseline(
  options: { baseline?: string; maxRegression?: string[]; headless?: boolean },
  io: Pick<CliIo, 'cwd'>,
): Promise<Baseline | null> {
  const limits = options.maxRegression ?? [];
  if (options.baseline === undefined) {
    if (limits.length > 0)
      throw new UsageError('--max-regression: only with --baseline FILE.json (or use volley compare)');
    return null;
  }
  if (!options.headless) throw new UsageError('--baseline compares when the run ends: add --headless');
  parseRegressionLimits(limits.join(','));
  return { file: options.baseline, summary: await readSummaryFile(options.baseline, io), limits };
}

/** After the run: the comparison printed; the run's own failure wins, else 1 on a regression. */
export async function compareWithBaseline(
  baseline: Baseline,
  summary: RunSummary,
  io: CliIo,
): Promise<number> {
  io.stdout.write(`\nCompared with the baseline:\n`);
  const gate = await reportComparison(
    {
      runs: {
        base: { label: baseline.file, summary: baseline.summary },
        next: { label: 'this run', summary },
      },
      limits: baseline.limits,
    },
    io,
  );
  return summary.exitCode !== 0 ? summary.exitCode : gate;
}
