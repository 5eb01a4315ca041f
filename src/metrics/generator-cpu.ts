/**
 * Watches the load generator's own CPU. A generator that is short of CPU sends late and measures
 * its own queueing as response time, so its numbers can no longer be trusted: past 90% of one core
 * over a window of a few seconds, the run says so (console warning, `meta.generator` in the summary).
 */

/** The generator's CPU over a run, as written to `meta.generator`. */
export interface GeneratorCpu {
  /** Average CPU (user + system) of the process over the run, % of one core. */
  cpuPercentAvg: number;
  /** Highest `windowSamples`-second average, % of one core. */
  cpuPercentPeak: number;
  /** true when a full window's average passed the limit: the figures may include the generator's own delays. */
  overloaded: boolean;
}

export const OVERLOAD_CPU_PERCENT = 90;

export interface GeneratorCpuMonitorOptions {
  /** Called once, the first time the window average passes the limit. */
  onOverload?: (cpuPercent: number) => void;
  /** Sampling period in ms (default 1000). */
  intervalMs?: number;
  /** Samples per window (default 3): a single busy second (a GC, a spawn burst) is not an overload. */
  windowSamples?: number;
  /** CPU µs used so far (user + system); default process.cpuUsage. Injectable for tests. */
  cpuMicros?: () => number;
  /** Monotonic ms; default performance.now. Injectable for tests. */
  nowMs?: () => number;
}

const processCpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export class GeneratorCpuMonitor {
  readonly #onOverload: ((cpuPercent: number) => void) | undefined;
  readonly #intervalMs: number;
  readonly #windowSamples: number;
  readonly #cpuMicros: () => number;
  readonly #nowMs: () => number;
  /** Per-sample [cpu µs, wall ms] deltas of the current window. */
  readonly #window: { cpu: number; wall: number }[] = [];
  #timer: NodeJS.Timeout | undefined = undefined;
  #startCpu = 0;
  #startWall = 0;
  #lastCpu = 0;
  #lastWall = 0;
  #peak = 0;
  #overloaded = false;
  #warned = false;
  #final: GeneratorCpu | null = null;

  constructor(options: GeneratorCpuMonitorOptions = {}) {
    this.#onOverload = options.onOverload;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#windowSamples = Math.max(1, options.windowSamples ?? 3);
    this.#cpuMicros = options.cpuMicros ?? processCpuMicros;
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  start(): void {
    this.#startCpu = this.#lastCpu = this.#cpuMicros();
    this.#startWall = this.#lastWall = this.#nowMs();
    this.#timer = setInterval(() => this.sample(), this.#intervalMs);
    // Never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** Takes one sample now (called by the timer; public for tests). */
  sample(): void {
    const cpu = this.#cpuMicros();
    const wall = this.#nowMs();
    if (wall <= this.#lastWall) return;
    this.#window.push({ cpu: cpu - this.#lastCpu, wall: wall - this.#lastWall });
    if (this.#window.length > this.#windowSamples) this.#window.shift();
    this.#lastCpu = cpu;
    this.#lastWall = wall;
    let cpuSum = 0;
    let wallSum = 0;
    for (const s of this.#window) {
      cpuSum += s.cpu;
      wallSum += s.wall;
    }
    const percent = cpuSum / 10 / wallSum;
    if (percent > this.#peak) this.#peak = percent;
    // Only a full window judges: a run's first second (loading the scenario, compiling, spawning) or a
    // run shorter than the window is not an overload on its own.
    if (this.#window.length < this.#windowSamples || percent <= OVERLOAD_CPU_PERCENT) return;
    this.#overloaded = true;
    if (!this.#warned) {
      this.#warned = true;
      this.#onOverload?.(percent);
    }
  }

  /** Stops sampling and returns the run's figures (the same ones on every later call). */
  stop(): GeneratorCpu {
    if (this.#final !== null) return this.#final;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    // The last partial period counts only when no full sample was taken (very short runs).
    if (this.#window.length === 0) this.sample();
    const wall = this.#lastWall - this.#startWall;
    const avg = wall > 0 ? (this.#lastCpu - this.#startCpu) / 10 / wall : 0;
    this.#final = {
      cpuPercentAvg: round1(avg),
      cpuPercentPeak: round1(this.#peak),
      overloaded: this.#overloaded,
    };
    return this.#final;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The console's one-line warning. */
export function overloadWarning(cpuPercent: number): string {
  return (
    `the load generator is using ${Math.round(cpuPercent)}% of a CPU core: response times and rates ` +
    'may include its own delays (use fewer users, or more processes)'
  );
}

/** Several processes' CPU as one: the busiest's, whose numbers are least to be trusted. */
export function busiestGenerator(generators: readonly GeneratorCpu[]): GeneratorCpu {
  return {
    cpuPercentAvg: Math.max(...generators.map((g) => g.cpuPercentAvg)),
    cpuPercentPeak: Math.max(...generators.map((g) => g.cpuPercentPeak)),
    overloaded: generators.some((g) => g.overloaded),
  };
}
