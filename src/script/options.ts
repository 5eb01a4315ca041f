/**
 * Run settings. The same keys are read from a config file (volley.config.json / .ts), from a scenario's
 * `export const options`, from VOLLEY_* environment variables and from flags, in that order of precedence
 * (flags win). Durations are strings like "90s", "1h30m", "500ms" or numbers of seconds.
 */
export interface VolleyOptions {
  /** Base URL, e.g. "http://127.0.0.1:5000". */
  host?: string;
  users?: number;
  /** Users started per second. */
  spawnRate?: number;
  runTime?: string | number;
  /** Task runs per user, then the user stops. */
  iterations?: number;
  tags?: string[];
  excludeTags?: string[];
  /** Seconds users get to finish their task at the end. */
  stopTimeout?: string | number;
  thresholds?: string[];
  seed?: number;
  csv?: string;
  csvFullHistory?: boolean;
  jsonFile?: string;
  /** Exit code when requests failed and no fail_ratio threshold is set (default 1). */
  exitCodeOnError?: number;
  headless?: boolean;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** Default request timeout. */
  timeout?: string | number;
  /** Print full stack traces for errors. */
  verbose?: boolean;
  /** Worker processes on this machine: a whole number, or "auto" for one per core (default 1: in-process). */
  processes?: number | 'auto';
  /** Coordinate workers that connect over TCP to this "host:port" (`volley worker --master host:port`). */
  master?: string;
  /** With `master`: how many workers to wait for before starting (default 1). */
  expectWorkers?: number;
}
