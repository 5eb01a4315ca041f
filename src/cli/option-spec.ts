import type { VolleyOptions } from '../script/options.ts';

/** `int-or-auto`: a whole number or the word "auto" (--processes). */
type Kind =
  | 'string'
  | 'int'
  | 'int-or-auto'
  | 'number'
  | 'bool'
  | 'list'
  | 'duration'
  | 'rate'
  | 'stages'
  | 'function';

export interface OptionSpec {
  key: keyof VolleyOptions;
  flag: string;
  short?: string;
  kind: Kind;
  /** Shown in --help. */
  help: string;
  /** VALUE placeholder in --help. */
  arg?: string;
  /** Only in a scenario's or config file's options (a function): no flag, no VOLLEY_* variable. */
  scriptOnly?: boolean;
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
    help: 'write PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv, _checks.csv (open model: _arrivals.csv)',
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
    key: 'playbackSpeed',
    flag: 'speed',
    kind: 'number',
    arg: 'N',
    help: 'FILE.har: play the recorded traffic N times faster (default 1), overlap kept',
  },
  {
    key: 'playbackRate',
    flag: 'rate',
    kind: 'number',
    arg: 'R',
    help: 'FILE.har: R requests per second, evenly spaced, instead of the recorded pacing',
  },
  {
    key: 'playbackLoop',
    flag: 'loop',
    kind: 'bool',
    help: 'FILE.har: play the traffic again until the run ends',
  },
  {
    key: 'playbackFilter',
    flag: 'filter',
    kind: 'list',
    arg: 'K=V',
    help: 'FILE.har: only host=HOST, path=GLOB, method=M requests (repeatable; default: the busiest host)',
  },
  {
    key: 'baseline',
    flag: 'baseline',
    kind: 'string',
    arg: 'FILE.json',
    help: 'compare the run with this --json-file when it ends, as volley compare does',
  },
  {
    key: 'maxRegression',
    flag: 'max-regression',
    kind: 'list',
    arg: 'LIMITS',
    help: 'with --baseline: exit 1 on a regression beyond noise, e.g. "p95=10%,fail_ratio=0.5pp"',
  },
  {
    key: 'html',
    flag: 'html',
    kind: 'string',
    arg: 'FILE',
    help: 'write a self-contained HTML report (charts, tables, thresholds)',
  },
  {
    key: 'junit',
    flag: 'junit',
    kind: 'string',
    arg: 'FILE',
    help: 'write JUnit XML: a test case per threshold, endpoint and failure',
  },
  {
    key: 'prometheusPort',
    flag: 'prometheus-port',
    kind: 'int',
    arg: 'PORT',
    help: 'serve live Prometheus metrics on /metrics during the run (web UI: all its runs)',
  },
  {
    key: 'prometheusHost',
    flag: 'prometheus-host',
    kind: 'string',
    arg: 'ADDR',
    help: 'address the Prometheus endpoint listens on (default 127.0.0.1)',
  },
  {
    key: 'exitCodeOnError',
    flag: 'exit-code-on-error',
    kind: 'int',
    arg: 'N',
    help: 'exit code when requests failed and no fail_ratio threshold is set (default 1)',
  },
  { key: 'headless', flag: 'headless', kind: 'bool', help: 'no web UI; start at once and quit at the end' },
  {
    key: 'webHost',
    flag: 'web-host',
    kind: 'string',
    arg: 'ADDR',
    help: 'web UI address (default 127.0.0.1; others need an access token)',
  },
  {
    key: 'webPort',
    flag: 'web-port',
    kind: 'int',
    arg: 'PORT',
    help: 'web UI port (default 8089; 0: any free port)',
  },
  {
    key: 'webAuth',
    flag: 'web-auth',
    kind: 'string',
    arg: 'TOKEN',
    help: 'web UI access token or user:pass (generated and printed when binding beyond loopback)',
  },
  { key: 'autostart', flag: 'autostart', kind: 'bool', help: 'web UI: start the run at once' },
  {
    key: 'autoquit',
    flag: 'autoquit',
    kind: 'duration',
    arg: 'TIME',
    help: 'web UI: quit this long after the run ends (e.g. 0, 10s)',
  },
  { key: 'insecure', flag: 'insecure', short: 'k', kind: 'bool', help: 'do not verify TLS certificates' },
  {
    key: 'ca',
    flag: 'ca',
    kind: 'string',
    arg: 'FILE',
    help: 'PEM file of CAs to trust instead of the usual ones',
  },
  {
    key: 'cert',
    flag: 'cert',
    kind: 'string',
    arg: 'FILE',
    help: 'PEM client certificate for mutual TLS (with --key, or its key in the same file)',
  },
  {
    key: 'http2',
    flag: 'http2',
    kind: 'bool',
    help: 'HTTP/2: ALPN h2 over TLS, prior knowledge over http:// (through undici)',
  },
  {
    key: 'proxy',
    flag: 'proxy',
    kind: 'string',
    arg: 'URL',
    help: 'HTTP proxy for every request (default: HTTP_PROXY, HTTPS_PROXY, NO_PROXY)',
  },
  { key: 'key', flag: 'key', kind: 'string', arg: 'FILE', help: "PEM private key of --cert's certificate" },
  {
    key: 'timeout',
    flag: 'timeout',
    kind: 'duration',
    arg: 'TIME',
    help: 'default request timeout (default 60s)',
  },
  { key: 'verbose', flag: 'verbose', kind: 'bool', help: 'full stack traces for errors' },
  {
    key: 'arrivalRate',
    flag: 'arrival-rate',
    kind: 'rate',
    arg: 'N',
    help: 'open model: N arrivals per second (or N/m), each runs one task',
  },
  {
    key: 'maxUsers',
    flag: 'max-users',
    kind: 'int',
    arg: 'M',
    help: 'open model: cap on concurrent users; arrivals beyond it are dropped (default 5000)',
  },
  {
    key: 'stages',
    flag: 'stages',
    kind: 'stages',
    arg: 'STAGES',
    help: 'ramps, e.g. "30s:50,2m:50,30s:0" (users) or "1m:100/s,2m:100/s" (arrival rate)',
  },
  {
    key: 'profile',
    flag: 'profile',
    kind: 'string',
    arg: 'NAME',
    help: 'preset: smoke, load, stress, spike, soak, breakpoint (see README)',
  },
  {
    key: 'findCapacity',
    flag: 'find-capacity',
    kind: 'bool',
    help: 'raise the arrival rate step by step until a threshold breaks',
  },
  {
    key: 'capacityStart',
    flag: 'capacity-start',
    kind: 'rate',
    arg: 'N',
    help: 'capacity search: rate of the first step (default 10/s)',
  },
  {
    key: 'capacityStep',
    flag: 'capacity-step',
    kind: 'rate',
    arg: 'N',
    help: 'capacity search: rate added per step (default: the start rate)',
  },
  {
    key: 'capacityStepTime',
    flag: 'capacity-step-time',
    kind: 'duration',
    arg: 'TIME',
    help: 'capacity search: length of each step (default 30s)',
  },
  {
    key: 'capacityMax',
    flag: 'capacity-max',
    kind: 'rate',
    arg: 'N',
    help: 'capacity search: highest rate tried (default 100000/s)',
  },
  {
    key: 'shape',
    flag: 'shape',
    kind: 'function',
    scriptOnly: true,
    help: 'options.shape = (t) => ({ users, spawnRate } | { rate } | null), ticked each second',
  },
  {
    key: 'record',
    flag: 'record',
    kind: 'string',
    arg: 'FILE.har',
    help: 'record every exchange, and the time and randomness the scenario read, as HAR',
  },
  {
    key: 'replay',
    flag: 'replay',
    kind: 'string',
    arg: 'FILE.har',
    help: 'replay a recording without network; a request that differs fails the run',
  },
  {
    key: 'recordMode',
    flag: 'record-mode',
    kind: 'string',
    arg: 'MODE',
    help: 'record, replay, record-missing or passthrough (with --record/--replay FILE)',
  },
  {
    key: 'redact',
    flag: 'redact',
    kind: 'list',
    arg: 'PATTERN',
    help: 'also redact headers, query parameters, JSON and form fields so named in recordings, e.g. "*pin*"',
  },
  {
    key: 'noRedact',
    flag: 'no-redact',
    kind: 'list',
    arg: 'NAME',
    help: 'keep this header, parameter or field in recordings although a redaction pattern matches it',
  },
  {
    key: 'redactHeaders',
    flag: 'redact-header',
    kind: 'list',
    arg: 'NAME',
    help: 'also redact this header in recordings (`*` wildcards)',
  },
  {
    key: 'redactJsonPaths',
    flag: 'redact-json-path',
    kind: 'list',
    arg: 'PATH',
    help: 'also redact these JSON body fields in recordings, e.g. "$..apiKey"',
  },
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
  {
    key: 'waitFor',
    flag: 'wait-for',
    kind: 'string',
    arg: '[URL]',
    help: 'before starting, poll until the host answers (or URL / a /path on the host answers < 400)',
  },
  {
    key: 'waitTimeout',
    flag: 'wait-timeout',
    kind: 'duration',
    arg: 'TIME',
    help: 'how long --wait-for polls before giving up with exit 2 (default 60s)',
  },
  {
    key: 'printEvery',
    flag: 'print-every',
    kind: 'duration',
    arg: 'TIME',
    help: 'stdout not a terminal: a progress line this often, full tables at the end (default 10s; 0: none)',
  },
  {
    key: 'waitForWorkers',
    flag: 'wait-for-workers',
    kind: 'duration',
    arg: 'TIME',
    help: 'with --master: how long to wait for every worker to connect (default 10m)',
  },
  {
    key: 'heartbeatTimeout',
    flag: 'heartbeat-timeout',
    kind: 'duration',
    arg: 'TIME',
    help: 'with --master: a worker not heard from for this long is lost (default 10s)',
  },
  {
    key: 'clusterToken',
    flag: 'cluster-token',
    kind: 'string',
    arg: 'SECRET',
    help: 'with --master: shared secret workers must prove (required beyond loopback; prefer the env variable)',
  },
];

/** Settings that can be flags and VOLLEY_* variables (all but functions). */
export const FLAG_OPTIONS_SPECS: readonly OptionSpec[] = RUN_OPTIONS.filter((s) => !s.scriptOnly);

export function envName(spec: OptionSpec): string {
  return `VOLLEY_${spec.flag.replaceAll('-', '_').toUpperCase()}${spec.key === 'thresholds' ? 'S' : ''}`;
}
