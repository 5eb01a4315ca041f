import type { ParseArgsOptionsConfig } from 'node:util';
import type { CliIo } from './io.ts';
import { parseCliArgs } from './parse-args.ts';
import { readSummaryFile, reportComparison } from './run-comparison-report.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS: ParseArgsOptionsConfig = {
  'max-regression': { type: 'string', multiple: true },
  alpha: { type: 'string' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const COMPARE_HELP = `Usage: volley compare BASE.json NEW.json [options]

Compares two runs' --json-file summaries endpoint by endpoint: requests/s, p50, p95, p99, max and the
failure ratio, with changes. Latency changes are tested on the runs' HDR histograms (and failure ratios
on their counts), so run-to-run noise is not called a regression (docs/traffic.md).

Options:
      --max-regression LIMITS  exit 1 when NEW is worse beyond a limit and beyond noise, e.g.
                               "p95=10%,p99=20ms,fail_ratio=0.5pp,rps=10%" (repeatable)
      --alpha P                significance level of the tests (default 0.01)
      --html FILE              write a side-by-side HTML report with overlaid percentile curves

Exit codes: 0 no regression beyond the limits (or none given), 1 a regression, 2 bad usage or files.
`;

export async function compareCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS, 'volley compare');
  if (values.help) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  const [baseFile, nextFile, ...extra] = positionals;
  if (baseFile === undefined || nextFile === undefined || extra.length > 0) {
    throw new UsageError('expected two run summaries: volley compare BASE.json NEW.json');
  }
  const alpha = values.alpha === undefined ? undefined : Number(values.alpha);
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) {
    throw new UsageError(`--alpha: expected a probability between 0 and 1, like 0.01, got "${values.alpha}"`);
  }
  const [base, next] = await Promise.all([readSummaryFile(baseFile, io), readSummaryFile(nextFile, io)]);
  return reportComparison(
    {
      runs: { base: { label: baseFile, summary: base }, next: { label: nextFile, summary: next } },
      limits: (values['max-regression'] as string[] | undefined) ?? [],
      ...(alpha !== undefined ? { alpha } : {}),
      ...(values.html !== undefined ? { html: values.html as string } : {}),
    },
    io,
  );
}
