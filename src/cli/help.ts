import { envName, FLAG_OPTIONS_SPECS } from './option-spec.ts';

export function runHelp(): string {
  const rows = FLAG_OPTIONS_SPECS.map((s) => {
    const names = `${s.short ? `-${s.short}, ` : '    '}--${s.flag}${s.arg ? ` ${s.arg}` : ''}`;
    return `  ${names.padEnd(30)} ${s.help}  [${envName(s)}]`;
  });
  return `Usage: volley run FILE [options]

Runs the users exported by FILE (.ts, .mts, .js) against --host.
Settings come from, lowest first: volley.config.json|ts (or --config FILE), the scenario's
\`export const options\`, VOLLEY_* environment variables, then these flags.

Options:
${rows.join('\n')}
  -f, --scenario FILE            the scenario file (instead of the positional FILE)
      --config FILE              read settings from this file
      --only-summary             no live table, only the final report

Exit codes: 0 all thresholds passed (and no request failed when no fail_ratio threshold is set),
1 a threshold failed, requests failed (--exit-code-on-error) or no request was sent, 2 bad usage, config or scenario,
3 a worker process was lost during the run (--processes, --master; its numbers are incomplete),
4 a threshold marked :abort failed during the run and stopped it (e.g. --threshold "fail_ratio<0.5:abort").
`;
}
