import type { VolleyOptions } from '../script/options.ts';

/** `int-or-auto`: a whole number or the word "auto" (--processes). */
type Kind = 'string' | 'int' | 'int-or-auto' | 'number' | 'bool' | 'list' | 'duration';

export interface OptionSpec {
  key: keyof VolleyOptions;
  flag: string;
  short?: string;
  kind: Kind;
  /** Shown in --help. */
  help: string;
  /** VALUE placeholder in --help. */
  arg?: string;
}

/**
 * Every run setting once: its flag, its VOLLEY_* variable (derived from the flag), its config key and its
 * help line. Flags follow Locust's where the concept is the same.
 */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'host',
    flag: 'host',
    short: 'H',
    kind: 'string',
    arg: 'URL',
    help: 'base URL of the system under test',
  },
  { key: 'users', flag: 'users', short: 'u', kind: 'int', arg: 'N', help: 'concurrent users (default 1)' },
  {
    key: 'spawnRate',
    flag: 'spawn-rate',
    short: 'r',
    kind: 'number',
    arg: 'R',
    help: 'users started per second (default: all at once)',
  },
  {
    key: 'runTime',
    flag: 'run-time',
    short: 't',
    kind: 'duration',
    arg: 'TIME',
    help: 'stop after this long, e.g. 30s, 5m, 1h30m',
  },
  {
    key: 'iterations',
    flag: 'iterations',
    short: 'i',
    kind: 'int',
    arg: 'N',
    help: 'task runs per user, then the user stops',
  },
  {
    key: 'tags',
    flag: 'tags',
    short: 'T',
    kind: 'list',
    arg: 'TAGS',
    help: 'only run tasks with any of these tags (comma-separated)',
  },
  {
    key: 'excludeTags',
    flag: 'exclude-tags',
    short: 'E',
    kind: 'list',
    arg: 'TAGS',
    help: 'skip tasks with any of these tags',
  },
  {
    key: 'stopTimeout',
    flag: 'stop-timeout',
    kind: 'duration',
    arg: 'TIME',
    help: 'time users get to finish their task at the end (default 0)',
  },
  {
    key: 'thresholds',
    flag: 'threshold',
    kind: 'list',
    arg: 'EXPR',
    help: 'pass/fail criterion, repeatable: "p95<500", "GET /students: p99<800", "fail_ratio<0.01"',
  },
  {
    key: 'seed',
    flag: 'seed',
    kind: 'int',
    arg: 'N',
    help: 'seed for task choice, waits and unique values (reproducible runs)',
  },
  {
    key: 'csv',
    flag: 'csv',
    kind: 'string',
    arg: 'PREFIX',
    help: 'write PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv',
  },
  {
    key: 'csvFullHistory',
    flag: 'csv-full-history',
    kind: 'bool',
    help: 'every endpoint in the stats history, not only Aggregated',
  },
  {
    key: 'jsonFile',
    flag: 'json-file',
    kind: 'string',
    arg: 'FILE',
    help: 'write the whole summary as JSON',
  },
  {
    key: 'exitCodeOnError',
    flag: 'exit-code-on-error',
    kind: 'int',
    arg: 'N',
    help: 'exit code when requests failed and no fail_ratio threshold is set (default 1)',
  },
  { key: 'headless', flag: 'headless', kind: 'bool', help: 'no web UI; start at once and quit at the end' },
  { key: 'insecure', flag: 'insecure', short: 'k', kind: 'bool', help: 'do not verify TLS certificates' },
  {
    key: 'timeout',
    flag: 'timeout',
    kind: 'duration',
    arg: 'TIME',
    help: 'default request timeout (default 60s)',
  },
  { key: 'verbose', flag: 'verbose', kind: 'bool', help: 'full stack traces for errors' },
  {
    key: 'processes',
    flag: 'processes',
    kind: 'int-or-auto',
    arg: 'N|auto',
    help: 'run users in N worker processes, "auto" for one per core (default 1: this process)',
  },
  {
    key: 'master',
    flag: 'master',
    kind: 'string',
    arg: 'HOST:PORT',
    help: 'listen there for `volley worker --master HOST:PORT` workers and run the users in them',
  },
  {
    key: 'expectWorkers',
    flag: 'expect-workers',
    kind: 'int',
    arg: 'N',
    help: 'with --master: workers to wait for before starting (default 1)',
  },
];

export function envName(spec: OptionSpec): string {
  return `VOLLEY_${spec.flag.replaceAll('-', '_').toUpperCase()}${spec.key === 'thresholds' ? 'S' : ''}`;
}
