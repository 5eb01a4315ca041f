/** What a shape asks for at a tick: users (closed model), an arrival rate (open model), or the end. */
export type ShapeTick = { users: number; spawnRate?: number } | { rate: number } | null;

/**
 * `options.shape`: called once a second with the seconds since the start (Locust's LoadTestShape.tick);
 * returns the load to apply now, or null to end the run.
 */
export type LoadShape = (elapsedSec: number) => ShapeTick | undefined;

/** What `options.stages` may hold besides the flag's string: `{ duration, users }` or `{ duration, rate }`. */
export interface StageOption {
  duration: string | number;
  /** Users at the end of the stage (closed model). */
  users?: number;
  /** Arrivals per second at the end of the stage (open model); a string may say "/s" or "/m". */
  rate?: number | string;
  /** k6's name: users, or a rate when the other stages give rates. */
  target?: number;
}

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
  /** HAR playback (`volley run FILE.har`): the recorded pacing compressed this many times. */
  playbackSpeed?: number;
  /** HAR playback: this many requests per second, evenly spaced, instead of the recorded pacing. */
  playbackRate?: number;
  /** HAR playback: play the traffic again and again until the run ends. */
  playbackLoop?: boolean;
  /** HAR playback: `host=…`, `path=GLOB`, `method=…` (same key: any; different keys: all). */
  playbackFilter?: string[];
  /** A run's --json-file to compare this run with when it ends (`volley compare`). */
  baseline?: string;
  /** With `baseline`: regression limits, e.g. ["p95=10%", "fail_ratio=0.5pp"]; one beyond noise exits 1. */
  maxRegression?: string[];
  /** Self-contained HTML report file ({u} {r} {t} placeholders). */
  html?: string;
  /** JUnit XML file: one test case per threshold and per endpoint. */
  junit?: string;
  /** Serve live Prometheus metrics on this port (/metrics). */
  prometheusPort?: number;
  /** Address the Prometheus endpoint listens on (default 127.0.0.1). */
  prometheusHost?: string;
  /** Exit code when requests failed and no fail_ratio threshold is set (default 1). */
  exitCodeOnError?: number;
  /** No web UI: start at once and quit when the run ends. */
  headless?: boolean;
  /** Web UI bind address (default 127.0.0.1); anything but loopback needs an access token. */
  webHost?: string;
  /** Web UI port (default 8089; 0 picks a free one). */
  webPort?: number;
  /** Web UI access token (or user:pass for HTTP basic auth). */
  webAuth?: string;
  /** With the web UI: start the run at once, as if Start was pressed. */
  autostart?: boolean;
  /** With the web UI: quit this long after a run ends (seconds or a duration). */
  autoquit?: string | number;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** PEM file of certificate authorities to trust instead of the usual ones. */
  ca?: string;
  /** PEM file of a client certificate for mutual TLS (its key in `key`, or in the same file). */
  cert?: string;
  /** PEM file of the client certificate's private key. */
  key?: string;
  /** HTTP/2: ALPN h2 over TLS, prior knowledge (h2c) over http:// — through undici. */
  http2?: boolean;
  /** HTTP proxy for every request, loopback included; default: HTTP_PROXY, HTTPS_PROXY and NO_PROXY. */
  proxy?: string;
  /** Default request timeout. */
  timeout?: string | number;
  /** Print full stack traces for errors. */
  verbose?: boolean;
  /** Open model: arrivals per second (a number, or "50/s", "3000/m"); each arrival runs one task. */
  arrivalRate?: number | string;
  /** Open model: cap on concurrent virtual users; arrivals finding none free are dropped (default 5000). */
  maxUsers?: number;
  /** Ramps: "30s:50,2m:50,30s:0" (users) or "30s:100/s,1m:100/s" (arrival rates), or a list of stages. */
  stages?: string | StageOption[];
  /** Called each second with the seconds since the start: `{ users, spawnRate? }`, `{ rate }`, or null to end. */
  shape?: LoadShape;
  /** Strategy preset: smoke, load, stress, spike, soak, breakpoint. */
  profile?: string;
  /** Raise the arrival rate step by step until a threshold breaks; report the highest sustained rate. */
  findCapacity?: boolean;
  /** Capacity search: arrivals per second of the first step (default 10). */
  capacityStart?: number | string;
  /** Capacity search: added to the rate at each step (default: the start rate). */
  capacityStep?: number | string;
  /** Capacity search: length of each step (default 30s). */
  capacityStepTime?: string | number;
  /** Capacity search: the highest rate tried (default 100000/s). */
  capacityMax?: number | string;
  /** Record the run's exchanges, time and randomness to this HAR file. */
  record?: string;
  /** Replay a recording: no network, every request answered from this HAR file. */
  replay?: string;
  /** record, replay, record-missing (replay what was recorded, record the rest) or passthrough. */
  recordMode?: string;
  /** More names to redact in recordings: headers, query parameters, JSON and form fields (globs). */
  redact?: string[];
  /** Names to keep in recordings even though a redaction pattern matches them. */
  noRedact?: string[];
  /** More headers to redact in recordings (globs). */
  redactHeaders?: string[];
  /** JSON paths of body fields to redact in recordings, e.g. "$..apiKey". */
  redactJsonPaths?: string[];
  /** Worker processes on this machine: a whole number, or "auto" for one per core (default 1: in-process). */
  processes?: number | 'auto';
  /** Coordinate workers that connect over TCP to this "host:port" (`volley worker --master host:port`). */
  master?: string;
  /** With `master`: how many workers to wait for before starting (default 1). */
  expectWorkers?: number;
  /** Before starting, poll until this answers: "" the host (any response), a path on it or a URL (below 400). */
  waitFor?: string;
  /** How long --wait-for polls before giving up (default 60s). */
  waitTimeout?: string | number;
  /** Without a terminal: a progress line this often (default 10s; 0: none). */
  printEvery?: string | number;
  /** With `master`: how long to wait for them to connect (default 10m: pods may be pulling an image). */
  waitForWorkers?: string | number;
  /** With `master`: a worker (or coordinator) not heard from for this long is lost (default 10s). */
  heartbeatTimeout?: string | number;
  /** With `master`: the shared secret workers and coordinator prove to each other; required beyond loopback. */
  clusterToken?: string;
}
