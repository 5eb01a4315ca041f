import { VOLLEY_VERSION } from '../version.ts';
import { envName, FLAG_OPTIONS_SPECS } from './option-spec.ts';

export const MAIN_HELP = `volley ${VOLLEY_VERSION}: load-test HTTP APIs with TypeScript scenarios

Usage:
  volley run FILE [options]     run a scenario (see volley run --help)
  volley demo [options]         serve the built-in reference API (see volley demo --help)
  volley verify FILE [options]  dry run, record, replay offline and compare (see volley verify --help)
  volley har2ts FILE.har        turn a browser or proxy HAR into a scenario (see volley har2ts --help)
  volley worker --master H:P    run users for a coordinator (see volley worker --help)
  volley trace record|replay|verify|inspect|export-har
                                record a Node service or program with its I/O, replay it offline and
                                compare (see volley trace --help)
  volley --version | --help

Example:
  volley demo --port 5000 &
  volley run examples/students/scenario.ts --headless -H http://127.0.0.1:5000 -u 20 -r 5 -t 30s --csv reports/students
`;

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
1 a threshold failed or requests failed (--exit-code-on-error), 2 bad usage, config or scenario,
3 a worker process was lost during the run (--processes, --master; its numbers are incomplete).
`;
}
